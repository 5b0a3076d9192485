/**
 * The first change of a license after the platform starts again. The embedded store has one
 * connection: a read made outside a transaction while that transaction is open waits for it
 * forever, so the first amendment after a start (the issuer's signing key not yet in memory) hung.
 * Each step here opens the platform afresh on the same store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { registerDepartment } from '../../src/departments/index.ts';
import { seededRandom, syntheticEnterprise } from '../../src/demo/synthetic.ts';
import { amendLicense, changeLicenseStatus, issueLicense } from '../../src/licenses/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { authoriseIssuer, generateCreditCode } from '../../src/standards/index.ts';
import { OPERATOR } from '../support/platform.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-restart-'));
const env = { CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32) };
const random = seededRandom(11);
const issuerCode = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random });
const issuer = { kind: 'client' as const, clientId: 'samr-system', departmentCode: issuerCode, roles: ['issuer'] };
let url: string | undefined;
let drop = async () => undefined as void;

/** Opens the platform afresh (nothing in memory), runs `work` within 30 s, closes it. */
async function afresh<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const store = url ? await openStore({ databaseUrl: url }) : await openDataDirStore(dataDir);
  const platform = await openPlatform(loadConfig({ dataDir }, { ...env, DATABASE_URL: url ?? '' }), store);
  try {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('hung: no answer in 30 s')), 30_000);
    });
    try {
      return await Promise.race([work(platform), hung]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await store.close();
  }
}

const request = (serial: number) => {
  const e = syntheticEnterprise(random, serial);
  return { type: 'business-license', holder: { code: e.creditCode }, data: { ...e.data, businessTermTo: null } };
};

let identifier: string;

beforeAll(async () => {
  if (testStoreKind() === 'postgres') {
    const test = await createTestStore({ migrated: true });
    url = test.url!;
    drop = test.drop;
    await test.store.close();
  }
  identifier = await afresh(async (platform) => {
    await registerDepartment(platform, OPERATOR, { code: issuerCode, name: '山东省市场监督管理局', nameEn: 'Shandong AMR', level: 'province', region: '370000' });
    await authoriseIssuer(platform, OPERATOR, 'business-license', { department: issuerCode, legalBasis: '《中华人民共和国市场主体登记管理条例》第五条', validFrom: '2000-01-01' });
    return (await issueLicense(platform, issuer, request(1) as never)).identifier;
  });
}, 120_000);
afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('amends, suspends, reinstates and issues as the first change after a start', { timeout: 240_000 }, async () => {
  const amended = await afresh((platform) => amendLicense(platform, issuer, identifier, { data: { name: '济南重启后更名有限公司' }, reason: '变更登记' }));
  expect(amended).toMatchObject({ version: 2, status: 'valid' });
  expect(await afresh((platform) => changeLicenseStatus(platform, issuer, identifier, 'suspend', '责令整改'))).toMatchObject({ status: 'suspended' });
  expect(await afresh((platform) => changeLicenseStatus(platform, issuer, identifier, 'reinstate', '整改完毕'))).toMatchObject({ status: 'valid' });
  expect(await afresh((platform) => issueLicense(platform, issuer, request(2) as never))).toMatchObject({ version: 1, status: 'valid' });
});
