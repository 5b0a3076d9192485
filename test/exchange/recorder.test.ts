import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyQuotas, remaining } from '../../src/exchange/quota.ts';
import { AccessRecorder, type AccessRecord } from '../../src/exchange/recorder.ts';
import { chinaDate, parseValidUntil, secondsToChinaMidnight } from '../../src/platform/chinaTime.ts';
import { backoffDelay } from '../../src/deliveries/deliverer.ts';
import { logAppender } from '../../src/audit/appender.ts';
import { DomainEvents, type DomainEvent } from '../../src/platform/events.ts';
import type { Store } from '../../src/platform/store/store.ts';
import { accessRecord, accessRecordsByBasis } from '../support/accessRecords.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

const record = (overrides: Partial<AccessRecord> = {}): AccessRecord => ({
  accessId: randomUUID(),
  at: new Date(),
  departmentCode: 'D',
  clientId: 'c',
  operation: 'lookup',
  licenseType: 'business-license',
  purpose: 'tax-administration',
  holderCodes: ['91370100MA3C00001X'],
  fields: ['name', 'registeredCapital'],
  basis: 'agreement',
  basisIds: ['a1'],
  outcome: 'allowed',
  status: 200,
  problem: null,
  ...overrides,
});

const count = async (sql: string, params: unknown[] = []) => Number((await t.platform.store.query<{ n: number }>(sql, params)).rows[0].n);

/** The platform's store, counting what the recorder sends through it. */
function countingStore() {
  const counts = { statements: 0, transactions: 0 };
  const inner = t.platform.store;
  const store: Store = {
    kind: inner.kind,
    exec: (sql) => inner.exec(sql),
    afterCommit: (effect) => inner.afterCommit(effect),
    close: () => inner.close(),
    exclusive: (work) => inner.exclusive(work),
    query: (sql, params, options) => {
      counts.statements++;
      return t.platform.store.query(sql, params, options);
    },
    transaction: (work) => {
      counts.transactions++;
      return t.platform.store.transaction(work);
    },
  };
  return { store, counts };
}

describe('the access recorder (group commit)', () => {
  it('writes concurrent records together, ONE statement per flush (the audit entries and the quota), and resolves each after its commit', async () => {
    const quotas = new DailyQuotas(t.platform.store);
    const { store, counts } = countingStore();
    const recorder = new AccessRecorder(store, t.platform.events, quotas, { maxBatch: 1000, maxInFlight: 2 });
    const day = chinaDate();
    const usage = await quotas.usage('agreement:group', day);
    const records = Array.from({ length: 300 }, (_, i) => record({ holderCodes: [`H${i}`], basisIds: ['group'] }));
    usage.pending += records.length;
    const committed = new Set<string>();
    await Promise.all(
      records.map((r) =>
        recorder.record(r, { key: 'agreement:group', day, count: 1 }).then(async () => {
          // Resolved only once committed: its audit entry is there for anyone to read.
          expect(await accessRecord(t.platform.store, r.accessId)).toMatchObject({ access_id: r.accessId, holder_codes: r.holderCodes });
          committed.add(r.accessId);
        }),
      ),
    );
    expect(committed.size).toBe(300);
    expect(recorder.stats.records).toBe(300);
    expect(recorder.stats.flushes).toBeLessThan(300);
    expect(recorder.stats.maxBatch).toBeGreaterThan(1);
    // On PostgreSQL the log's append is folded into the flush; the embedded store runs one transaction at a time, and a flush is one.
    expect(counts).toEqual(t.platform.store.kind === 'postgres' ? { statements: recorder.stats.flushes, transactions: 0 } : { statements: 0, transactions: recorder.stats.flushes });
    expect(await accessRecordsByBasis(t.platform.store, 'group')).toHaveLength(300);
    // The quota moved in the same statements, and the process's view settled on the database's.
    expect(await count('select sum(used)::int as n from exchange_quota_usage where basis_id = $1', ['agreement:group'])).toBe(300);
    expect(usage).toMatchObject({ committed: 300, pending: 0 });
    expect(remaining(usage, 1000)).toBe(700);
    await recorder.drained();
  });

  it('publishes in a transaction when another listener hears the records: the records commit with what it writes', async () => {
    const events = new DomainEvents();
    events.append('', logAppender(t.platform));
    const seen: boolean[] = [];
    events.on('exchange.accessed', async (tx, published: readonly DomainEvent[]) => {
      for (const e of published) seen.push((await tx.query<{ ok: boolean }>('select $1::text is not null as ok', [e.subject])).rows[0].ok);
    });
    const { store, counts } = countingStore();
    const recorder = new AccessRecorder(store, events, new DailyQuotas(t.platform.store));
    await Promise.all(Array.from({ length: 20 }, (_, i) => recorder.record(record({ holderCodes: [`T${i}`], basisIds: ['in-tx'] }))));
    expect(seen).toEqual(Array.from({ length: 20 }, () => true));
    expect(counts.transactions).toBe(recorder.stats.flushes);
    expect(await accessRecordsByBasis(t.platform.store, 'in-tx')).toHaveLength(20);
  });

  it('rejects every waiting request when the flush fails, writes none of their records, and gives their quota back', async () => {
    const events = new DomainEvents();
    events.append('', logAppender(t.platform));
    events.on('exchange.accessed', async () => {
      throw new Error('a listener is unavailable');
    });
    const quotas = new DailyQuotas(t.platform.store);
    const recorder = new AccessRecorder(t.platform.store, events, quotas);
    const day = chinaDate();
    const usage = await quotas.usage('agreement:failing', day);
    usage.pending += 2;
    const results = await Promise.allSettled([
      recorder.record(record({ basisIds: ['failing'] }), { key: 'agreement:failing', day, count: 1 }),
      recorder.record(record({ basisIds: ['failing'] }), { key: 'agreement:failing', day, count: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await accessRecordsByBasis(t.platform.store, 'failing')).toHaveLength(0);
    expect(await count('select coalesce(sum(used), 0)::int as n from exchange_quota_usage where basis_id = $1', ['agreement:failing'])).toBe(0);
    expect(usage).toMatchObject({ committed: 0, pending: 0 });
  });

  it("isolates a record that cannot be written: the other callers' records in the same flush commit", async () => {
    const events = new DomainEvents();
    events.append('', logAppender(t.platform));
    const poisoned = randomUUID();
    // A write the database refuses for one record only (a listener standing for any per-record failure).
    events.on('exchange.accessed', async (tx, published: readonly DomainEvent[]) => {
      if (published.some((e) => e.subject === poisoned)) await tx.query('select 1 / 0');
    });
    const quotas = new DailyQuotas(t.platform.store);
    const recorder = new AccessRecorder(t.platform.store, events, quotas, { maxBatch: 1000, maxInFlight: 1 });
    const day = chinaDate();
    const usage = await quotas.usage('agreement:shared', day);
    const good = Array.from({ length: 40 }, (_, i) => record({ holderCodes: [`G${i}`], basisIds: ['shared'] }));
    const bad = record({ accessId: poisoned, holderCodes: ['91370100MA3C00000X'], basisIds: ['shared'] });
    usage.pending += good.length + 1;
    const results = await Promise.allSettled([...good.slice(0, 20), bad, ...good.slice(20)].map((r) => recorder.record(r, { key: 'agreement:shared', day, count: 1 })));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[20].status).toBe('rejected');
    expect(await accessRecordsByBasis(t.platform.store, 'shared')).toHaveLength(40);
    expect(usage).toMatchObject({ committed: 40, pending: 0 });
  });

  it('a holder code with NUL and lone surrogates is recorded, not refused: one odd caller cannot fail the flush of others', async () => {
    const quotas = new DailyQuotas(t.platform.store);
    const recorder = new AccessRecorder(t.platform.store, t.platform.events, quotas);
    const odd = record({ holderCodes: ['91370100MA3C0\u00000X\ud800'], basisIds: ['odd'] });
    const others = Array.from({ length: 10 }, (_, i) => record({ holderCodes: [`O${i}`], basisIds: ['odd'] }));
    const results = await Promise.allSettled([odd, ...others].map((r) => recorder.record(r)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await accessRecordsByBasis(t.platform.store, 'odd')).toHaveLength(11);
  });
});

describe('time and backoff', () => {
  it('counts quotas per Asia/Shanghai day and retries after the next midnight there', () => {
    const at = Date.parse('2025-03-01T15:59:30Z'); // 23:59:30 in Shanghai
    expect(chinaDate(at)).toBe('2025-03-01');
    expect(secondsToChinaMidnight(at)).toBe(30);
    expect(chinaDate(at + 31_000)).toBe('2025-03-02');
    expect(secondsToChinaMidnight(Date.parse('2025-03-01T16:00:00Z'))).toBe(86_400);
    expect(parseValidUntil('2025-03-01')!.toISOString()).toBe('2025-03-01T16:00:00.000Z');
    expect(parseValidUntil('2025-02-30')).toBeUndefined();
    expect(parseValidUntil('2025-03-01T12:00:00+08:00')!.toISOString()).toBe('2025-03-01T04:00:00.000Z');
  });

  it('backs off exponentially, with jitter between half and all of the delay, up to a cap', () => {
    const options = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 1)).toBe(1000);
    expect(backoffDelay(4, options, () => 1)).toBe(8000);
    expect(backoffDelay(4, options, () => 0)).toBe(4000);
    expect(backoffDelay(20, options, () => 1)).toBe(60_000);
  });
});

describe('quota shards', () => {
  it('sum to the quota use, whichever flush slot moved them, and a new process reads the sum', async () => {
    const events = new DomainEvents();
    const quotas = new DailyQuotas(t.platform.store);
    const recorder = new AccessRecorder(t.platform.store, events, quotas, { maxBatch: 5, maxInFlight: 3 });
    const day = chinaDate();
    const usage = await quotas.usage('agreement:sharded', day);
    usage.pending += 40;
    await Promise.all(Array.from({ length: 40 }, () => recorder.record(record({ basisIds: ['sharded'] }), { key: 'agreement:sharded', day, count: 1 })));
    const shards = await t.platform.store.query<{ shard: number; used: number }>('select shard, used from exchange_quota_usage where basis_id = $1', ['agreement:sharded']);
    expect(shards.rows.reduce((sum, r) => sum + Number(r.used), 0)).toBe(40);
    expect(usage).toMatchObject({ committed: 40, pending: 0 });
    const fresh = await new DailyQuotas(t.platform.store).usage('agreement:sharded', day);
    expect(fresh.committed).toBe(40);
  });
});
