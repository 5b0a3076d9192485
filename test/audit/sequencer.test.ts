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
import { createTestStore, testStoreKind } from '../support/store.ts';
import { eventually } from '../exchange/support.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-audit-seq-'));
const config = (url?: string) => loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: 'c3'.repeat(32), DATABASE_URL: url ?? '' });
let platforms: Platform[];
let drop: () => Promise<void>;

beforeAll(async () => {
  const test = await createTestStore();
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
