/**
 * GET /api/v1/agreements/statistics: the coordination office's figures of sharing, which must be
 * exactly what the agreements list counts (status, overdue), and nobody else's to read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../../src/agreements/index.ts';
import { chinaDate } from '../../src/platform/chinaTime.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { activeAgreement, addDepartment, agreementRequest, businessLicenseResource, datasetResource, registerResource } from './support.ts';

let t: TestPlatform;
let hrss: TestClient;
let police: TestClient;

const statistics = (token: string) => api(t, 'GET', '/api/v1/agreements/statistics', { token });
const listTotal = async (query: string) => (await api(t, 'GET', `/api/v1/agreements?limit=1&${query}`, { token: t.coordinator.token })).body.total as number;

beforeAll(async () => {
  t = await startTestPlatform();
  hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
  police = await addDepartment(t, '山东省公安厅', 'Shandong Public Security', ['consumer', 'issuer']);
  await registerResource(t, t.issuer, businessLicenseResource());
  await registerResource(t, police, datasetResource('household-register', 'conditional'));
  // Tax: two active agreements with the market regulator; HRSS: one active, one left unanswered
  // until it is escalated, one rejected and appealed.
  await activeAgreement(t, t.consumer, t.issuer);
  await activeAgreement(t, t.consumer, t.issuer, { purpose: 'credit-supervision' });
  await activeAgreement(t, hrss, t.issuer, { purpose: 'social-insurance' });
  const open = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'statistics' }) });
  expect(open.status).toBe(201);
  await escalateOverdue(t.platform, new Date(new Date(open.body.dueAt).getTime() + 1));
  const rejected = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ resourceId: 'household-register', purpose: 'social-insurance', fields: ['creditCode'] }) });
  expect(rejected.status).toBe(201);
  expect((await api(t, 'POST', `/api/v1/agreements/${rejected.body.id}/decision`, { token: police.token, body: { decision: 'reject', reason: '不符合条件' } })).status).toBe(200);
  expect((await api(t, 'POST', `/api/v1/agreements/${rejected.body.id}/appeal`, { token: hrss.token, body: { reason: '依法履职需要' } })).status).toBe(200);
  // One still waiting, within its deadline.
  expect((await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest({ resourceId: 'household-register', purpose: 'tax-administration', fields: ['creditCode'] }) })).status).toBe(201);
});
afterAll(() => t?.close());

describe('GET /api/v1/agreements/statistics', () => {
  it('counts what the agreements list counts: per status, overdue, escalated, pending appeals', async () => {
    const answer = await statistics(t.coordinator.token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const s = answer.body;
    expect(s.byStatus).toMatchObject({ active: 3, escalated: 1, rejected: 1, submitted: 1 });
    for (const status of Object.keys(s.byStatus)) expect(s.byStatus[status], status).toBe(await listTotal(`status=${status}`));
    expect(s.total).toBe(await listTotal(''));
    expect(s.overdue).toBe(await listTotal('overdue=true'));
    expect(s.overdue).toBe(1);
    expect(s.escalated).toBe(1);
    expect(s.appealsPending).toBe(1);
  });

  it('names the departments that provide and use the most, by agreements in force', async () => {
    const s = (await statistics(t.coordinator.token)).body;
    expect(s.topProviders[0]).toMatchObject({ code: t.issuer.department.code, name: t.issuer.department.name, nameEn: t.issuer.department.nameEn, active: 3, total: 4 });
    expect(s.topProviders[1]).toMatchObject({ code: police.department.code, active: 0, total: 2 });
    expect(s.topConsumers[0]).toMatchObject({ code: t.consumer.department.code, active: 2, total: 3 });
    expect(s.topConsumers[1]).toMatchObject({ code: hrss.department.code, active: 1, total: 3 });
  });

  it('counts the requests submitted per day over the last 30 days, today last', async () => {
    const s = (await statistics(t.coordinator.token)).body;
    expect(s.submittedPerDay).toHaveLength(30);
    expect(s.submittedPerDay.at(-1)).toEqual({ day: chinaDate(), count: 6 });
    expect(s.submittedPerDay.slice(0, -1).every((d: { count: number }) => d.count === 0)).toBe(true);
  });

  it('is for the coordination office only', async () => {
    for (const client of [t.consumer, t.issuer, hrss]) {
      const refused = await statistics(client.token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api(t, 'GET', '/api/v1/agreements/statistics')).status).toBe(401);
  });
});
