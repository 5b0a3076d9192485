/**
 * Followers of the audit log run by the kernel (src/platform/followers.ts): a page is applied once,
 * in the transaction that moves the follower's place in `follower_cursors`; a failed page moves
 * nothing; passes of two platforms on one store never apply a page twice; every follower's lag is
 * reported; a store upgraded from the followers' own cursor tables keeps their places. With two real
 * server processes on one PostgreSQL database: each follower runs in exactly one of them, and after
 * `kill -9` of its holder the other takes it over and follows on from its place.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { FOLLOWERS, MIGRATIONS, openPlatform } from '../../src/app/platform.ts';
import { recordAccess } from '../../src/exchange/index.ts';
import { BackgroundWork } from '../../src/platform/background.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { catchUp, followerJobs, provideLogReader, type Follower, type LogReader } from '../../src/platform/followers.ts';
import { LEASE_MS } from '../../src/platform/jobs.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import type { Queryable } from '../../src/platform/store/store.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { startServer, type ServerProcess } from '../support/serverProcess.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** A log of `size` leaves, leaf i of type `even` or `odd`, read as the audit capability's reader reads. */
function fakeLog(size: number): LogReader {
  return {
    read: async (_db, after, limit, types) => {
      const end = Math.min(size, after + 1 + limit);
      if (end <= after + 1) return { entries: [], last: null };
      const leaves = Array.from({ length: end - after - 1 }, (_, i) => after + 1 + i);
      return { entries: leaves.filter((i) => types.includes(i % 2 === 0 ? 'even' : 'odd')), last: end - 1 };
    },
    size: async () => size,
  };
}

/** A platform on the test's store reading `reader` (as a second process would be, with its own workers). */
function onLog(reader: LogReader): Platform {
  const platform = { ...t.platform, background: new BackgroundWork(t.platform.log) };
  provideLogReader(platform, reader);
  return platform;
}

const placeOf = async (db: Queryable, name: string) => {
  const row = (await db.query<{ last_index: string }>('select last_index from follower_cursors where name = $1', [name])).rows[0];
  return row ? Number(row.last_index) : undefined;
};

describe('followers run by the kernel', () => {
  it('applies each page once, in order, and moves the follower’s place with it', async () => {
    const p = onLog(fakeLog(10));
    const pages: number[][] = [];
    const follower: Follower<number, number> = { name: 'test.evens', types: ['even'], batch: 3, apply: async (_tx, page) => (pages.push(page.entries), page.entries.length) };
    expect(await catchUp(p, follower)).toEqual({ lastIndex: 9, results: [2, 1, 2, 0] });
    // A page is the leaves read: the last one has no even entry and is applied all the same.
    expect(pages).toEqual([[0, 2], [4], [6, 8], []]);
    expect(await placeOf(p.store, 'test.evens')).toBe(9);
    // Nothing new: no page, the place stays.
    expect(await catchUp(p, follower)).toEqual({ lastIndex: 9, results: [] });
    expect(pages).toHaveLength(4);
  });

  it('a page whose apply fails moves nothing: neither its writes nor the place; the next pass applies it again', async () => {
    const p = onLog(fakeLog(6));
    let failing = true;
    const applied: number[] = [];
    const follower: Follower<number> = {
      name: 'test.failing',
      types: ['even', 'odd'],
      batch: 3,
      apply: async (tx, page) => {
        // A write of the page, in its transaction: it must go (or stay) with the place.
        await tx.query("insert into follower_cursors (name, last_index) values ('test.failing-writes', $1) on conflict (name) do update set last_index = excluded.last_index", [page.last]);
        if (failing && page.entries.includes(3)) throw new Error('the page cannot be applied');
        applied.push(...page.entries);
      },
    };
    await expect(catchUp(p, follower)).rejects.toThrow('the page cannot be applied');
    expect(await placeOf(p.store, 'test.failing')).toBe(2);
    expect(await placeOf(p.store, 'test.failing-writes')).toBe(2);
    failing = false;
    await catchUp(p, follower);
    expect(applied).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await placeOf(p.store, 'test.failing')).toBe(5);
  });

  it('passes of two platforms on one store at once apply every entry exactly once', async () => {
    const reader = fakeLog(500);
    const applied: number[] = [];
    const follower: Follower<number> = { name: 'test.twins', types: ['even', 'odd'], batch: 7, apply: async (_tx, page) => void applied.push(...page.entries) };
    await Promise.all([catchUp(onLog(reader), follower), catchUp(onLog(reader), follower), catchUp(onLog(reader), follower)]);
    expect(applied.sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('runs the capabilities’ followers as leased jobs of the kernel, every two seconds', () => {
    expect(FOLLOWERS.map((f) => f.name)).toEqual(['ledger.post-lookups', 'quality.follow-changes']);
    expect(followerJobs(FOLLOWERS).map((j) => ({ name: j.name, everyMs: j.everyMs(t.platform), everyProcess: j.everyProcess ?? false }))).toEqual([
      { name: 'ledger.post-lookups', everyMs: 2000, everyProcess: false },
      { name: 'quality.follow-changes', everyMs: 2000, everyProcess: false },
    ]);
  });

  it('reports each follower’s lag behind the log', async () => {
    const lag = async () => {
      const gauge = (await t.platform.metrics.getSingleMetric('certbridge_follower_lag_entries')!.get()).values;
      return Object.fromEntries(gauge.map((v) => [v.labels.follower, v.value]));
    };
    const catchUpAll = () => Promise.all(FOLLOWERS.map((f) => catchUp(t.platform, f)));
    await sequence(t.platform);
    await catchUpAll();
    expect(await lag()).toEqual({ 'ledger.post-lookups': 0, 'quality.follow-changes': 0 });
    expect((await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() })).status).toBe(201);
    const behind = await lag();
    expect(behind['ledger.post-lookups']).toBeGreaterThan(0);
    expect(behind['quality.follow-changes']).toBe(behind['ledger.post-lookups']);
    await sequence(t.platform);
    await catchUpAll();
    expect(await lag()).toEqual({ 'ledger.post-lookups': 0, 'quality.follow-changes': 0 });
  });

  it('a store upgraded from the followers’ own cursor tables keeps their places', async () => {
    const moves = ['platform/006_follower_cursors', 'ledger/002_cursor_to_kernel', 'quality/004_cursor_to_kernel'];
    const { store, drop } = await createTestStore();
    try {
      await migrate(store, MIGRATIONS.filter((m) => !moves.includes(m.id)));
      await store.query('update ledger_cursor set last_index = 41');
      await store.query('update quality_cursor set last_index = 17');
      expect(await migrate(store, MIGRATIONS)).toEqual(moves);
      expect(await placeOf(store, 'ledger.post-lookups')).toBe(41);
      expect(await placeOf(store, 'quality.follow-changes')).toBe(17);
      const left = await store.query<{ t: string | null }>("select coalesce(to_regclass('ledger_cursor')::text, to_regclass('quality_cursor')::text) as t");
      expect(left.rows[0].t).toBeNull();
    } finally {
      await drop();
    }
  });
});

/** The workers a server says it runs now (its /health/ready lists each, with its last pass). */
async function heldBy(server: ServerProcess): Promise<string[]> {
  const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { checks: { name: string; detail: string }[] };
  return ready.checks.filter((c) => c.detail.startsWith('last pass') || c.detail.startsWith('no pass')).map((c) => c.name);
}

describe.runIf(testStoreKind() === 'postgres')('two server processes on one PostgreSQL database', () => {
  it('each follower runs in exactly one of them; after kill -9 of its holder the other follows on from its place within seconds', async () => {
    const { url, drop } = await createTestStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-followers-'));
    const masterKey = 'cd'.repeat(32);
    const env = { DATABASE_URL: url!, CERTBRIDGE_MASTER_KEY: masterKey, CERTBRIDGE_DATA_DIR: dataDir };
    const servers: ServerProcess[] = [];
    const db = new pg.Client({ connectionString: url });
    let writer: Platform | undefined;
    const names = FOLLOWERS.map((f) => f.name);
    try {
      servers.push(...(await Promise.all([startServer({ env, args: ['--migrate'] }), startServer({ env, args: ['--migrate'] })])));
      await db.connect();
      // This test's own process writes to the log (a lookup, as the exchange records it); the servers sequence and follow it.
      writer = await openPlatform(loadConfig({ dataDir }, { DATABASE_URL: url!, CERTBRIDGE_MASTER_KEY: masterKey }), { migrate: false });
      const lookup = () =>
        recordAccess(writer!, {
          accessId: randomUUID(),
          at: new Date(),
          departmentCode: '11370000MB0000001X',
          clientId: 'test',
          operation: 'lookup',
          licenseType: 'business-license',
          purpose: 'tax-administration',
          holderCodes: ['91370100MA3C0000XX'],
          fields: ['name'],
          basis: 'agreement',
          basisIds: ['agreement-1'],
          outcome: 'allowed',
          status: 200,
          problem: null,
        });
      const logSize = async () => Number((await db.query<{ n: string }>('select tree_size as n from audit_state')).rows[0].n);
      const places = async () => Object.fromEntries((await db.query<{ name: string; last_index: string }>('select name, last_index from follower_cursors')).rows.map((r) => [r.name, Number(r.last_index)]));
      const caughtUp = async () => {
        const size = await logSize();
        const now = await places();
        return names.every((name) => now[name] === size - 1);
      };

      await until(async () => (await db.query('select name from job_leases where name = any($1)', [names])).rowCount === names.length, 30_000, 'every follower leased');
      await lookup();
      await until(caughtUp, 30_000, 'both followers caught up with the log');
      // Each follower is run by exactly one of the two, sampled a few times while they follow.
      for (let i = 0; i < 5; i++) {
        const [first, second] = await Promise.all(servers.map(heldBy));
        for (const name of names) expect([first.includes(name), second.includes(name)].filter(Boolean), name).toHaveLength(1);
        await sleep(300);
      }

      const holderPid = async (name: string) => Number((await db.query<{ holder: string }>('select holder from job_leases where name = $1', [name])).rows[0]?.holder.split(':')[1]);
      const pid = await holderPid('ledger.post-lookups');
      const victim = servers.find((s) => s.pid === pid)!;
      const survivor = servers.find((s) => s.pid !== pid)!;
      expect(victim, 'the holder is one of the two servers').toBeDefined();
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      await lookup();
      await until(async () => (await holderPid('ledger.post-lookups')) === survivor.pid, LEASE_MS + 15_000, 'the survivor takes the follower over');
      await until(caughtUp, LEASE_MS + 15_000, 'the survivor follows on to the end of the log');
      const tookOverMs = Date.now() - killedAt;
      expect(await heldBy(survivor)).toEqual(expect.arrayContaining(names));
      process.stdout.write(`\n=== followers: kill -9 of the holder → the other process followed on in ${tookOverMs} ms (lease ${LEASE_MS} ms)\n`);
      expect(tookOverMs).toBeLessThanOrEqual(LEASE_MS + 5_000);
    } finally {
      await writer?.store.close().catch(() => undefined);
      await db.end().catch(() => undefined);
      for (const server of servers) await server.kill('SIGKILL');
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
