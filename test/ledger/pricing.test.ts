/**
 * Pricing by day and the follower: a record read is priced by the price valid on its China day
 * (Asia/Shanghai, UTC+8) — the latest set among those whose period holds the day — and posted to
 * that day's month. Lookups on other days than today cannot be made over HTTP, so these are
 * recorded as the exchange records its accesses (recordAccess: the same exchange.accessed entries
 * in the audit log). The follower pages through the log, never posts an entry twice (re-run from
 * the start, two passes at once), and runs as the capability's background work.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../../src/platform/jobs.ts';
import { followerJobs } from '../../src/platform/followers.ts';
import { sequence } from '../../src/audit/index.ts';
import { recordAccess, type AccessRecord } from '../../src/exchange/index.ts';
import { ledgerCapability } from '../../src/ledger/capability.ts';
import { postLookups } from '../../src/ledger/index.ts';
import { postFromLog } from '../../src/ledger/postings.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { api, OPERATOR, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { catalogBusinessLicense, eventually } from '../exchange/support.ts';
import { expectBalanced, post, setPrice, statement } from './support.ts';

let t: TestPlatform;
const random = seededRandom(4242);
const holder = () => generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100', random });

function access(at: string, overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    accessId: randomUUID(),
    at: new Date(at),
    departmentCode: t.consumer.department.code,
    clientId: t.consumer.clientId,
    operation: 'lookup',
    licenseType: 'business-license',
    purpose: 'tax-administration',
    holderCodes: [holder()],
    fields: ['name'],
    basis: 'agreement',
    basisIds: ['agreement-1'],
    outcome: 'allowed',
    status: 200,
    problem: null,
    ...overrides,
  };
}

const debitsOf = async (month: string) => (await statement(t, t.consumer, `?month=${month}`)).body;

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  // 100 fen through March 2026; 200 fen from 1 April, open-ended; 300 fen for 2–30 April (set later: it wins on those days).
  await setPrice(t, { fenPerRecord: 100, validFrom: '2026-01-01', validUntil: '2026-03-31' });
  await setPrice(t, { fenPerRecord: 200, validFrom: '2026-04-01' });
  await setPrice(t, { fenPerRecord: 300, validFrom: '2026-04-02', validUntil: '2026-04-30' });
});
afterAll(() => t?.close());

describe('a record is priced by the price valid on its China day', () => {
  let result: Awaited<ReturnType<typeof post>>;

  beforeAll(async () => {
    for (const record of [
      access('2026-03-31T15:59:59.000Z'), // 23:59:59 on 31 March in China: 100, March
      access('2026-03-31T16:00:00.000Z'), // 00:00 on 1 April in China (still 31 March in UTC): 200, April
      access('2026-04-10T02:00:00.000Z'), // 300 (the later price for 2–30 April)
      access('2026-05-01T00:00:00.000Z'), // 08:00 on 1 May: 200 again
      access('2026-04-01T01:00:00.000Z', { operation: 'batch', holderCodes: [holder(), holder(), holder()] }), // 3 records × 200
      access('2025-12-31T12:00:00.000Z'), // no price on 31 December 2025: not charged
      access('2026-04-10T03:00:00.000Z', { departmentCode: t.issuer.department.code, clientId: t.issuer.clientId }), // the provider's own resource: not charged
      access('2026-04-10T04:00:00.000Z', { outcome: 'denied', status: 403, fields: [] }), // refused: nothing served
      access('2026-04-10T05:00:00.000Z', { operation: 'event', basis: 'subscription', basisIds: ['s-1'] }), // a delivery: counted apart, not a lookup
    ]) {
      await recordAccess(t.platform, record);
    }
    result = await post(t);
  });

  it('posts the served lookups at the price of their day, per holder of a batch', async () => {
    expect(result).toMatchObject({ posted: 7, unpriced: 2 });
    const fen = await t.platform.store.query<{ fen: number; month: string }>(`select debit as fen, month from ledger_entries where debit > 0 order by source`);
    expect(fen.rows).toEqual([
      { fen: 100, month: '2026-03' },
      { fen: 200, month: '2026-04' },
      { fen: 300, month: '2026-04' },
      { fen: 200, month: '2026-05' },
      { fen: 200, month: '2026-04' },
      { fen: 200, month: '2026-04' },
      { fen: 200, month: '2026-04' },
    ]);
    expect(await expectBalanced(t)).toEqual({ debits: 1400, credits: 1400 });
  });

  it('statements per month: each opens with the closing balance of the one before', async () => {
    expect(await debitsOf('2026-03')).toMatchObject({ opening: 0, debits: 100, credits: 0, closing: -100, journals: 1 });
    expect(await debitsOf('2026-04')).toMatchObject({ opening: -100, debits: 1100, closing: -1200, journals: 5, lines: [expect.objectContaining({ records: 5, debits: 1100 })] });
    expect(await debitsOf('2026-05')).toMatchObject({ opening: -1200, debits: 200, closing: -1400 });
    const provider = (await statement(t, t.issuer, '?month=2026-04')).body;
    expect(provider).toMatchObject({ opening: 100, credits: 1100, debits: 0, closing: 1200 });
    expect(provider.lines).toEqual([expect.objectContaining({ counterparty: expect.objectContaining({ code: t.consumer.department.code }), records: 5, credits: 1100, fen: 1100 })]);
  });

  it('a price set afterwards does not reach back to lookups already posted (a correction does)', async () => {
    await setPrice(t, { fenPerRecord: 999, validFrom: '2026-03-01', validUntil: '2026-03-31' });
    expect((await post(t)).posted).toBe(0);
    expect(await debitsOf('2026-03')).toMatchObject({ debits: 100 });
    const prices = (await api(t, 'GET', '/api/v1/ledger/prices?resourceId=business-license', { token: t.consumer.token })).body.items;
    expect(prices.map((p: any) => p.fenPerRecord)).toEqual([999, 300, 200, 100]);
  });
});

describe('the follower', () => {
  it('re-run from the start of the log in small pages, it posts nothing twice', async () => {
    const journals = async () => Number((await t.platform.store.query<{ n: number }>('select count(*)::int as n from ledger_journals')).rows[0].n);
    const before = await journals();
    await t.platform.store.query("update follower_cursors set last_index = -1 where name = 'ledger.post-lookups'");
    const again = await postFromLog(t.platform, 3);
    expect(again.posted).toBe(0);
    expect(again.lastIndex).toBeGreaterThan(10);
    expect(await journals()).toBe(before);
  });

  it('two passes at once post a new lookup once', async () => {
    await recordAccess(t.platform, access('2026-05-02T00:00:00.000Z'));
    await sequence(t.platform);
    const passes = await Promise.all([postLookups(t.platform, systemPrincipal('ledger')), postLookups(t.platform, systemPrincipal('ledger'))]);
    expect(passes.map((p) => p.posted).sort()).toEqual([0, 1]);
    await expectBalanced(t);
  });

  it('two processes on one PostgreSQL post a lookup once (the cursor row is locked by the pass that holds it)', async (ctx) => {
    if (!t.databaseUrl) return ctx.skip();
    const store = await openStore({ databaseUrl: t.databaseUrl, poolSize: 2 });
    const second = await openPlatform(loadConfig({ dataDir: t.platform.config.dataDir }, { DATABASE_URL: t.databaseUrl, CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32) }), store);
    try {
      for (let i = 0; i < 5; i++) await recordAccess(t.platform, access(`2026-06-0${i + 1}T00:00:00.000Z`));
      await sequence(t.platform);
      const passes = await Promise.all([postLookups(t.platform, systemPrincipal('ledger')), postLookups(second, systemPrincipal('ledger'))]);
      expect(passes[0].posted + passes[1].posted).toBe(5);
      expect(await debitsOf('2026-06')).toMatchObject({ debits: 1000, journals: 5 });
    } finally {
      await store.close();
    }
  });

  it('only the platform itself and the operator run a pass', async () => {
    await expect(postLookups(t.platform, { kind: 'client', clientId: t.coordinator.clientId, departmentCode: t.coordinator.department.code, roles: ['coordinator'] })).rejects.toMatchObject({
      reason: 'forbidden',
    });
    await expect(postLookups(t.platform, OPERATOR)).resolves.toMatchObject({ posted: 0 });
  });

  it('runs as the capability’s follower (a job of the kernel) and stops', async () => {
    const stop = startJobs(t.platform, followerJobs(ledgerCapability.followers!));
    try {
      await recordAccess(t.platform, access('2026-05-03T00:00:00.000Z'));
      await sequence(t.platform);
      await eventually(async () => (await debitsOf('2026-05')).journals === 3, 'the follower to post the lookup');
    } finally {
      await stop();
    }
    expect(await debitsOf('2026-05')).toMatchObject({ debits: 600, closing: -1800 });
  });
});
