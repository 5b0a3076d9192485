/**
 * `certbridge quality run`: the full pass by the operator on the store the server would use (the
 * embedded store's folder, closed by this test first, or the PostgreSQL database), over licenses
 * written straight into the tables as a migration from a legacy system would leave them: one
 * sound, one with a credit code whose check character is wrong, one without its registration
 * authority. Runs the compiled CLI (bin/certbridge.js; `npm test` builds dist/ first), as an operator would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { seededRandom, syntheticEnterprise } from '../../src/demo/synthetic.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-quality-cli-'));
const MASTER_KEY = 'ab'.repeat(32);
const ISSUER = '11370000MB0000000X';
let url: string | undefined;
let drop = async () => undefined as void;

async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const store = url ? await openStore({ databaseUrl: url }) : await openDataDirStore(dataDir);
  const platform = await openPlatform(loadConfig({ dataDir }, { DATABASE_URL: url ?? '', CERTBRIDGE_MASTER_KEY: MASTER_KEY }), store);
  try {
    return await work(platform);
  } finally {
    await store.close();
  }
}

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: url ?? '', CERTBRIDGE_MASTER_KEY: MASTER_KEY }, { timeoutMs: 120_000 });
}

beforeAll(async () => {
  if (testStoreKind() === 'postgres') {
    const test = await createTestStore({ migrated: true });
    url = test.url!;
    drop = test.drop;
    await test.store.close();
  }
  const random = seededRandom(10);
  const sound = syntheticEnterprise(random, 1);
  const badCode = syntheticEnterprise(random, 2);
  const noAuthority = syntheticEnterprise(random, 3);
  const wrongCheck = `${badCode.creditCode.slice(0, 17)}${badCode.creditCode[17] === '0' ? '1' : '0'}`;
  const { registrationAuthority: _dropped, ...withoutAuthority } = noAuthority.data;
  void _dropped;
  const rows = [
    [sound.creditCode, sound.data],
    [wrongCheck, badCode.data],
    [noAuthority.creditCode, withoutAuthority],
  ] as const;
  await withPlatform(async (platform) => {
    for (const [i, [holder, data]] of rows.entries()) {
      const id = i + 1;
      await platform.store.query(
        `insert into licenses (id, type_key, type_version, type_code, issuer_code, holder_code, holder_code_type, holder_name, current_version, status, valid_from, status_list, status_idx, issued_on)
         values ($1, 'business-license', '1.0.0', '11100000MB0143028R001', $2, $3, '001', $4, 1, 'valid', $5, 0, $6, $5)`,
        [id, ISSUER, holder, data.name, data.establishedOn, id],
      );
      await platform.store.query(`insert into license_versions (license_id, version, identifier, data, credential, kid, change, type_version) values ($1, 1, $2, $3, 'legacy', 'legacy', 'issue', '1.0.0')`, [
        id,
        `legacy-${id}`,
        JSON.stringify(data),
      ]);
    }
  });
}, 120_000);

afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('certbridge quality run checks every license, finds each fault once, and exits 0; a wrong flag exits non-zero', { timeout: 300_000 }, async () => {
  const first = await cli(['quality', 'run', '--json']);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ licenses: 3, opened: 2, resolved: 0 });
  const again = await cli(['quality', 'run']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/^checked 3 licenses in [0-9.]+ s: 0 findings opened, 0 resolved\n$/);
  const found = await withPlatform(async (platform) => (await platform.store.query<{ rule_id: string; holder_code: string; status: string }>('select rule_id, holder_code, status from quality_findings order by rule_id')).rows);
  expect(found.map((f) => [f.rule_id, f.status])).toEqual([
    ['BL-COMP-02', 'open'],
    ['BL-VAL-02', 'open'],
  ]);
  const refused = await cli(['quality', 'run', '--no-such-flag']);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/unknown option/);
});
