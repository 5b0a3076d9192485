/**
 * Backup and restore drills, each restoring into a new place and proving what an operator must
 * know after a restore: `audit verify` passes against a tree head exported before the backup,
 * credentials issued before still verify, and new issuance works.
 * - The embedded store: `certbridge backup --out` taken from beside a running server that keeps
 *   issuing (an online copy), `certbridge restore` into a new folder, the master key kept apart.
 * - PostgreSQL: `pg_dump -Fc` and `pg_restore` into a new database (postgres project only).
 * Real processes of the compiled CLI (`node scripts/build.mjs --skip-web` first).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { runExportTreeHead } from '../../src/audit/commands.ts';
import { sequence } from '../../src/audit/index.ts';
import { createClient, registerDepartment } from '../../src/departments/index.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { authoriseIssuer, generateCreditCode } from '../../src/standards/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { licenseRequest, OPERATOR } from '../support/platform.ts';
import { startServer } from '../support/serverProcess.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';
import { TEST_SEED } from '../support/seed.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'certbridge-backup-drill-'));
const keyFile = join(root, 'secrets', 'master.key');

afterAll(() => rmSync(root, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(args, { CERTBRIDGE_MASTER_KEY: '', ...env }, { timeoutMs: 120_000 });
}

interface Seeded {
  clientId: string;
  clientSecret: string;
  credentials: string[];
  treeHead: string;
}

/** An issuer with three licenses, the log sequenced and its signed tree head exported (what a witness keeps). */
async function seed(env: Record<string, string>, dataDir: string): Promise<Seeded> {
  mkdirSync(join(root, 'secrets'), { recursive: true });
  const config = loadConfig({ dataDir }, { ...env, CERTBRIDGE_MASTER_KEY_FILE: keyFile });
  const platform = await openPlatform(config, { command: 'drill setup' });
  try {
    const code = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random: seededRandom(TEST_SEED) });
    await registerDepartment(platform, OPERATOR, { code, name: '山东省市场监督管理局', nameEn: 'Shandong AMR', level: 'province', region: '370000' });
    const client = await createClient(platform, OPERATOR, { departmentCode: code, roles: ['issuer'] });
    await authoriseIssuer(platform, OPERATOR, 'business-license', { department: code, legalBasis: '《中华人民共和国市场主体登记管理条例》第五条', validFrom: '2000-01-01' });
    const { accessToken } = await platform.tokens.issue(client);
    const app = await buildServer(platform);
    const credentials: string[] = [];
    for (let i = 0; i < 3; i++) {
      const issued = await app.inject({ method: 'POST', url: '/api/v1/licenses', headers: { authorization: `Bearer ${accessToken}` }, payload: licenseRequest() });
      expect(issued.statusCode, issued.body).toBe(201);
      credentials.push((issued.json() as { credential: string }).credential);
    }
    await sequence(platform);
    const treeHead = join(root, `tree-head-${Math.random().toString(36).slice(2)}.json`);
    await runExportTreeHead(platform, { out: treeHead }, new PassThrough());
    await app.close();
    return { clientId: client.clientId, clientSecret: client.clientSecret, credentials, treeHead };
  } finally {
    await platform.store.close();
  }
}

async function token(base: string, seeded: Seeded): Promise<string> {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${seeded.clientId}:${seeded.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function issue(base: string, bearer: string): Promise<number> {
  const response = await fetch(`${base}/api/v1/licenses`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(licenseRequest()) });
  await response.text();
  return response.status;
}

/** After a restore: old credentials verify and new issuance works, on a server started on the restored store. */
async function provesRestored(base: string, seeded: Seeded): Promise<void> {
  for (const credential of seeded.credentials) {
    const verdict = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credential }) });
    expect(((await verdict.json()) as { valid: boolean }).valid).toBe(true);
  }
  expect(await issue(base, await token(base, seeded))).toBe(201);
}

it.runIf(testStoreKind() === 'pglite')('embedded store: an online backup beside a running server, restored into a new folder', async () => {
  const dataDir = join(root, 'data');
  const env = { DATABASE_URL: '', CERTBRIDGE_MASTER_KEY_FILE: keyFile };
  const seeded = await seed({ DATABASE_URL: '' }, dataDir);
  const backup = join(root, 'backup.tar.gz');

  const server = await startServer({ env: { ...env, CERTBRIDGE_DATA_DIR: dataDir } });
  try {
    // The copy is taken while the server issues.
    const bearer = await token(server.url, seeded);
    const [taken, issuing] = await Promise.all([cli(['backup', '--out', backup, '--data-dir', dataDir], env), Promise.all([1, 2, 3].map(() => issue(server.url, bearer)))]);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/MiB, taken by the running server\); the master key is not in it/);
    expect(issuing).toEqual([201, 201, 201]);
  } finally {
    await server.kill('SIGTERM');
  }

  const restored = join(root, 'restored');
  const notEmpty = join(root, 'not-empty');
  mkdirSync(notEmpty);
  writeFileSync(join(notEmpty, 'something'), 'x');
  expect((await cli(['restore', backup, '--data-dir', notEmpty], env)).stderr).toMatch(/is not empty: restore into an empty or new folder/);
  const restore = await cli(['restore', backup, '--data-dir', restored], env);
  expect(restore.code, restore.stderr).toBe(0);
  expect(existsSync(join(restored, 'master.key'))).toBe(false);
  expect(existsSync(join(restored, 'certbridge.lock'))).toBe(false);

  const verified = await cli(['audit', 'verify', '--from-tree-head', seeded.treeHead, '--data-dir', restored, '--json'], env);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);

  const again = await startServer({ env: { ...env, CERTBRIDGE_DATA_DIR: restored } });
  try {
    await provesRestored(again.url, seeded);
  } finally {
    await again.kill('SIGTERM');
  }
  // Seven processes of the CLI and two servers, each opening the embedded store: ~50 s on a loaded two-core machine.
}, 240_000);

it.runIf(testStoreKind() === 'postgres')('PostgreSQL: pg_dump -Fc and pg_restore into a new database', async () => {
  const source = await createTestStore();
  const target = await createTestStore();
  await source.store.close();
  await target.store.close();
  try {
    const seeded = await seed({ DATABASE_URL: source.url! }, join(root, 'pg-data'));
    const dump = join(root, 'certbridge.dump');
    await run('pg_dump', ['-Fc', '-d', source.url!, '-f', dump]);
    await run('pg_restore', ['--no-owner', '--exit-on-error', '-d', target.url!, dump]);
    const env = { DATABASE_URL: target.url!, CERTBRIDGE_MASTER_KEY_FILE: keyFile };

    const verified = await cli(['audit', 'verify', '--from-tree-head', seeded.treeHead, '--json'], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const server = await startServer({ env: { ...env, CERTBRIDGE_DATA_DIR: join(root, 'pg-node') } });
    try {
      await provesRestored(server.url, seeded);
    } finally {
      await server.kill('SIGTERM');
    }
    // The restored database is a copy: the source is untouched by what was issued on it.
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    const licenses = Number((await client.query<{ n: string }>('select count(*) as n from licenses')).rows[0].n);
    await client.end();
    expect(licenses).toBe(3);
  } finally {
    await source.drop();
    await target.drop();
  }
}, 240_000);
