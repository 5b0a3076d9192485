/**
 * Background jobs run by the kernel (src/platform/jobs.ts): a job runs in one platform at a time
 * however many share the store, another takes it over when its holder stops or dies, every-process
 * jobs run everywhere, and readiness names a job that keeps failing. With two real server processes
 * on one PostgreSQL database: each job is held by exactly one of them, and after `kill -9` of a
 * holder the other takes its jobs over within the lease's time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundWork } from '../../src/platform/background.ts';
import { LEASE_MS, startJobs, type BackgroundJob } from '../../src/platform/jobs.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { startServer, type ServerProcess } from '../support/serverProcess.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second platform on the same store, as a second process would be (its own holder, its own workers). */
const twin = (platform: Platform): Platform => ({ ...platform, background: new BackgroundWork(platform.log) });

/** Whether this platform runs the job now (it is one of its running workers). */
const runsHere = (platform: Platform, name: string) => platform.background.states().some((w) => w.name === name && w.running);

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
  return Date.now() - started;
}

describe('jobs run by the kernel', () => {
  it('a leased job runs in one of two platforms on one store; the other takes it over when the holder stops', async () => {
    const a = twin(t.platform);
    const b = twin(t.platform);
    const runs = new Map<Platform, number>([
      [a, 0],
      [b, 0],
    ]);
    const job: BackgroundJob = { name: 'test.counting', everyMs: () => 15, atStart: true, run: async (p) => void runs.set(p, runs.get(p)! + 1) };
    const stopA = startJobs(a, [job]);
    await until(() => runs.get(a)! > 0, 5_000, 'the first platform runs the job');
    const stopB = startJobs(b, [job]);
    try {
      await sleep(300);
      expect(runs.get(a)).toBeGreaterThan(5);
      expect(runs.get(b)).toBe(0);
      expect(runsHere(b, 'test.counting')).toBe(false);
      await stopA();
      const tookOverMs = await until(() => runs.get(b)! > 0, 5_000, 'the second platform takes the job over');
      expect(tookOverMs).toBeLessThan(1_000);
      expect(runsHere(b, 'test.counting')).toBe(true);
    } finally {
      await stopB();
    }
  });

  it('an every-process job runs in every platform, and once more as each stops', async () => {
    const a = twin(t.platform);
    const b = twin(t.platform);
    const runs = new Map<Platform, number>([
      [a, 0],
      [b, 0],
    ]);
    const job: BackgroundJob = { name: 'test.flush', everyMs: () => 20, everyProcess: true, run: async (p) => void runs.set(p, runs.get(p)! + 1) };
    const stops = [startJobs(a, [job]), startJobs(b, [job])];
    await until(() => runs.get(a)! > 2 && runs.get(b)! > 2, 5_000, 'both platforms run it');
    await stops[0]();
    const before = runs.get(a)!;
    await sleep(100);
    expect(runs.get(a)).toBe(before);
    await stops[1]();
  });

  it('two jobs with one name are refused', () => {
    const job: BackgroundJob = { name: 'test.same', everyMs: () => 1000, run: async () => undefined };
    expect(() => startJobs(t.platform, [job, job])).toThrow(/two background jobs are named test.same/);
  });

  it('readiness holds while a held job succeeds and fails once it has missed its passes, naming the job and its error', async () => {
    const p = twin(t.platform);
    let failing = false;
    const stop = startJobs(p, [
      {
        name: 'test.flaky',
        everyMs: () => 10,
        atStart: true,
        run: async () => {
          if (failing) throw new Error('the store is away');
        },
      },
    ]);
    const check = (now = Date.now()) => p.background.checks(now).find((c) => c.name === 'test.flaky');
    try {
      await until(() => check()?.detail.startsWith('last pass') === true, 5_000, 'the job passed');
      expect(check()).toMatchObject({ ok: true });
      failing = true;
      await until(() => p.background.states().some((w) => w.name === 'test.flaky' && w.lastError !== null), 5_000, 'a failed pass');
      // Not alive once ten intervals, and at least thirty seconds, have passed without a good pass (asked as of 31 s from now).
      const later = check(Date.now() + 31_000)!;
      expect(later.ok).toBe(false);
      expect(later.detail).toMatch(/^no pass for \d+ ms: the store is away$/);
    } finally {
      await stop();
    }
    expect(check()).toBeUndefined();
  });
});

/** The workers a server says it runs now (its /health/ready lists each, with its last pass). */
async function heldBy(server: ServerProcess): Promise<string[]> {
  const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { checks: { name: string; detail: string }[] };
  return ready.checks.filter((c) => c.detail.startsWith('last pass') || c.detail.startsWith('no pass')).map((c) => c.name);
}

describe.runIf(testStoreKind() === 'postgres')('two server processes on one PostgreSQL database', () => {
  it('each job runs in exactly one of them; after kill -9 of a holder the other takes its jobs over within the lease', async () => {
    const { url, drop } = await createTestStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-jobs-'));
    const env = { DATABASE_URL: url!, CERTBRIDGE_MASTER_KEY: 'cd'.repeat(32), CERTBRIDGE_DATA_DIR: dataDir };
    const servers: ServerProcess[] = [];
    const db = new pg.Client({ connectionString: url });
    try {
      // Both started at once on the empty database: one migrates, the other waits for it.
      servers.push(...(await Promise.all([startServer({ env, args: ['--migrate'] }), startServer({ env, args: ['--migrate'] })])));
      await db.connect();
      const frequent = ['quality.follow-changes', 'ledger.post-lookups', 'agreements.sweep', 'objections.overdue', 'licenses.expiry'];
      // Both have started their jobs: every frequent job has a lease, and each is held by one of the two.
      await until(async () => (await db.query('select name from job_leases where name = any($1)', [frequent])).rowCount === frequent.length, 30_000, 'every frequent job leased');
      const [first, second] = await Promise.all(servers.map(heldBy));
      expect(first.filter((name) => frequent.includes(name) && second.includes(name))).toEqual([]);
      expect([...first, ...second].sort()).toEqual(expect.arrayContaining(frequent));

      const holderPid = async (name: string) => Number((await db.query<{ holder: string }>('select holder from job_leases where name = $1', [name])).rows[0]?.holder.split(':')[1]);
      const pid = await holderPid('quality.follow-changes');
      const victim = servers.find((s) => s.pid === pid)!;
      const survivor = servers.find((s) => s.pid !== pid)!;
      expect(victim, 'the holder is one of the two servers').toBeDefined();
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      await until(async () => (await holderPid('quality.follow-changes')) === survivor.pid, LEASE_MS + 15_000, 'the survivor takes the follower over');
      const tookOverMs = Date.now() - killedAt;
      await until(async () => (await heldBy(survivor)).filter((name) => frequent.includes(name)).length === frequent.length, LEASE_MS + 10_000, 'the survivor holds every frequent job');
      expect(await heldBy(survivor)).toEqual(expect.arrayContaining(frequent));
      process.stdout.write(`\n=== jobs: kill -9 of the holder → the other process took over in ${tookOverMs} ms (lease ${LEASE_MS} ms)\n`);
      expect(tookOverMs).toBeLessThanOrEqual(LEASE_MS + 5_000);
    } finally {
      await db.end().catch(() => undefined);
      for (const server of servers) await server.kill('SIGKILL');
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
