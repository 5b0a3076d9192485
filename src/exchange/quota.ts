/**
 * Daily quotas (the agreement's expectedDailyVolume), per Asia/Shanghai day.
 *
 * The count lives in `exchange_quota_usage`, moved by the access recorder in the same
 * transaction as the access records it charges (so a committed lookup is always counted). This
 * process keeps, per quota and day, what the database said at the last flush (`committed`, which
 * includes other processes' lookups) plus what it has granted since (`pending`): a check and a
 * reservation are one synchronous step, so concurrent requests never overrun a quota together.
 * With several server processes each sees the others' use at its next flush: the overrun is at
 * most what they grant between two flushes (a few milliseconds' worth).
 */
import type { Queryable } from '../platform/store/store.ts';

export interface Usage {
  /** The sum of the shards' counts, as last read or written. */
  committed: number;
  pending: number;
  /** Count per shard (see the recorder): what the database said at the last read or write of each. */
  shards: Map<number, number>;
}

export interface QuotaCharge {
  key: string;
  day: string;
  count: number;
}

export class DailyQuotas {
  private readonly usages = new Map<string, Usage>();
  private readonly loading = new Map<string, Promise<Usage>>();
  private today = '';

  constructor(private readonly db: Queryable) {}

  /** The usage of quota `key` on `day`, read from the database once per process and day. */
  usage(key: string, day: string): Usage | Promise<Usage> {
    if (day !== this.today) {
      // A new day: yesterday's counters are of no more use.
      this.today = day;
      this.usages.clear();
      this.loading.clear();
    }
    const id = `${key}|${day}`;
    const known = this.usages.get(id);
    if (known) return known;
    let load = this.loading.get(id);
    if (!load) {
      load = this.db
        .query<{ shard: number; used: number }>('select shard, used from exchange_quota_usage where basis_id = $1 and day = $2', [key, day])
        .then((r) => {
          const shards = new Map(r.rows.map((row) => [Number(row.shard), Number(row.used)]));
          const usage = this.usages.get(id) ?? { committed: [...shards.values()].reduce((a, b) => a + b, 0), pending: 0, shards };
          this.usages.set(id, usage);
          this.loading.delete(id);
          return usage;
        });
      this.loading.set(id, load);
    }
    return load;
  }

  /** After the recorder's transaction committed `charge` into `shard`, whose count the database said is now `count`. */
  settle(charge: QuotaCharge, shard: number, count: number): void {
    const usage = this.usages.get(`${charge.key}|${charge.day}`);
    if (!usage) return;
    usage.pending -= charge.count;
    usage.shards.set(shard, Math.max(usage.shards.get(shard) ?? 0, count));
    let sum = 0;
    for (const n of usage.shards.values()) sum += n;
    usage.committed = Math.max(usage.committed, sum);
  }

  /** A reservation whose access record was not committed: give it back. */
  release(charge: QuotaCharge): void {
    const usage = this.usages.get(`${charge.key}|${charge.day}`);
    if (usage) usage.pending -= charge.count;
  }
}

export const remaining = (usage: Usage, limit: number) => limit - usage.committed - usage.pending;
