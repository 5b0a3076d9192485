/**
 * `certbridge users create`: opens a staff account as the operator and prints its username and
 * password (exactly those two keys with --json); the printed account signs in. Clear errors, and a
 * non-zero exit, for an unknown department, a bad role and a taken username.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { registerDepartment } from '../../src/departments/index.ts';
import { signIn } from '../../src/people/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';
import { OPERATOR } from '../support/platform.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';


const cli = (args: string[], env: Record<string, string>): Promise<CliRun> => runCli(args, env);

const random = seededRandom(4711);
const DEPARTMENT = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random });
const UNKNOWN = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random });
const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-users-cli-'));
let env: Record<string, string>;
let url: string | undefined;
let drop = async () => undefined as void;

/** The platform on the CLI's store, closed afterwards (PGlite is one process at a time). */
async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const store = url ? await openStore({ databaseUrl: url }) : await openDataDirStore(dataDir);
  const platform = await openPlatform(loadConfig({ dataDir }, { DATABASE_URL: url ?? '' }), store);
  try {
    return await work(platform);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (testStoreKind() === 'postgres') {
    const test = await createTestStore({ migrated: true });
    url = test.url!;
    drop = test.drop;
    env = { DATABASE_URL: url, CERTBRIDGE_DATA_DIR: dataDir };
  } else {
    env = { CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '' };
  }
  await withPlatform((platform) =>
    registerDepartment(platform, OPERATOR, { code: DEPARTMENT, name: '国家税务总局山东省税务局', nameEn: 'Shandong Provincial Tax Service', level: 'province', region: '370000' }),
  );
});
afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('certbridge users create', () => {
  it('--json prints exactly {"username","password"}, and that account signs in with its department and role', async () => {
    const result = await cli(['users', 'create', '--department', DEPARTMENT, '--role', 'consumer', '--name', '李强', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(['password', 'username']);
    expect(printed.username).toMatch(/^consumer-[a-z0-9]{6}$/);
    expect(printed.password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    const session = await withPlatform((platform) => signIn(platform, printed, '127.0.0.1'));
    expect(session.principal).toMatchObject({ kind: 'person', username: printed.username, name: '李强', departmentCode: DEPARTMENT, roles: ['consumer'] });
  });

  it('--username names the account; without --json a readable line; the operator is recorded as its creator', async () => {
    const result = await cli(['users', 'create', '--department', DEPARTMENT, '--role', 'coordinator', '--username', 'zhang.wei'], env);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`opened the staff account zhang.wei (coordinator, department ${DEPARTMENT})`)).toBe(true);
    expect(result.stdout).toMatch(/^username: zhang\.wei$/m);
    const password = /^password: (\S+)$/m.exec(result.stdout)![1];
    const session = await withPlatform((platform) => signIn(platform, { username: 'zhang.wei', password }, '127.0.0.1'));
    expect(session.principal).toMatchObject({ username: 'zhang.wei', roles: ['coordinator'] });
    const creator = await withPlatform(async (platform) => (await platform.store.query<{ created_by: string }>("select created_by from people where username = 'zhang.wei'")).rows[0].created_by);
    expect(creator).toMatch(/^operator:/);
  });

  it('an unknown department: a clear error and exit 2, nothing created', async () => {
    const result = await cli(['users', 'create', '--department', UNKNOWN, '--role', 'issuer', '--json'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: no department with code ${UNKNOWN}`);
  });

  it('a bad role: a clear error naming the roles, non-zero exit', async () => {
    const result = await cli(['users', 'create', '--department', DEPARTMENT, '--role', 'admin', '--json'], env);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/admin.*invalid.*issuer, consumer, coordinator/s);
  });

  it('a missing --role and a taken username are errors too', async () => {
    const missing = await cli(['users', 'create', '--department', DEPARTMENT], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--role <role>' not specified");
    const taken = await cli(['users', 'create', '--department', DEPARTMENT, '--role', 'issuer', '--username', 'zhang.wei'], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('the username zhang.wei is already taken');
  });
});
