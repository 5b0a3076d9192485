/**
 * The exchange for staff at a counter and its usage figures: a consumer department's clerk signed
 * in to the console looks a license up under the department's agreement (recorded under the
 * person), and GET /api/v1/exchange/usage counts licenses read per China day from the audit log —
 * a consumer its own department, the coordination office any department or the whole platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/platform/chinaTime.ts';
import { api, type TestClient, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { accessRecord } from '../support/accessRecords.ts';
import { browser, person } from '../people/support.ts';
import { addDepartment, agreement, batch, catalogBusinessLicense, issue, lookup } from './support.ts';

let t: TestPlatform;
let housing: TestClient;
let holders: string[];

const usage = (token: string, query = '') => api(t, 'GET', `/api/v1/exchange/usage${query}`, { token });

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative', 'registeredCapital'] }, ['name', 'registeredCapital']);
  await agreement(t, housing, { purpose: 'housing-administration', fields: ['name'] });
  holders = [(await issue(t)).holder.code, (await issue(t)).holder.code];
});
afterAll(() => t?.close());

describe('a clerk at a counter (a person of a consumer department)', () => {
  it('looks a license up with the session cookie under the department’s agreement: the granted fields only, recorded under the person', async () => {
    const clerk = await person(t, t.consumer, 'consumer', '窗口 办事员');
    const b = browser(t);
    expect((await b.signIn(clerk.username, clerk.password)).status).toBe(200);
    const answer = await b.request('GET', `/api/v1/exchange/licenses/${holders[0]}?type=business-license`, { headers: { 'x-purpose': 'tax-administration' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(Object.keys(answer.body.fields).sort()).toEqual(['name', 'registeredCapital']);
    expect(answer.body.basis.kind).toBe('agreement');
    const record = await accessRecord(t.platform.store, answer.body.accessId);
    expect(record).toMatchObject({ department_code: t.consumer.department.code, client_id: `person:${clerk.username}`, outcome: 'allowed', fields: ['name', 'registeredCapital'] });

    // Without the purpose, or for a purpose the department has no agreement for, it is refused (and recorded).
    const missing = await b.request('GET', `/api/v1/exchange/licenses/${holders[0]}?type=business-license`);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('missing-purpose');
    const other = await b.request('GET', `/api/v1/exchange/licenses/${holders[0]}?type=business-license`, { headers: { 'x-purpose': 'housing-administration' } });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('no-agreement');
  });

  it('an issuer’s clerk is refused (the exchange is for consumer departments)', async () => {
    const issuerClerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    await b.signIn(issuerClerk.username, issuerClerk.password);
    const refused = await b.request('GET', `/api/v1/exchange/licenses/${holders[0]}?type=business-license`, { headers: { 'x-purpose': 'tax-administration' } });
    expect(refused.status).toBe(403);
  });
});

describe('GET /api/v1/exchange/usage', () => {
  let before: { tax: any; housing: any; all: any };

  beforeAll(async () => {
    before = { tax: (await usage(t.consumer.token)).body, housing: (await usage(housing.token)).body, all: (await usage(t.coordinator.token)).body };
    // Tax: 2 lookups allowed, 1 refused (no agreement for the purpose), a batch of 2 holders (2 more allowed).
    expect((await lookup(t, t.consumer, holders[0])).status).toBe(200);
    expect((await lookup(t, t.consumer, holders[1])).status).toBe(200);
    expect((await lookup(t, t.consumer, holders[1], 'housing-administration')).status).toBe(403);
    expect((await batch(t, t.consumer, holders)).status).toBe(200);
    // Housing: one lookup.
    expect((await lookup(t, housing, holders[0], 'housing-administration')).status).toBe(200);
  });

  it('a consumer sees its own department’s lookups per day, zeros included, today last', async () => {
    const answer = await usage(t.consumer.token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const today = chinaDate();
    expect(answer.body.to).toBe(today);
    expect(answer.body.department).toBe(t.consumer.department.code);
    expect(answer.body.days).toHaveLength(30);
    expect(answer.body.days.at(-1).day).toBe(today);
    const growth = { lookups: answer.body.totals.lookups - before.tax.totals.lookups, allowed: answer.body.totals.allowed - before.tax.totals.allowed };
    expect(growth).toEqual({ lookups: 5, allowed: 4 });
    expect(answer.body.days.at(-1).lookups).toBe(answer.body.totals.lookups);
    expect(answer.body.days.slice(0, -1).every((d: { lookups: number }) => d.lookups === 0)).toBe(true);
    expect(answer.body.departments.map((d: { code: string }) => d.code)).toEqual([t.consumer.department.code]);
    expect(answer.body.departments[0].name).toBe(t.consumer.department.name);
    expect(answer.body.licenseTypes[0]).toMatchObject({ licenseType: 'business-license', lookups: answer.body.totals.lookups });
  });

  it('the coordination office sees every department, or one; the totals agree with the departments’ own', async () => {
    const all = (await usage(t.coordinator.token)).body;
    expect(all.department).toBeNull();
    expect(all.totals.lookups - before.all.totals.lookups).toBe(6);
    const tax = all.departments.find((d: { code: string }) => d.code === t.consumer.department.code);
    const housingRow = all.departments.find((d: { code: string }) => d.code === housing.department.code);
    expect(tax.lookups).toBe((await usage(t.consumer.token)).body.totals.lookups);
    expect(housingRow.lookups).toBe((await usage(housing.token)).body.totals.lookups);
    expect(all.departments[0].lookups).toBeGreaterThanOrEqual(all.departments.at(-1).lookups);

    const one = await usage(t.coordinator.token, `?department=${housing.department.code}`);
    expect(one.status).toBe(200);
    expect(one.body.department).toBe(housing.department.code);
    expect(one.body.totals).toEqual((await usage(housing.token)).body.totals);
  });

  it('a consumer cannot see another department’s usage, nor an issuer or an enterprise any', async () => {
    const refused = await usage(t.consumer.token, `?department=${housing.department.code}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await usage(t.issuer.token)).status).toBe(403);
    expect((await api(t, 'GET', '/api/v1/exchange/usage')).status).toBe(401);
  });

  it('a range is bounded and checked; days before any access count zero', async () => {
    const old = await usage(t.consumer.token, '?from=2020-01-01&to=2020-01-03');
    expect(old.status).toBe(200);
    expect(old.body.days).toEqual([
      { day: '2020-01-01', lookups: 0, allowed: 0, deliveries: 0 },
      { day: '2020-01-02', lookups: 0, allowed: 0, deliveries: 0 },
      { day: '2020-01-03', lookups: 0, allowed: 0, deliveries: 0 },
    ]);
    expect((await usage(t.consumer.token, '?from=2020-01-01&to=2021-06-01')).status).toBe(400);
    expect((await usage(t.consumer.token, '?from=2020-02-03&to=2020-02-01')).status).toBe(400);
    expect((await usage(t.consumer.token, '?from=2020-02-30')).status).toBe(400);
    expect((await usage(t.consumer.token, '?from=yesterday')).status).toBe(400);
  });
});
