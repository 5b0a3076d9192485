import { runCli, runCliProcess, type CliRun } from '../support/cli.ts';
import { OPERATOR } from '../support/platform.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDepartment } from '../../src/departments/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { buildLicenseIdentifier, generateCreditCode } from '../../src/standards/index.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';

const MASTER_KEY = 'cd'.repeat(32);

/** Runs the CLI in this process; resolves with exit code and output instead of throwing on a non-zero exit. */
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(args, { CERTBRIDGE_MASTER_KEY: MASTER_KEY, ...env });
}

describe('the binary', () => {
  // The one place the operator's process itself is run: the other tests run the command line in theirs.
  it('node bin/certbridge.js prints the version, and the same help as the command line run in the test', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const [printed, help, usage] = await Promise.all([runCliProcess(['--version']), runCliProcess(['--help']), runCliProcess(['check'])]);
    expect(printed).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(help.code).toBe(0);
    expect(await cli(['--help'], {})).toEqual(help);
    // A group without its command: the help on stderr, exit 1.
    expect(usage.code).toBe(1);
    expect(await cli(['check'], {})).toEqual(usage);
  });
});

describe('check commands', () => {
  it('check uscc: exit 0 for a valid code, 1 with the reason for an invalid one', async () => {
    const valid = await cli(['check', 'uscc', '91350100M000100Y43'], {});
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^valid/);
    const invalid = await cli(['check', 'uscc', '91350100M000100Y44'], {});
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/check/i);
    const lowercase = await cli(['check', 'uscc', '91350100m000100y43'], {});
    expect(lowercase.code).toBe(1);
  });

  it('check license-id: exit 0 for a valid identifier, 1 for a wrong check character', async () => {
    const id = buildLicenseIdentifier({ typeCode: '11100000MB0143028R001', issuerCode: '91350100M000100Y43', serial: '00000042', version: 1 });
    const valid = await cli(['check', 'license-id', id], {});
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('serial 00000042');
    const wrong = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    const invalid = await cli(['check', 'license-id', wrong], {});
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/check/i);
  });
});

describe('store commands', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-cli-'));
  const department = {
    code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' }),
    name: '山东省市场监督管理局',
    nameEn: 'Shandong AMR',
    level: 'province' as const,
    region: '370000',
  };

  beforeAll(async () => {
    if (testStoreKind() === 'postgres') {
      const test = await createTestStore({ migrated: true });
      env = { DATABASE_URL: test.url!, CERTBRIDGE_DATA_DIR: dataDir };
      const platform = await openPlatform(loadConfig({}, { ...env, CERTBRIDGE_MASTER_KEY: MASTER_KEY }), test.store);
      await registerDepartment(platform, OPERATOR, department);
      cleanup = test.drop;
    } else {
      env = { CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '' };
      const store = await openDataDirStore(dataDir);
      const platform = await openPlatform(loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: MASTER_KEY }), store);
      await registerDepartment(platform, OPERATOR, department);
      await store.close();
      cleanup = async () => undefined;
    }
  });
  afterAll(async () => {
    await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('departments list --json prints code, name and nameEn', async () => {
    const result = await cli(['departments', 'list', '--json'], env);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toEqual([expect.objectContaining({ code: department.code, name: department.name, nameEn: department.nameEn })]);
  });

  // The next test file runs in this process too: a command must leave it as it found it.
  it('a command run in this process leaves its exit code, environment, folder, signal handlers and handles alone', async () => {
    const state = () => ({
      exitCode: process.exitCode,
      env: { ...process.env },
      cwd: process.cwd(),
      signals: ['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal)),
    });
    const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
    const before = state();
    const resourcesBefore = resources();
    expect((await cli(['departments', 'list'], env)).code).toBe(0);
    expect((await cli(['check', 'uscc', '91350100M000100Y44'], env)).code).toBe(1);
    expect((await cli(['departments', 'list', '--no-such-flag'], env)).code).toBe(1);
    expect(state()).toEqual(before);
    // No handle left open by the commands. One the worker held before may close meanwhile (a socket of
    // an earlier file of this process, closed when idle): only what was added counts. A connection the
    // command closed may still be shutting down under load (SimpleShutdownWrap): a leak stays, that goes.
    const added = () => {
      const now = resources();
      for (const kind of resourcesBefore) {
        const at = now.indexOf(kind);
        if (at >= 0) now.splice(at, 1);
      }
      return now;
    };
    await expect.poll(added, { timeout: 5_000 }).toEqual([]);
  });

  // The embedded store is the one a data dir selects; on PostgreSQL the URL does.
  it.runIf(testStoreKind() === 'pglite')('--data-dir on the command line is honoured like the environment variable', async () => {
    const result = await cli(['departments', 'list', '--json', '--data-dir', dataDir], { DATABASE_URL: '' });
    expect(JSON.parse(result.stdout)[0].code).toBe(department.code);
    const empty = mkdtempSync(join(tmpdir(), 'certbridge-cli-empty-'));
    // An empty folder holds no schema, and commands never migrate: it says what to run.
    const none = await cli(['departments', 'list', '--json', '--data-dir', empty], { DATABASE_URL: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/schema is at version 0.*certbridge migrate/);
    rmSync(empty, { recursive: true, force: true });
  });

  it('clients create --json prints credentials that work at /oauth/token', async () => {
    const result = await cli(['clients', 'create', '--department', department.code, '--roles', 'issuer,consumer', '--json'], env);
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(Object.keys(created).sort()).toEqual(['clientId', 'clientSecret']);
    const store = testStoreKind() === 'postgres' ? await openStore({ databaseUrl: env.DATABASE_URL }) : await openDataDirStore(dataDir);
    const platform = await openPlatform(loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: env.DATABASE_URL }), store);
    const app = await buildServer(platform);
    const token = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: `Basic ${Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64')}` },
      payload: { grant_type: 'client_credentials' },
    });
    expect(token.statusCode).toBe(200);
    expect(token.json().scope).toBe('issuer consumer');
    await app.close();
    await store.close();
  });

  it('clients create refuses an unknown department and unknown roles', async () => {
    const unknown = await cli(['clients', 'create', '--department', '91350100M000100Y43', '--roles', 'issuer', '--json'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no department/);
    const badRole = await cli(['clients', 'create', '--department', department.code, '--roles', 'emperor', '--json'], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/roles/);
  });

  // PGlite is single-process by design; sharing a store with a running server is PostgreSQL's job.
  it.runIf(testStoreKind() === 'postgres')('clients create works while a server runs on the same PostgreSQL', async () => {
    const store = await openStore({ databaseUrl: env.DATABASE_URL });
    const platform = await openPlatform(loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: env.DATABASE_URL }), store);
    const app = await buildServer(platform);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const result = await cli(['clients', 'create', '--department', department.code, '--roles', 'consumer', '--json'], env);
      expect(result.code).toBe(0);
      const { clientId, clientSecret } = JSON.parse(result.stdout);
      const token = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
