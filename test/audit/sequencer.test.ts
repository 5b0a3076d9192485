import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCapability } from '../../src/audit/capability.ts';
import { followLog, latestTreeHead, sequence, verifyLog } from '../../src/audit/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type Platform } from '../../src/platform/platform.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { foldWrites } from '../../src/platform/events.ts';
import { LOG_MOVED } from '../../src/audit/appender.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';
import { eventually } from '../exchange/support.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-audit-seq-'));
const config = (url?: string) => loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: 'c3'.repeat(32), DATABASE_URL: url ?? '' });
let platforms: Platform[];
let drop: () => Promise<void>;

beforeAll(async () => {
  const test = await createTestStore({ migrated: true });
  platforms = [await openPlatform(config(test.url), test.store)];
  // On PostgreSQL a second process shares the log (two servers, or a server and the CLI).
  if (testStoreKind() === 'postgres') platforms.push(await openPlatform(config(test.url), await openStore({ databaseUrl: test.url! })));
  drop = async () => {
    for (const p of platforms.slice(1)) await p.store.close();
    await test.drop();
  };
});
afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const size = async (p: Platform) => (await latestTreeHead(p.store))?.treeSize ?? 0;

describe('the sequencer', () => {
  it('runs in the background of the server and puts committed entries into the tree', async () => {
    const [p] = platforms;
    const stop = auditCapability.start!(p);
    try {
      await publish(p, [licenseEvent('issued', HOLDERS[0], '11370000825PJY4H9E', 1), accessEvent({ department: 'TAX', client: 'tax', holders: HOLDERS.slice(0, 2) })]);
      await eventually(async () => (await size(p)) === 3, 'the background sequencer');
    } finally {
      await stop();
    }
  });

  it('gives every committed entry exactly one place while publishers and sequencers run concurrently', async () => {
    const before = await size(platforms[0]);
    let published = 0;
    const publishers = Array.from({ length: 4 }, async (_, w) => {
      for (let round = 0; round < 10; round++) {
        const p = platforms[(w + round) % platforms.length];
        const events = Array.from({ length: 25 }, (_, i) => accessEvent({ department: `D${w}`, client: `c${w}`, holders: [HOLDERS[(round + i) % 4]] }));
        await publish(p, events);
        published += events.length;
      }
    });
    let done = false;
    const sequencers = platforms.map(async (p) => {
      while (!done) await sequence(p, { batchSize: 37 });
    });
    await Promise.all(publishers);
    done = true;
    await Promise.all(sequencers);
    const { treeHead } = await sequence(platforms[0]);
    expect(treeHead.treeSize).toBe(before + published);
    const entries = (await followLog(platforms[0].store, -1, 1_000_000)).entries.map((e) => JSON.stringify(e.entry));
    expect({ n: entries.length, distinct_entries: new Set(entries).size }).toEqual({ n: treeHead.treeSize, distinct_entries: treeHead.treeSize });
    expect((await verifyLog(platforms[0])).ok).toBe(true);
  });

  it.runIf(testStoreKind() === 'postgres')('folds a hot publisher\'s entries into its own statement while another process appends: no entry lost, no state read half-moved', async () => {
    const [a, b] = platforms;
    const before = await size(a);
    let published = 0;
    // Process b folds, as the exchange's group commit does: its own statement, run again when the
    // log moved, and after five tries in a transaction of its own (which takes the log's lock).
    let folded = 0;
    const folding = (async () => {
      for (let round = 0; round < 60; round++) {
        const events = Array.from({ length: 3 }, (_, i) => accessEvent({ department: 'FOLD', client: 'fold', holders: [HOLDERS[(round + i) % 4]] }));
        let done = false;
        for (let attempt = 0; attempt < 5 && !done; attempt++) {
          const fold = await b.events.fold(events);
          if (!fold) throw new Error('the appender would not fold');
          const statement = foldWrites({ ctes: 'nothing as (select 1)', select: 'select 1', params: [], name: 'test.fold' }, fold.writes);
          try {
            await b.store.query(statement.sql, statement.params, { name: statement.name });
          } catch (error) {
            // Only "the log moved" may fail a fold: a state read half-moved would be another error.
            if (!fold.settle(error)) throw error;
            continue;
          }
          fold.settle();
          done = true;
          folded++;
        }
        if (!done) await publish(b, events);
        published += events.length;
      }
    })();
    // Process a appends in its own transactions meanwhile, filling and closing bundles.
    const appending = (async () => {
      for (let round = 0; round < 60; round++) {
        const events = Array.from({ length: 7 }, (_, i) => accessEvent({ department: 'TXN', client: 'txn', holders: [HOLDERS[(round + i) % 4]] }));
        await publish(a, events);
        published += events.length;
      }
    })();
    await Promise.all([folding, appending]);
    expect(folded).toBeGreaterThan(0);
    const { treeHead } = await sequence(a);
    expect(treeHead.treeSize).toBe(before + published);
    expect((await verifyLog(a)).ok).toBe(true);
  });

  it.runIf(testStoreKind() === 'postgres')('reads the state a fold builds on in one snapshot: another process completing the bundle between its reads changes nothing', async () => {
    const [a, b] = platforms;
    // b knows nothing of the log yet (as after another process's append), and its reads of the
    // partial bundle are where a's append lands: a completes the bundle b is about to read.
    await publish(a, [accessEvent({ department: 'A', client: 'a', holders: [HOLDERS[0]] })]);
    // A fold told the log moved forgets what it knew: the next one reads the state.
    (await b.events.fold([accessEvent({ department: 'B', client: 'b', holders: [HOLDERS[1]] })]))!.settle(Object.assign(new Error('moved'), { code: LOG_MOVED }));
    let interleaved = 0;
    // Wherever b reads the partial bundle (a statement of its own, or one of a transaction), a's append lands first.
    const interleave = <Q extends (sql: string, params?: unknown[], options?: never) => Promise<unknown>>(query: Q): Q =>
      (async (sql: string, params?: unknown[], options?: never) => {
        if (interleaved === 0 && sql.includes('from audit_bundle_parts') && Array.isArray(params)) {
          interleaved++;
          const [start, end] = params as number[];
          await publish(a, Array.from({ length: start + 256 - end }, (_, i) => accessEvent({ department: 'A', client: 'a', holders: [HOLDERS[i % 4]] })));
        }
        return query(sql, params, options);
      }) as Q;
    const query = b.store.query.bind(b.store);
    const transaction = b.store.transaction.bind(b.store);
    b.store.query = interleave(query);
    b.store.transaction = ((work: (tx: typeof b.store) => Promise<unknown>) =>
      transaction((tx) => work(Object.assign(Object.create(tx), { query: interleave(tx.query.bind(tx)) })))) as typeof b.store.transaction;
    try {
      const fold = await b.events.fold([accessEvent({ department: 'B', client: 'b', holders: [HOLDERS[1]] })]);
      expect(fold).toBeDefined();
      fold!.settle(new Error('not run'));
    } finally {
      b.store.query = query;
      b.store.transaction = transaction;
    }
    expect(interleaved).toBe(1);
    await sequence(a);
    expect((await verifyLog(a)).ok).toBe(true);
  });

  it('signs a fresh tree head when nothing new arrived for the interval, and none before', async () => {
    const [p] = platforms;
    const count = async () => Number((await p.store.query<{ n: number }>('select count(*)::int as n from audit_tree_heads')).rows[0].n);
    const before = await count();
    const last = (await sequence(p, { treeHeadIntervalMs: 3600_000 })).treeHead;
    expect(await count()).toBe(before);
    const fresh = (await sequence(p, { treeHeadIntervalMs: 0 })).treeHead;
    expect(await count()).toBe(before + 1);
    expect(fresh).toMatchObject({ treeSize: last.treeSize, rootHash: last.rootHash });
    expect(fresh.timestamp).toBeGreaterThan(last.timestamp);
    expect((await verifyLog(p)).treeHeadsChecked).toBe(before + 1);
  });
});
