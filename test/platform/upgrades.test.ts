/**
 * Explicit upgrades, as an operator runs them: `certbridge migrate [--dry-run]` is the one step that
 * changes the schema; commands never migrate; `serve` migrates only when told to (the default on the
 * embedded store) and refuses a schema newer than it knows, naming both versions; nodes starting at
 * once on an empty PostgreSQL database take turns (one migrates and seeds, the others wait).
 * Real processes of the compiled CLI (`node scripts/build.mjs --skip-web` first), both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { runCli, runCliProcess, type CliRun } from '../support/cli.ts';
import { startServer } from '../support/serverProcess.ts';
import { createTestStore, storeForProcesses, testStoreKind } from '../support/store.ts';

const MASTER_KEY = 'cd'.repeat(32);

// `serve` in a process of its own: were its refusal to break, it would serve (and take over the signals) inside the test.
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return (args[0] === 'serve' ? runCliProcess : runCli)(args, { CERTBRIDGE_MASTER_KEY: MASTER_KEY, ...env });
}

const root = mkdtempSync(join(tmpdir(), 'certbridge-upgrades-'));
const dataDir = join(root, 'data');
let databaseUrl = '';
let drop: () => Promise<void> = async () => undefined;
const env = () => ({ CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });

/** Runs `sql` on the store the processes use (the embedded one only while none of them holds it). */
async function onStore<T>(work: (query: (sql: string, params?: unknown[]) => Promise<{ rows: T[] }>) => Promise<unknown>): Promise<void> {
  const store = databaseUrl ? await openStore({ databaseUrl }) : await openStore({ dataDir });
  try {
    await work((sql, params) => store.query<T>(sql, params));
  } finally {
    await store.close();
  }
}

const appliedCount = async () => {
  let n = -1;
  await onStore<{ n: number }>(async (query) => {
    const exists = (await query("select to_regclass('schema_migrations') is not null as n")).rows[0].n;
    n = exists ? Number((await query('select count(*) as n from schema_migrations')).rows[0].n) : 0;
  });
  return n;
};

beforeAll(async () => {
  ({ databaseUrl, drop } = await storeForProcesses());
});

afterAll(async () => {
  await drop();
  rmSync(root, { recursive: true, force: true });
});

describe('explicit upgrades', () => {
  it('a command on an unmigrated store refuses, naming `certbridge migrate`, and migrates nothing', async () => {
    const listed = await cli(['departments', 'list'], env());
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(new RegExp(`schema is at version 0, this CertBridge needs version ${MIGRATIONS.length} .*certbridge migrate`));
    expect(await appliedCount()).toBe(0);
  });

  it.runIf(testStoreKind() === 'postgres')('serve on PostgreSQL migrates only with --migrate', async () => {
    const refused = await cli(['serve', '--port', '0'], env());
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the database schema is at version 0, .*certbridge serve --migrate/)]);
    expect(await appliedCount()).toBe(0);
  });

  it('migrate --dry-run lists what migrate then applies; a second run finds nothing to do', async () => {
    const dry = await cli(['migrate', '--dry-run', '--json'], env());
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, from: 0, to: 0, known: MIGRATIONS.length, migrations: MIGRATIONS.map((m) => m.id) });
    expect(await appliedCount()).toBe(0);
    const applied = await cli(['migrate'], env());
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`applied ${MIGRATIONS.length} migrations (version 0 -> ${MIGRATIONS.length})`);
    expect(await appliedCount()).toBe(MIGRATIONS.length);
    expect((await cli(['migrate'], env())).stdout).toContain(`the schema is up to date (version ${MIGRATIONS.length})`);
    // Migrated, the commands work.
    expect((await cli(['departments', 'list', '--json'], env())).code).toBe(0);
  });

  it('serve and migrate refuse a schema newer than they know, naming both versions', async () => {
    await onStore(async (query) => query("insert into schema_migrations (id) values ('zz-next-release/001_future')"));
    try {
      for (const args of [['serve', '--port', '0'], ['serve', '--port', '0', '--migrate'], ['migrate']]) {
        const refused = await cli(args, env());
        expect(refused.code, args.join(' ')).toBe(2);
        expect(refused.stderr.trim().split('\n')).toEqual([
          `error: the database schema is at version ${MIGRATIONS.length + 1} (newest zz-next-release/001_future), newer than this CertBridge knows (version ${MIGRATIONS.length}, newest ${MIGRATIONS.at(-1)!.id}): run the newer release`,
        ]);
      }
    } finally {
      await onStore(async (query) => query("delete from schema_migrations where id = 'zz-next-release/001_future'"));
    }
  });
});

describe.runIf(testStoreKind() === 'postgres')('nodes starting at once on an empty PostgreSQL database', () => {
  it('one migrates and seeds, the other waits; both serve the same province', async () => {
    const test = await createTestStore();
    await test.store.close();
    try {
      const nodeEnv = { DATABASE_URL: test.url!, CERTBRIDGE_DATA_DIR: join(root, 'nodes') };
      const nodes = await Promise.all([1, 2].map(() => startServer({ env: nodeEnv, args: ['--migrate', '--demo'], readyTimeoutMs: 120_000 })));
      try {
        for (const node of nodes) {
          // Ready once its background workers made their first passes (slower on a loaded machine).
          let ready = await fetch(`${node.url}/health/ready`);
          for (const deadline = Date.now() + 30_000; ready.status !== 200 && Date.now() < deadline; ready = await fetch(`${node.url}/health/ready`)) {
            await ready.text();
            await new Promise((r) => setTimeout(r, 500));
          }
          expect(ready.status, `${await ready.text()}\n${node.output()}`).toBe(200);
          expect(node.output()).not.toMatch(/already registered/);
        }
        const [a, b] = await Promise.all(nodes.map(async (n) => (await (await fetch(`${n.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }));
        expect(a.keys.map((k) => k.kid).sort()).toEqual(b.keys.map((k) => k.kid).sort());
        // Seeded once: one of each demo department.
        const store = await openStore({ databaseUrl: test.url! });
        const duplicates = await store.query('select code from departments group by code having count(*) > 1');
        await store.close();
        expect(duplicates.rows).toEqual([]);
      } finally {
        await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
      }
    } finally {
      await test.drop();
    }
  });
});
