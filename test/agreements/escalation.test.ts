import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../../src/platform/jobs.ts';
import { agreementsCapability } from '../../src/agreements/capability.ts';
import { escalateOverdue, submitAgreement } from '../../src/agreements/index.ts';
import { answerDeadline } from '../../src/platform/workingDays.ts';
import type { ClientPrincipal } from '../../src/policy/index.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { addDepartment, agreementRequest, businessLicenseResource, registerResource } from './support.ts';

let t: TestPlatform;
let hrss: TestClient;
beforeAll(async () => {
  t = await startTestPlatform();
  hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
  await registerResource(t, t.issuer, businessLicenseResource());
});
afterAll(() => t.close());

const inboxKinds = async (client: TestClient, id: string) =>
  (await api(t, 'GET', '/api/v1/inbox', { token: client.token })).body.items.filter((n: any) => n.agreementId === id).map((n: any) => n.kind);
const principalOf = (client: TestClient): ClientPrincipal => ({ kind: 'client', clientId: client.clientId, departmentCode: client.department.code, roles: ['consumer'] });

describe('deadlines and escalation', () => {
  it('a request nobody answers is escalated to the coordination office after 10 working days', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest() });
    const id = submitted.body.id as string;
    const expected = answerDeadline(new Date(submitted.body.submittedAt), 10);
    expect(submitted.body.dueAt).toBe(expected.dueAt.toISOString());
    expect(submitted.body.dueDate).toBe(expected.dueDate);
    const dueAt = new Date(submitted.body.dueAt);

    expect(await escalateOverdue(t.platform, new Date(dueAt.getTime() - 1))).not.toContain(id);
    expect((await api(t, 'GET', `/api/v1/agreements/${id}`, { token: t.consumer.token })).body).toMatchObject({ status: 'submitted', overdue: false });
    expect(await escalateOverdue(t.platform, dueAt)).toEqual([id]);
    expect(await escalateOverdue(t.platform, dueAt)).toEqual([]);

    const read = await api(t, 'GET', `/api/v1/agreements/${id}`, { token: t.coordinator.token });
    expect(read.body).toMatchObject({ status: 'escalated', overdue: true, escalatedAt: dueAt.toISOString() });
    expect(read.body.history.at(-1)).toMatchObject({ event: 'escalated', status: 'escalated', actor: 'system' });
    expect(await inboxKinds(t.coordinator, id)).toEqual(['agreement.escalated']);
    expect(await inboxKinds(t.consumer, id)).toContain('agreement.escalated');
    expect(await inboxKinds(t.issuer, id)).toContain('agreement.escalated');

    const overdue = await api(t, 'GET', '/api/v1/agreements?overdue=true', { token: t.coordinator.token });
    expect(overdue.body.items.map((a: any) => a.id)).toEqual([id]);
    const notOverdue = await api(t, 'GET', '/api/v1/agreements?overdue=false', { token: t.coordinator.token });
    expect(notOverdue.body.items.map((a: any) => a.id)).not.toContain(id);

    // The coordination office decides an escalated request.
    const decided = await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.coordinator.token, body: { decision: 'approve', fields: ['name'], reason: '协调决定' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({ status: 'active', overdue: false, grantedFields: ['name'], decision: { decidedBy: t.coordinator.clientId } });
    expect(decided.body.history.map((h: any) => h.event)).toEqual(['submitted', 'escalated', 'approved', 'activated']);
  });

  it('skips the National Day holiday: a request filed on 30 September 2026 is due on 20 October', async () => {
    const filed = new Date('2026-09-30T09:00:00+08:00');
    const agreement = await submitAgreement(t.platform, principalOf(hrss), agreementRequest({ purpose: 'social-insurance' }), filed);
    expect(agreement.dueDate).toBe('2026-10-20');
    expect(agreement.dueAt).toBe('2026-10-20T16:00:00.000Z');
    // Ten weekdays later it would be overdue if holidays were not skipped.
    expect(await escalateOverdue(t.platform, new Date('2026-10-15T09:00:00+08:00'))).not.toContain(agreement.id);
    expect(await escalateOverdue(t.platform, new Date('2026-10-20T23:59:59+08:00'))).not.toContain(agreement.id);
    expect(await escalateOverdue(t.platform, new Date('2026-10-21T00:00:00+08:00'))).toContain(agreement.id);
  });

  it('shows a request overdue before the sweep escalates it, and the background sweep escalates it', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'enterprise-subsidies' }) });
    const id = submitted.body.id;
    await t.platform.store.query("update agreements set due_at = now() - interval '1 minute' where id = $1", [id]);
    expect((await api(t, 'GET', `/api/v1/agreements/${id}`, { token: hrss.token })).body).toMatchObject({ status: 'submitted', overdue: true });
    const stop = startJobs(t.platform, agreementsCapability.jobs!);
    await stop();
    expect((await api(t, 'GET', `/api/v1/agreements/${id}`, { token: hrss.token })).body).toMatchObject({ status: 'escalated', overdue: true });
  });
});
