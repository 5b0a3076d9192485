/**
 * The operator's month end from the command line, on the store the server would use (the embedded
 * store's folder, closed by this test first, or the PostgreSQL database): `certbridge ledger post`
 * (one pass of the ledger's follower), `certbridge evaluation run` and `certbridge report monthly`.
 * Runs the compiled CLI (bin/certbridge.js; `npm test` builds dist/ first), as an operator would.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { registerResource } from '../../src/catalog/index.ts';
import { createClient, registerDepartment } from '../../src/departments/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { recordAccess } from '../../src/exchange/index.ts';
import { setPrice } from '../../src/ledger/index.ts';
import type { Principal } from '../../src/platform/auth/principal.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { businessLicenseResource } from '../agreements/support.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { OPERATOR } from '../support/platform.ts';
import { csvRows, pdfText } from './support.ts';
import { chinaMonth } from '../../src/platform/chinaTime.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-month-end-'));
const MASTER_KEY = 'ab'.repeat(32);
let url: string | undefined;
let drop = async () => undefined as void;

const random = seededRandom(2026);
const code = () => generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random });
const [PROVIDER, CONSUMER, OFFICE] = [code(), code(), code()];
const staff = (departmentCode: string, role: string): Principal => ({ kind: 'client', clientId: `${role}-system`, departmentCode, roles: [role] });

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
  await withPlatform(async (platform) => {
    for (const [code, name] of [[PROVIDER, '山东省市场监督管理局'], [CONSUMER, '国家税务总局山东省税务局'], [OFFICE, '山东省大数据局']]) {
      await registerDepartment(platform, OPERATOR, { code, name, nameEn: name, level: 'province', region: '370000' });
    }
    await createClient(platform, OPERATOR, { departmentCode: OFFICE, roles: ['coordinator'] });
    await registerResource(platform, staff(PROVIDER, 'issuer'), businessLicenseResource() as Parameters<typeof registerResource>[2]);
    await setPrice(platform, staff(OFFICE, 'coordinator'), { resourceId: 'business-license', fenPerRecord: 50, validFrom: '2000-01-01', reason: '标准' });
    await recordAccess(platform, {
      accessId: randomUUID(),
      at: new Date(),
      departmentCode: CONSUMER,
      clientId: 'consumer-system',
      operation: 'batch',
      licenseType: 'business-license',
      purpose: 'tax-administration',
      holderCodes: ['91370100MA3C5K7X2P', '91370100MA3C5K7Y3Q'],
      fields: ['name'],
      basis: 'agreement',
      basisIds: ['a-1'],
      outcome: 'allowed',
      status: 200,
      problem: null,
    });
  });
}, 120_000);

afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('certbridge ledger post sequences the log and posts what it holds, once', { timeout: 300_000 }, async () => {
  const first = await cli(['ledger', 'post', '--json']);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ posted: 2, unpriced: 0 });
  const again = await cli(['ledger', 'post']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/^posted 0 lookups to the ledger/);
  const totals = await withPlatform(async (platform) => (await platform.store.query<{ account: string; debit: number; credit: number }>('select account, sum(debit)::int as debit, sum(credit)::int as credit from ledger_entries group by account order by account')).rows);
  expect(totals).toEqual(
    [
      { account: PROVIDER, debit: 0, credit: 100 },
      { account: CONSUMER, debit: 100, credit: 0 },
    ].sort((a, b) => a.account.localeCompare(b.account)),
  );
});

it('certbridge evaluation run and report monthly write the month: the scoreboard, the CSV and the PDF', { timeout: 300_000 }, async () => {
  const month = chinaMonth();
  const board = await cli(['evaluation', 'run', '--month', month, '--json']);
  expect(board.code, board.stderr).toBe(0);
  const scored = JSON.parse(board.stdout) as { month: string; departments: { code: string; figures: { lookups: { served: number; consumed: number } } }[] };
  expect(scored.month).toBe(month);
  expect(scored.departments.find((d) => d.code === PROVIDER)!.figures.lookups.served).toBe(2);
  // The coordination office runs the evaluation and is not in it.
  expect(scored.departments.map((d) => d.code).sort()).toEqual([PROVIDER, CONSUMER].sort());

  const csvFile = join(dataDir, 'province.csv');
  const csv = await cli(['report', 'monthly', '--month', month, '--format', 'csv', '--out', csvFile]);
  expect(csv.code, csv.stderr).toBe(0);
  expect(csv.stdout).toMatch(/^wrote .*province\.csv \(\d+ bytes, text\/csv\)/);
  const rows = csvRows(readFileSync(csvFile, 'utf8'));
  expect(rows.find((r) => r.部门代码 === CONSUMER)).toMatchObject({ '借方（元）': '1.00', 使用调用条数: '2' });
  expect(rows.find((r) => r.部门代码 === PROVIDER)).toMatchObject({ '贷方（元）': '1.00', 提供调用条数: '2' });

  const pdfFile = join(dataDir, 'provider.pdf');
  const pdf = await cli(['report', 'monthly', '--month', month, '--department', PROVIDER, '--format', 'pdf', '--out', pdfFile]);
  expect(pdf.code, pdf.stderr).toBe(0);
  expect(await pdfText(readFileSync(pdfFile))).toContain('山东省市场监督管理局 电子证照共享月度报告');
});
