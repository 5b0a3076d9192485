/**
 * Access records (谁、哪个系统、哪个持证主体、哪些字段、什么用途、何时、结果), committed before the
 * answer is sent — cheaply, by group commit: records from concurrent requests are collected and
 * written together, one transaction and one multi-row insert per flush, and every waiting request
 * is released when that transaction has committed. A flush starts as soon as the event loop turns
 * (so a lone request waits for one commit, no timer), and while flushes are in flight (at most
 * `maxInFlight`) new records gather for the next one: the busier the exchange, the bigger the
 * batches, the fewer the commits.
 *
 * The same transaction moves the quota counters of the charged agreements and publishes one
 * `exchange.accessed` event per record, so listeners (the audit log) write their part atomically
 * with the record.
 */
import { DomainError } from '../platform/errors.ts';
import type { DomainEvents } from '../platform/events.ts';
import { accessedEvent } from './events.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
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
      const totals = await this.store.transaction((tx) => this.write(tx, batch, charges, shard));
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

  private async write(tx: Queryable, batch: readonly Waiting[], charges: readonly QuotaCharge[], shard: number): Promise<number[]> {
    const col = <T>(pick: (r: AccessRecord) => T) => batch.map((w) => pick(w.record));
    // One statement (prepared on PostgreSQL) writes the records and moves the quota counters.
    const quota = await tx.query<{ basis_id: string; day: string; used: number }>(
      WRITE_ACCESS,
      [
        col((r) => r.accessId),
        col((r) => r.at.toISOString()),
        col((r) => r.departmentCode),
        col((r) => r.clientId),
        col((r) => r.operation),
        col((r) => r.licenseType),
        col((r) => r.purpose),
        col((r) => r.holderCodes.join(',')),
        col((r) => r.fields.join(',')),
        col((r) => r.basis),
        col((r) => r.basisIds.join(',')),
        col((r) => r.outcome),
        col((r) => r.status),
        col((r) => r.problem),
        col((r) => (r.results ? JSON.stringify(r.results) : null)),
        charges.map((c) => c.key),
        charges.map((c) => c.day),
        charges.map((c) => c.count),
        shard,
      ],
      { name: 'exchange.access' },
    );
    const byKey = new Map(quota.rows.map((r) => [`${r.basis_id}|${r.day}`, Number(r.used)]));
    const totals = charges.map((c) => byKey.get(`${c.key}|${c.day}`) ?? 0);
    await this.events.publish(tx, batch.map((w) => accessedEvent(w.record)));
    return totals;
  }
}

// Holder codes and field names never contain a comma: each row's list travels as one string.
const WRITE_ACCESS = `
  with written as (
    insert into exchange_access (access_id, at, department_code, client_id, operation, license_type, purpose,
                                 holder_codes, fields, basis, basis_ids, outcome, status, problem, results)
    select t.access_id, t.at, t.department_code, t.client_id, t.operation, t.license_type, t.purpose,
           string_to_array(t.holders, ','), string_to_array(t.fields, ','), t.basis, string_to_array(t.basis_ids, ','),
           t.outcome, t.status, t.problem, t.results
      from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                  $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::text[], $15::jsonb[])
        as t(access_id, at, department_code, client_id, operation, license_type, purpose, holders, fields, basis, basis_ids,
             outcome, status, problem, results)
  )
  insert into exchange_quota_usage (basis_id, day, shard, used)
  select q.basis_id, q.day, $19::smallint, q.used from unnest($16::text[], $17::date[], $18::bigint[]) as q(basis_id, day, used)
  on conflict (basis_id, day, shard) do update set used = exchange_quota_usage.used + excluded.used
  returning basis_id, day, used`;

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
