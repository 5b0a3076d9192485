/**
 * The embedded store beside a running server, as an operator uses it: the CLI's writes go through
 * the server (which sees them at once) or are refused naming the server; a second server refuses
 * to start; a lock left by a killed server is taken over.
 */
import { runCliProcess, type CliRun } from '../support/cli.ts';
import { OPERATOR } from '../support/platform.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { registerDepartment } from '../../src/departments/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { startServer, type ServerProcess } from '../support/serverProcess.ts';
import { copyPgliteTemplate } from '../support/storeTemplate.ts';

const MASTER_KEY = 'cd'.repeat(32);
const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-lock-'));
const env = { CERTBRIDGE_DATA_DIR: dataDir, CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: '', CERTBRIDGE_LOG_LEVEL: 'warn' };
const department = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' });
let server: ServerProcess;

// Separate processes: the lock is between processes (a command in the server's own process would be its owner).
function cli(args: string[]): Promise<CliRun> {
  return runCliProcess(args, env);
}

const tokenFor = (id: string, secret: string) =>
  fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });

beforeAll(async () => {
  // The folder starts as the run's migrated store (not what this file tests: seconds of PGlite's initdb saved).
  copyPgliteTemplate(dataDir);
  const platform = await openPlatform(loadConfig({ dataDir }, env), { command: 'test setup' });
  await registerDepartment(platform, OPERATOR, { code: department, name: '山东省税务局', nameEn: 'Shandong Tax', level: 'province', region: '370000' });
  await platform.store.close();
  server = await startServer({ env, args: ['--data-dir', dataDir] });
});
afterAll(async () => {
  await server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('one process per embedded store', () => {
  it('clients create beside the running server goes through it: the server knows the client at once', async () => {
    const created = await cli(['clients', 'create', '--department', department, '--roles', 'consumer', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { clientId, clientSecret } = JSON.parse(created.stdout);
    const token = await tokenFor(clientId, clientSecret);
    expect(token.status).toBe(200);
    const access = ((await token.json()) as { access_token: string }).access_token;

    // Disabled through the CLI: the server refuses the token it issued, at once.
    const disabled = await cli(['clients', 'disable', clientId, '--reason', '停用', '--json']);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ clientId, departmentCode: department, enabled: false });
    const refused = await fetch(`${server.url}/api/v1/inbox`, { headers: { authorization: `Bearer ${access}` } });
    expect(refused.status).toBe(401);

    const rotated = await cli(['clients', 'rotate-secret', clientId, '--json']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout).clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await cli(['clients', 'enable', clientId])).code).toBe(0);
    expect((await tokenFor(clientId, JSON.parse(rotated.stdout).clientSecret)).status).toBe(200);
    expect((await tokenFor(clientId, clientSecret)).status).toBe(401);
  });

  it('departments list goes through the server too', async () => {
    const listed = await cli(['departments', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((d: { code: string }) => d.code)).toContain(department);
  });

  it('report monthly goes through the server: the file it answers, or its refusal in words', async () => {
    const out = join(dataDir, 'report.csv');
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const written = await cli(['report', 'monthly', '--month', month, '--format', 'csv', '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(department);
    const refused = await cli(['report', 'monthly', '--month', month, '--department', '91370000MA3C5K7X2P', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('error: no department 91370000MA3C5K7X2P\n');
  });

  it('a command that cannot go through the server refuses, naming it; nothing is written into a copy nobody sees', async () => {
    const file = join(dataDir, '..', `licenses-${Date.now()}.csv`);
    writeFileSync(file, 'creditCode,name\n');
    const imported = await cli(['import', file, '--type', 'business-license']);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain(`pid ${server.pid}`);
    expect(imported.stderr).toMatch(/in use by another CertBridge process/);
    const verify = await cli(['audit', 'verify']);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain(`pid ${server.pid}`);
    rmSync(file, { force: true });
  });

  it('a second server on the same folder refuses to start', async () => {
    const second = await cli(['serve', '--port', '0']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`pid ${server.pid}`);
  });

  it('after a kill -9 the lock is stale and the next process takes it over', async () => {
    await server.kill('SIGKILL');
    const listed = await cli(['departments', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((d: { code: string }) => d.code)).toContain(department);
  });
});
