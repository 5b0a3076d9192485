/**
 * The license registry (GET /api/v1/licenses): who sees which licenses (decided by the policies),
 * every filter, and keyset paging that visits every license exactly once, newest issue date first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHolderAccount } from '../../src/holders/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;

interface Issued {
  identifier: string;
  holderCode: string;
  name: string;
  issuedOn: string;
}
const ours: Issued[] = [];
const theirs: Issued[] = [];

const NAMES = ['济南鲁泰科技有限公司', '青岛蓝海贸易有限公司', 'Jinan ACME Trading Co., Ltd.', '淄博鲁泰建筑工程有限公司', '烟台金诺物流有限公司'];

async function issue(token: string, name: string, issuedOn: string): Promise<Issued> {
  const answer = await api(t, 'POST', '/api/v1/licenses', {
    token,
    body: licenseRequest({ name, issuedOn, establishedOn: '2019-01-01', businessTermFrom: '2019-01-01' }),
  });
  expect(answer.status).toBe(201);
  return { identifier: answer.body.identifier, holderCode: answer.body.holder.code, name, issuedOn };
}

beforeAll(async () => {
  t = await startTestPlatform();
  // Issued out of date order, two on one day: the registry orders by issue date, then newest first.
  const days = ['2026-03-05', '2025-12-31', '2026-07-01', '2026-03-05', '2024-02-29', '2026-10-10', '2025-06-15', '2026-01-20', '2026-03-05', '2023-09-09', '2026-05-05', '2025-01-01'];
  for (const [i, day] of days.entries()) ours.push(await issue(t.issuer.token, NAMES[i % NAMES.length], day));
  for (const [i, day] of ['2026-02-02', '2026-08-08', '2022-04-04'].entries()) theirs.push(await issue(t.otherIssuer.token, NAMES[(i + 1) % NAMES.length], day));
});
afterAll(() => t.close());

const list = (token: string, query = '') => api(t, 'GET', `/api/v1/licenses${query ? `?${query}` : ''}`, { token });

/** Every page of a listing, following nextCursor. */
async function allPages(token: string, query: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await list(token, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { items, pages };
}

const newestFirst = (a: Issued[]) => [...a].sort((x, y) => (x.issuedOn === y.issuedOn ? 0 : x.issuedOn < y.issuedOn ? 1 : -1));

describe('the license registry', () => {
  it('an issuing department lists the licenses it issued, newest issue date first, with what a registry row shows', async () => {
    const answer = await list(t.issuer.token);
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeNull();
    expect(answer.body.items).toHaveLength(ours.length);
    expect(answer.body.items.map((i: { issuedOn: string }) => i.issuedOn)).toEqual(newestFirst(ours).map((i) => i.issuedOn));
    const first = answer.body.items[0];
    const expected = ours.find((o) => o.identifier === first.identifier)!;
    expect(first).toEqual({
      identifier: expected.identifier,
      type: 'business-license',
      holderCode: expected.holderCode,
      holderName: expected.name,
      status: 'valid',
      version: 1,
      issuedOn: '2026-10-10',
      validFrom: '2019-01-01',
      validUntil: null,
      issuerCode: t.issuer.department.code,
    });
    // Same day: the newer license first.
    const sameDay = answer.body.items.filter((i: { issuedOn: string }) => i.issuedOn === '2026-03-05').map((i: { identifier: string }) => i.identifier);
    expect(sameDay).toEqual(ours.filter((o) => o.issuedOn === '2026-03-05').map((o) => o.identifier).reverse());
  });

  it('pages by cursor: every license exactly once, in order, whatever the page size', async () => {
    const whole = (await list(t.issuer.token, 'limit=200')).body.items.map((i: { identifier: string }) => i.identifier);
    for (const size of [1, 5, 11]) {
      const { items, pages } = await allPages(t.issuer.token, `limit=${size}`);
      expect(items.map((i) => i.identifier)).toEqual(whole);
      expect(pages).toBe(Math.ceil(ours.length / size));
    }
  });

  it('filters by holder code (exact), name (a part, any case), status, type and issue dates, together', async () => {
    const target = ours[3];
    const byCode = await list(t.issuer.token, `holderCode=${target.holderCode}`);
    expect(byCode.body.items.map((i: { identifier: string }) => i.identifier)).toEqual([target.identifier]);
    expect((await list(t.issuer.token, `holderCode=${target.holderCode.slice(0, 17)}`)).body.items).toEqual([]);

    const luTai = await list(t.issuer.token, `name=${encodeURIComponent('鲁泰')}`);
    expect(luTai.body.items.map((i: { holderName: string }) => i.holderName).sort()).toEqual(ours.filter((o) => o.name.includes('鲁泰')).map((o) => o.name).sort());
    const acme = await list(t.issuer.token, 'name=acme%20TRADING');
    expect(acme.body.items.length).toBe(ours.filter((o) => o.name.includes('ACME')).length);
    expect(acme.body.items.length).toBeGreaterThan(0);
    // LIKE's own characters are taken literally.
    expect((await list(t.issuer.token, 'name=%25')).body.items).toEqual([]);
    expect((await list(t.issuer.token, 'name=_')).body.items).toEqual([]);

    const revoked = ours[5];
    expect((await api(t, 'POST', `/api/v1/licenses/${revoked.identifier}/revoke`, { token: t.issuer.token, body: { reason: '吊销' } })).status).toBe(200);
    const byStatus = await list(t.issuer.token, 'status=revoked');
    expect(byStatus.body.items.map((i: { identifier: string; status: string }) => [i.identifier, i.status])).toEqual([[revoked.identifier, 'revoked']]);
    expect((await list(t.issuer.token, 'status=valid')).body.items).toHaveLength(ours.length - 1);

    expect((await list(t.issuer.token, 'type=business-license')).body.items).toHaveLength(ours.length);

    const spring = await list(t.issuer.token, 'issuedFrom=2026-01-20&issuedTo=2026-05-05');
    expect(spring.body.items.map((i: { issuedOn: string }) => i.issuedOn)).toEqual(['2026-05-05', '2026-03-05', '2026-03-05', '2026-03-05', '2026-01-20']);

    const combined = await list(t.issuer.token, `name=${encodeURIComponent('鲁泰')}&issuedFrom=2026-01-01&status=valid`);
    const expected = ours.filter((o) => o.name.includes('鲁泰') && o.issuedOn >= '2026-01-01' && o !== revoked);
    expect(combined.body.items.map((i: { identifier: string }) => i.identifier).sort()).toEqual(expected.map((o) => o.identifier).sort());

    // Paging under a filter.
    const { items } = await allPages(t.issuer.token, `issuedFrom=2025-01-01&limit=2`);
    expect(items.map((i) => i.issuedOn)).toEqual(newestFirst(ours.filter((o) => o.issuedOn >= '2025-01-01')).map((o) => o.issuedOn));
  });

  it('the coordination office sees every issuer, or one with issuerCode', async () => {
    const all = await allPages(t.coordinator.token, 'limit=200');
    expect(all.items.length).toBe(ours.length + theirs.length);
    const other = await list(t.coordinator.token, `issuerCode=${t.otherIssuer.department.code}`);
    expect(other.body.items.map((i: { identifier: string }) => i.identifier).sort()).toEqual(theirs.map((o) => o.identifier).sort());
  });

  it('another issuer sees only its own; a consumer, a holder and the anonymous see nothing', async () => {
    const other = await list(t.otherIssuer.token);
    expect(other.body.items.map((i: { issuerCode: string }) => i.issuerCode)).toEqual(theirs.map(() => t.otherIssuer.department.code));
    // Nor by naming another issuer.
    expect((await list(t.otherIssuer.token, `issuerCode=${t.issuer.department.code}`)).status).toBe(403);
    expect((await list(t.consumer.token)).status).toBe(403);
    expect((await list(t.consumer.token)).body.code).toBe('forbidden');
    expect((await api(t, 'GET', '/api/v1/licenses')).status).toBe(401);

    const holderCode = ours[0].holderCode;
    await openHolderAccount(t.platform, { kind: 'client', clientId: t.issuer.clientId, departmentCode: t.issuer.department.code, roles: ['issuer'] }, { holderCode, password: 'holder passphrase 1' });
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password: 'holder passphrase 1' } });
    expect((await list(login.body.access_token, `holderCode=${holderCode}`)).status).toBe(403);
  });

  it('refuses what it cannot use: a forged cursor, a limit over 200, an over-long name, an unknown type, a reversed date range', async () => {
    for (const [query, code] of [
      ['cursor=not-a-cursor!', 'invalid-cursor'],
      [`cursor=${Buffer.from('["2026-01-01","x"]').toString('base64url')}`, 'invalid-cursor'],
      [`cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'invalid-cursor'],
      ['limit=201', 'validation-failed'],
      ['limit=0', 'validation-failed'],
      [`name=${'名'.repeat(101)}`, 'validation-failed'],
      ['type=fishing-license', 'unknown-license-type'],
      ['issuedFrom=2026-05-01&issuedTo=2026-04-01', 'validation-failed'],
      ['issuedFrom=2026-02-30', 'validation-failed'],
      ['colour=red', 'unknown-field'],
    ] as const) {
      const answer = await list(t.issuer.token, query);
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, code]);
    }
  });
});
