/**
 * Access records (谁、哪个系统、哪个持证主体、哪些字段、什么用途、何时、结果), committed before the
 * answer is sent — cheaply, by group commit: records from concurrent requests are collected and
 * written together, and every waiting request is released when that write has committed. A flush
 * starts as soon as the event loop turns (so a lone request waits for one commit, no timer), and
 * while flushes are in flight (at most `maxInFlight`) new records gather for the next one: the
 * busier the exchange, the bigger the batches, the fewer the commits.
 *
 * A record is its `exchange.accessed` event: what the audit log appends (one entry per holder
 * read) is the record, written once. A flush is ONE statement, committed on its own (no
 * BEGIN/COMMIT round trips): the quota counters of the charged agreements, with the audit log's
 * append folded in (see FoldedWrite). Should a listener hear these events, or the log not fold
 * (the embedded store), the flush runs as a transaction that publishes them instead.
 */
import { DomainError } from '../platform/errors.ts';
import { foldWrites, type DomainEvent, type DomainEvents } from '../platform/events.ts';
import { accessedEvent } from './events.ts';
import type { Store } from '../platform/store/store.ts';
import type { DailyQuotas, QuotaCharge } from './quota.ts';

export type AccessOperation = 'lookup' | 'batch' | 'event';
export type AccessOutcome = 'allowed' | 'denied' | 'not-found' | 'rate-limited' | 'invalid' | 'error';

export interface AccessRecord {
  /** A UUID, also returned to the caller (X-CertBridge-Access-Id) and carried by the event. */
  accessId: string;
  at: Date;
  departmentCode: string | null;
  clientId: string | null;
  operation: AccessOperation;
  licenseType: string | null;
  purpose: string | null;
  holderCodes: readonly string[];
  /** The business fields sent (none when denied). */
  fields: readonly string[];
  /** What allowed it: an agreement, holder authorisations, or a subscription (event delivery). */
  basis: 'agreement' | 'authorisation' | 'subscription' | null;
  basisIds: readonly string[];
  outcome: AccessOutcome;
  status: number;
  problem: string | null;
  /** Per-outcome counts of a batch. */
  results?: Record<string, number> | null;
  /** The agreement's daily volume when it was the basis (carried by the event for oversight, not stored here). */
  expectedDailyVolume?: number | null;
}

interface Waiting {
  record: AccessRecord;
  charge?: QuotaCharge;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface RecorderOptions {
  /** Records per flush at most. */
  maxBatch: number;
  /** Flushes in flight at once (each is one transaction on its own connection). */
  maxInFlight: number;
  /** Told of every record as it is queued (the metrics' count of accesses by outcome and reason). */
  onRecord?: (record: AccessRecord) => void;
}


export class AccessRecorder {
  /** Counters for operators and benchmarks: flushes, records written, total milliseconds spent in flush transactions. */
  readonly stats = { flushes: 0, records: 0, flushMs: 0, maxBatch: 0 };
  private queue: Waiting[] = [];
  private inFlight = 0;
  /** Quota shards this recorder writes: one per flush slot, so its concurrent flushes never lock the same counter row. */
  private readonly freeShards: number[];
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: DomainEvents,
    private readonly quotas: DailyQuotas,
    private readonly options: RecorderOptions = { maxBatch: 1000, maxInFlight: 2 },
  ) {
    // Another process's recorder most likely uses other shards.
    const base = Math.floor(Math.random() * SHARDS);
    this.freeShards = Array.from({ length: Math.min(options.maxInFlight, SHARDS) }, (_, i) => (base + i) % SHARDS);
  }

  /** Resolves once the record (and its quota charge) committed; rejects if it could not be. */
  record(record: AccessRecord, charge?: QuotaCharge): Promise<void> {
    this.options.onRecord?.(record);
    return new Promise((resolve, reject) => {
      this.queue.push({ record, charge, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or being written. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight || this.freeShards.length === 0) return;
    const batch = this.queue.length <= this.options.maxBatch ? this.queue : this.queue.slice(0, this.options.maxBatch);
    this.queue = this.queue.length <= this.options.maxBatch ? [] : this.queue.slice(this.options.maxBatch);
    this.inFlight++;
    const shard = this.freeShards.pop()!;
    this.schedule();
    try {
      await this.commit(batch, shard);
    } finally {
      this.freeShards.push(shard);
      this.inFlight--;
      this.schedule();
      if (this.queue.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    }
  }

  /**
   * Commits a batch of records. Records of many callers share the transaction, so one record the
   * database refuses must not fail the others: the batch is split and each half committed on its
   * own, down to the one record at fault, whose caller alone gets the error. An unreachable
   * database fails everyone (there is nothing to isolate).
   */
  private async commit(batch: readonly Waiting[], shard: number): Promise<void> {
    const charges = mergeCharges(batch);
    const started = performance.now();
    try {
      const totals = await this.write(batch, charges, shard);
      this.stats.flushes++;
      this.stats.records += batch.length;
      this.stats.flushMs += performance.now() - started;
      this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
      charges.forEach((charge, i) => this.quotas.settle(charge, shard, totals[i]));
      for (const w of batch) w.resolve();
    } catch (error) {
      if (batch.length > 1 && !(error instanceof DomainError && error.reason === 'unavailable')) {
        const half = Math.ceil(batch.length / 2);
        await this.commit(batch.slice(0, half), shard);
        await this.commit(batch.slice(half), shard);
        return;
      }
      for (const charge of charges) this.quotas.release(charge);
      for (const w of batch) w.reject(error);
    }
  }

  private async write(batch: readonly Waiting[], charges: readonly QuotaCharge[], shard: number): Promise<number[]> {
    const events: DomainEvent[] = batch.map((w) => accessedEvent(w.record));
    const statement = {
      ctes: QUOTA,
      select: 'select basis_id, day::text as day, used from quota',
      params: [charges.map((c) => c.key), charges.map((c) => c.day), charges.map((c) => c.count), shard],
      name: 'exchange.access',
    };
    let rows: QuotaRow[] | undefined;
    // Folded into one autocommit statement; run again (a few times at most) when the log's append
    // was built on a state another process changed meanwhile.
    for (let attempt = 0; attempt < 5 && !rows; attempt++) {
      const fold = await this.events.fold(events);
      if (!fold) break;
      const folded = foldWrites(statement, fold.writes);
      try {
        rows = (await this.store.query<QuotaRow>(folded.sql, folded.params, { name: folded.name })).rows;
      } catch (error) {
        if (!fold.settle(error)) throw error;
        continue;
      }
      fold.settle();
    }
    rows ??= await this.store.transaction(async (tx) => {
      const written = await tx.query<QuotaRow>(`with ${statement.ctes}\n${statement.select}`, statement.params, { name: statement.name });
      await this.events.publish(tx, events);
      return written.rows;
    });
    const byKey = new Map(rows.map((r) => [`${r.basis_id}|${r.day}`, Number(r.used)]));
    return charges.map((c) => byKey.get(`${c.key}|${c.day}`) ?? 0);
  }
}

interface QuotaRow {
  basis_id: string;
  day: string;
  used: number;
}

// The day's counter of each charged agreement, in this flush slot's shard.
const QUOTA = `quota as (
    insert into exchange_quota_usage (basis_id, day, shard, used)
    select q.basis_id, q.day, $4::smallint, q.used from unnest($1::text[], $2::date[], $3::bigint[]) as q(basis_id, day, used)
    on conflict (basis_id, day, shard) do update set used = exchange_quota_usage.used + excluded.used
    returning basis_id, day, used
  )`;

const SHARDS = 64;

function mergeCharges(batch: readonly Waiting[]): QuotaCharge[] {
  const merged = new Map<string, QuotaCharge>();
  for (const { charge } of batch) {
    if (!charge || charge.count === 0) continue;
    const id = `${charge.key}|${charge.day}`;
    const known = merged.get(id);
    if (known) known.count += charge.count;
    else merged.set(id, { ...charge });
  }
  return [...merged.values()];
}
