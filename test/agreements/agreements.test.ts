import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireAgreements, findActiveGrant, findActiveGrantsForResource } from '../../src/agreements/index.ts';
import type { DomainEvent } from '../../src/platform/events.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { browser, person } from '../people/support.ts';
import { activeAgreement, addDepartment, agreementRequest, businessLicenseResource, datasetResource, registerResource } from './support.ts';

let t: TestPlatform;
let hrss: TestClient;
const events: (DomainEvent & { data: Record<string, unknown> })[] = [];
beforeAll(async () => {
  t = await startTestPlatform();
  hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
  t.platform.events.on<DomainEvent & { data: Record<string, unknown> }>('', async (_tx, published) => {
    events.push(...published);
  });
  await registerResource(t, t.issuer, businessLicenseResource());
  await registerResource(t, hrss, datasetResource('social-insurance-registration', 'conditional'));
  await registerResource(t, t.otherIssuer, datasetResource('qingdao-credit-rating', 'unconditional'));
  await registerResource(t, t.otherIssuer, datasetResource('qingdao-household', 'not-shared', { legalBasis: '《中华人民共和国个人信息保护法》第三十四条' }));
});
afterAll(() => t.close());

const expectProblem = (r: { status: number; body: any; headers: Headers }, status: number, code: string, field?: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.code).toBe(code);
  if (field !== undefined) expect(r.body.field).toBe(field);
};

const inbox = async (client: TestClient, query = '') => (await api(t, 'GET', `/api/v1/inbox${query}`, { token: client.token })).body;
const grantOf = (client: TestClient, purpose = 'tax-administration') =>
  findActiveGrant(t.platform.store, { departmentCode: client.department.code, licenseType: 'business-license', purpose });

describe('purposes', () => {
  it('is a controlled list with ASCII codes', async () => {
    const r = await api(t, 'GET', '/api/v1/purposes');
    expect(r.status).toBe(200);
    const codes = r.body.map((p: { code: string }) => p.code);
    for (const code of ['tax-administration', 'social-insurance', 'public-security', 'housing-administration', 'judicial-proceedings', 'bank-account-opening', 'credit-supervision', 'government-procurement']) {
      expect(codes).toContain(code);
    }
    for (const p of r.body) {
      expect(p.code).toMatch(/^[a-z][a-z-]*$/);
      expect(Object.keys(p).sort()).toEqual(['code', 'name', 'nameEn']);
    }
  });
});

describe('a conditional resource: request, decision, grant', () => {
  it('the tax bureau asks for three fields, the market regulation administration grants two: exactly those are granted', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest() });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.headers.get('location')).toBe(`/api/v1/agreements/${submitted.body.id}`);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      resourceId: 'business-license',
      consumerDepartment: t.consumer.department.code,
      ownerDepartment: t.issuer.department.code,
      purpose: 'tax-administration',
      requestedFields: ['name', 'legalRepresentative', 'registeredCapital'],
      grantedFields: null,
      overdue: false,
    });
    expect(typeof submitted.body.id).toBe('string');
    expect(new Date(submitted.body.dueAt).getTime()).toBeGreaterThan(Date.now() + 10 * 86_400_000);
    expect(await grantOf(t.consumer)).toBeUndefined();
    const id = submitted.body.id as string;

    // The owner sees the request in its inbox.
    const ownerInbox = await inbox(t.issuer, '?unread=true');
    expect(ownerInbox.items.find((n: any) => n.agreementId === id)).toMatchObject({ kind: 'agreement.submitted', link: `/api/v1/agreements/${id}`, read: false });

    // Granting a field not asked for is refused; another department may not decide.
    expectProblem(
      await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'approve', fields: ['name', 'domicile'] } }),
      400,
      'field-not-requested',
      '/fields/1',
    );
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.otherIssuer.token, body: { decision: 'approve' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.consumer.token, body: { decision: 'approve' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.coordinator.token, body: { decision: 'approve' } }), 403, 'forbidden');

    const approved = await api(t, 'POST', `/api/v1/agreements/${id}/decision`, {
      token: t.issuer.token,
      body: { decision: 'approve', reason: '注册资本不属于税务登记所需', fields: ['name', 'legalRepresentative'] },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'active',
      fields: ['name', 'legalRepresentative'],
      grantedFields: ['name', 'legalRepresentative'],
      requestedFields: ['name', 'legalRepresentative', 'registeredCapital'],
      decision: { decision: 'approve', reason: '注册资本不属于税务登记所需', decidedBy: t.issuer.clientId },
    });
    expect(approved.body.history.map((h: any) => [h.event, h.status])).toEqual([
      ['submitted', 'submitted'],
      ['approved', 'approved'],
      ['activated', 'active'],
    ]);

    const grant = await grantOf(t.consumer);
    expect(grant).toEqual({
      agreementId: id,
      consumerDepartment: t.consumer.department.code,
      resourceId: 'business-license',
      licenseType: 'business-license',
      purpose: 'tax-administration',
      fields: ['name', 'legalRepresentative'],
      expectedDailyVolume: 5000,
      validUntil: '2099-12-31',
    });
    expect(await grantOf(t.consumer, 'credit-supervision')).toBeUndefined();
    expect(await grantOf(hrss, 'tax-administration')).toBeUndefined();
    expect(await findActiveGrantsForResource(t.platform.store, { departmentCode: t.consumer.department.code, resourceId: 'business-license' })).toEqual([grant]);

    // Both parties were told; the events carry the same facts.
    // The fields by their titles in the type's standard, not their keys.
    const notice = (await inbox(t.consumer)).items.find((n: any) => n.agreementId === id && n.kind === 'agreement.approved');
    expect(notice?.title).toContain('授予字段：名称、法定代表人');
    expect(notice?.titleEn).toContain('fields granted: Name, Legal representative');
    expect((await inbox(t.issuer)).items.some((n: any) => n.agreementId === id && n.kind === 'agreement.approved')).toBe(true);
    const types = events.filter((e) => e.subject === id).map((e) => e.type);
    expect(types).toEqual(['agreement.submitted', 'agreement.approved', 'agreement.activated']);
    const created = events.filter((e) => e.type === 'notification.created' && e.data.agreementId === id);
    expect(created.length).toBeGreaterThanOrEqual(4);
    expect(created[0].data).toMatchObject({ kind: 'agreement.submitted', link: `/api/v1/agreements/${id}` });
    expect(typeof created[0].data.titleEn).toBe('string');

    // A decided request is not decided again.
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: 'x' } }), 409, 'invalid-transition');
  });

  it('refuses bad requests with the field at fault', async () => {
    const post = (body: Record<string, unknown>, token = hrss.token) => api(t, 'POST', '/api/v1/agreements', { token, body });
    expectProblem(await post(agreementRequest({ purpose: 'curiosity' })), 400, 'unknown-purpose', '/purpose');
    expectProblem(await post(agreementRequest({ fields: ['name', 'shoeSize'] })), 400, 'field-not-in-resource', '/fields/1');
    expectProblem(await post(agreementRequest({ fields: [] })), 400, 'validation-failed');
    expectProblem(await post(agreementRequest({ validUntil: '2020-01-01' })), 400, 'validation-failed', '/validUntil');
    expectProblem(await post(agreementRequest({ validUntil: '2099-02-30' })), 400, 'validation-failed', '/validUntil');
    expectProblem(await post(agreementRequest({ resourceId: 'nothing' })), 404, 'resource-not-found', '/resourceId');
    expectProblem(await post(agreementRequest({ expectedDailyVolume: 0 })), 400, 'validation-failed');
    const { purpose: _p, ...noPurpose } = agreementRequest();
    expectProblem(await post(noPurpose), 400, 'missing-field', '/purpose');
    // A department does not request its own resource; a system without the consumer role requests nothing.
    expectProblem(await post(agreementRequest({ resourceId: 'social-insurance-registration', fields: ['rating'] })), 403, 'forbidden');
    expectProblem(await post(agreementRequest(), t.otherIssuer.token), 403, 'forbidden');
  });

  it('requires a reason to reject, and one open request per resource and purpose', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'social-insurance' }) });
    expect(submitted.status).toBe(201);
    expectProblem(
      await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'social-insurance' }) }),
      409,
      'agreement-pending',
      '/resourceId',
    );
    const id = submitted.body.id;
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject' } }), 400, 'missing-field', '/reason');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: '  ' } }), 400, 'missing-field', '/reason');
    const rejected = await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: '用途与所需字段不符' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', grantedFields: null, decision: { decision: 'reject', reason: '用途与所需字段不符' } });
    expect(await grantOf(hrss, 'social-insurance')).toBeUndefined();
    expect((await inbox(hrss)).items.find((n: any) => n.agreementId === id && n.kind === 'agreement.rejected').title).toContain('用途与所需字段不符');
  });
});

describe('who acted, by name', () => {
  it('a request and its decision name the clerks by the names they go by, beside their user names; a system by none', async () => {
    const asker = await person(t, t.consumer, 'consumer', '李娜');
    const answerer = await person(t, t.issuer, 'issuer', '王敏');
    const consumer = browser(t);
    const owner = browser(t);
    expect((await consumer.signIn(asker.username, asker.password)).status).toBe(200);
    expect((await owner.signIn(answerer.username, answerer.password)).status).toBe(200);
    const submitted = await consumer.request('POST', '/api/v1/agreements', { body: agreementRequest({ purposeDescription: '按姓名核对' }) });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body).toMatchObject({ requestedBy: `person:${asker.username}`, requestedByName: '李娜' });
    const decided = await owner.request('POST', `/api/v1/agreements/${submitted.body.id}/decision`, { body: { decision: 'reject', reason: '用途不明' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.decision).toMatchObject({ decidedBy: `person:${answerer.username}`, decidedByName: '王敏' });
    const read = await api(t, 'GET', `/api/v1/agreements/${submitted.body.id}`, { token: t.issuer.token });
    expect(read.body.history.map((h: { actorName: string | null }) => h.actorName)).toEqual(['李娜', '王敏']);
    const listed = await api(t, 'GET', '/api/v1/agreements?role=owner&limit=200', { token: t.issuer.token });
    expect(listed.body.items.find((a: { id: string }) => a.id === submitted.body.id)).toMatchObject({ requestedByName: '李娜', decision: { decidedByName: '王敏' } });
    const bySystem = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest({ purposeDescription: '系统申请' }) });
    expect(bySystem.body).toMatchObject({ requestedBy: t.consumer.clientId, requestedByName: `${t.consumer.department.name}业务系统` });
  });
});

describe('appeals', () => {
  it('a rejection appealed to the coordination office, whose decision is final', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest({ purpose: 'credit-supervision', fields: ['name', 'domicile'] }) });
    const id = submitted.body.id;
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: 'early' } }), 409, 'invalid-transition');
    await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: '住所属于内部信息' } });

    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.issuer.token, body: { reason: 'x' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: {} }), 400, 'missing-field', '/reason');
    const appealed = await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: '信用监管依法需要核验住所' } });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    expect(appealed.body).toMatchObject({ status: 'rejected', appeal: { status: 'pending', reason: '信用监管依法需要核验住所' } });
    expect((await inbox(t.coordinator)).items.some((n: any) => n.agreementId === id && n.kind === 'agreement.appealed')).toBe(true);
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: 'again' } }), 409, 'appeal-exists');

    // Only the coordination office decides the appeal; the owner cannot decide it again.
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal-decision`, { token: t.issuer.token, body: { decision: 'reject', reason: 'x' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'approve' } }), 409, 'invalid-transition');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal-decision`, { token: t.coordinator.token, body: { decision: 'approve' } }), 400, 'missing-field', '/reason');

    const decided = await api(t, 'POST', `/api/v1/agreements/${id}/appeal-decision`, {
      token: t.coordinator.token,
      body: { decision: 'approve', reason: '信用监管有法定依据', fields: ['name'] },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'active',
      grantedFields: ['name'],
      decision: { decision: 'reject' },
      appeal: { status: 'overturned', decidedBy: t.coordinator.clientId, decisionReason: '信用监管有法定依据' },
    });
    expect(decided.body.history.map((h: any) => h.event)).toEqual(['submitted', 'rejected', 'appealed', 'appeal-decided', 'approved', 'activated']);
    expect((await grantOf(t.consumer, 'credit-supervision'))?.fields).toEqual(['name']);
    expect(events.filter((e) => e.subject === id).map((e) => e.type)).toContain('agreement.appeal-decided');

    // Final: no second appeal, no second decision.
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal-decision`, { token: t.coordinator.token, body: { decision: 'reject', reason: 'x' } }), 409, 'invalid-transition');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: 'x' } }), 409, 'invalid-transition');
  });

  it('an appeal upheld through /decision by the coordination office is final too', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest({ purpose: 'statistics', fields: ['name'] }) });
    const id = submitted.body.id;
    await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: '统计调查另有渠道' } });
    await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: '请复核' } });
    const upheld = await api(t, 'POST', `/api/v1/agreements/${id}/decision`, { token: t.coordinator.token, body: { decision: 'reject', reason: '维持原决定' } });
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'rejected', appeal: { status: 'upheld', decisionReason: '维持原决定' } });
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/appeal`, { token: t.consumer.token, body: { reason: 'again' } }), 409, 'appeal-exists');
    expect((await inbox(t.consumer)).items.find((n: any) => n.agreementId === id && n.kind === 'agreement.appeal-upheld')).toBeDefined();
  });
});

describe('sharing classes', () => {
  it('an unconditional resource is granted at once, still recorded with its purpose', async () => {
    const r = await api(t, 'POST', '/api/v1/agreements', {
      token: t.consumer.token,
      body: agreementRequest({ resourceId: 'qingdao-credit-rating', purpose: 'government-procurement', fields: ['creditCode', 'rating'] }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'active', dueAt: null, grantedFields: ['creditCode', 'rating'], purpose: 'government-procurement', decision: { decision: 'approve', decidedBy: 'system' } });
    expect(r.body.history.map((h: any) => h.event)).toEqual(['submitted', 'approved', 'activated']);
    const grants = await findActiveGrantsForResource(t.platform.store, { departmentCode: t.consumer.department.code, resourceId: 'qingdao-credit-rating' });
    expect(grants.map((g) => [g.purpose, g.fields])).toEqual([['government-procurement', ['creditCode', 'rating']]]);
    expect((await inbox(t.otherIssuer)).items.find((n: any) => n.agreementId === r.body.id)?.kind).toBe('agreement.granted');
    const { purpose: _p, ...noPurpose } = agreementRequest({ resourceId: 'qingdao-credit-rating', fields: ['rating'] });
    expectProblem(await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: noPurpose }), 400, 'missing-field', '/purpose');
  });

  it('a not-shared resource refuses requests, citing its legal basis', async () => {
    const before = (await t.platform.store.query<{ n: number }>('select count(*)::int as n from agreements')).rows[0].n;
    const r = await api(t, 'POST', '/api/v1/agreements', {
      token: t.consumer.token,
      body: agreementRequest({ resourceId: 'qingdao-household', purpose: 'public-security', fields: ['creditCode'] }),
    });
    expectProblem(r, 403, 'resource-not-shared', '/resourceId');
    expect(r.body.legalBasis).toBe('《中华人民共和国个人信息保护法》第三十四条');
    expect(r.body.detail).toContain('《中华人民共和国个人信息保护法》第三十四条');
    expect((await t.platform.store.query<{ n: number }>('select count(*)::int as n from agreements')).rows[0].n).toBe(before);
  });
});

describe('the life of an active agreement', () => {
  it('revocation by the owner (with a reason) stops the grant at once', async () => {
    const agreement = await activeAgreement(t, hrss, t.issuer, { purpose: 'social-insurance', fields: ['name', 'entityType'] });
    expect((await grantOf(hrss, 'social-insurance'))?.agreementId).toBe(agreement.id);
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${agreement.id}/revoke`, { token: hrss.token, body: { reason: 'x' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${agreement.id}/revoke`, { token: t.coordinator.token, body: { reason: 'x' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${agreement.id}/revoke`, { token: t.issuer.token, body: {} }), 400, 'missing-field', '/reason');
    const revoked = await api(t, 'POST', `/api/v1/agreements/${agreement.id}/revoke`, { token: t.issuer.token, body: { reason: '发现超范围使用' } });
    expect(revoked.body).toMatchObject({ status: 'revoked', statusReason: '发现超范围使用' });
    expect(await grantOf(hrss, 'social-insurance')).toBeUndefined();
    expect((await inbox(hrss)).items[0]).toMatchObject({ kind: 'agreement.revoked', agreementId: agreement.id });
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${agreement.id}/reinstate`, { token: t.issuer.token, body: { reason: 'x' } }), 409, 'invalid-transition');
  });

  it('suspension stops it until reinstated; the coordination office may suspend too', async () => {
    const agreement = await activeAgreement(t, hrss, t.issuer, { purpose: 'enterprise-subsidies', fields: ['name'] });
    const suspended = await api(t, 'POST', `/api/v1/agreements/${agreement.id}/suspend`, { token: t.coordinator.token, body: { reason: '审计告警：调用量异常' } });
    expect(suspended.body.status).toBe('suspended');
    expect(await grantOf(hrss, 'enterprise-subsidies')).toBeUndefined();
    const reinstated = await api(t, 'POST', `/api/v1/agreements/${agreement.id}/reinstate`, { token: t.issuer.token, body: { reason: '核查无异常' } });
    expect(reinstated.body.status).toBe('active');
    expect((await grantOf(hrss, 'enterprise-subsidies'))?.fields).toEqual(['name']);
    expect(reinstated.body.history.map((h: any) => h.event).slice(-2)).toEqual(['suspended', 'reinstated']);
  });

  it('an agreement past its validUntil is not active, and the sweep marks it expired', async () => {
    const agreement = await activeAgreement(t, hrss, t.issuer, { purpose: 'market-supervision', fields: ['name'], validUntil: '2099-06-30' });
    const day = (iso: string) => new Date(`${iso}T12:00:00+08:00`);
    expect(await findActiveGrant(t.platform.store, { departmentCode: hrss.department.code, licenseType: 'business-license', purpose: 'market-supervision' }, day('2099-06-30'))).toBeDefined();
    expect(await findActiveGrant(t.platform.store, { departmentCode: hrss.department.code, licenseType: 'business-license', purpose: 'market-supervision' }, day('2099-07-01'))).toBeUndefined();
    expect(await expireAgreements(t.platform, day('2099-06-30'))).not.toContain(agreement.id);
    expect(await expireAgreements(t.platform, day('2099-07-01'))).toEqual([agreement.id]);
    const read = await api(t, 'GET', `/api/v1/agreements/${agreement.id}`, { token: hrss.token });
    expect(read.body.status).toBe('expired');
    expect(await grantOf(hrss, 'market-supervision')).toBeUndefined();
    expect(events.some((e) => e.type === 'agreement.expired' && e.subject === agreement.id)).toBe(true);
  });
});

describe('comments, visibility and the inbox', () => {
  it('keeps a comment thread per request and tells the other party', async () => {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest({ purpose: 'judicial-proceedings', fields: ['name'] }) });
    const id = submitted.body.id;
    const question = await api(t, 'POST', `/api/v1/agreements/${id}/comments`, { token: t.issuer.token, body: { body: '请补充法院协助执行通知书文号。' } });
    expect(question.status).toBe(201);
    expect(question.body).toMatchObject({ agreementId: id, author: t.issuer.clientId, authorDepartment: t.issuer.department.code, body: '请补充法院协助执行通知书文号。' });
    await api(t, 'POST', `/api/v1/agreements/${id}/comments`, { token: t.consumer.token, body: { body: '文号为（2026）鲁01执123号。' } });
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/comments`, { token: hrss.token, body: { body: '旁观' } }), 403, 'forbidden');
    expectProblem(await api(t, 'POST', `/api/v1/agreements/${id}/comments`, { token: t.consumer.token, body: { body: '' } }), 400, 'validation-failed');
    const thread = await api(t, 'GET', `/api/v1/agreements/${id}/comments`, { token: t.coordinator.token });
    expect(thread.body.map((c: any) => c.authorDepartment)).toEqual([t.issuer.department.code, t.consumer.department.code]);
    const consumerNotice = (await inbox(t.consumer)).items.find((n: any) => n.agreementId === id && n.kind === 'agreement.commented');
    expect(consumerNotice.body).toBe('请补充法院协助执行通知书文号。');
    const ownerNotices = (await inbox(t.issuer)).items.filter((n: any) => n.agreementId === id && n.kind === 'agreement.commented');
    expect(ownerNotices.map((n: any) => n.body)).toEqual(['文号为（2026）鲁01执123号。']);
  });

  it('shows each department only the agreements it is a party to; the coordination office sees all', async () => {
    const list = async (client: TestClient, query = '') => {
      const r = await api(t, 'GET', `/api/v1/agreements${query}`, { token: client.token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { items: any[]; total: number };
    };
    const all = await list(t.coordinator, '?limit=200');
    const mine = await list(hrss, '?limit=200');
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((a) => a.consumerDepartment === hrss.department.code || a.ownerDepartment === hrss.department.code)).toBe(true);
    expect(all.total).toBeGreaterThan(mine.total);
    expect(all.items).toHaveLength(all.total);
    const owner = await list(t.issuer, '?role=owner&limit=200');
    expect(owner.items.every((a) => a.ownerDepartment === t.issuer.department.code)).toBe(true);
    const active = await list(t.consumer, '?status=active,rejected');
    expect(active.items.every((a) => ['active', 'rejected'].includes(a.status))).toBe(true);
    expect((await list(t.consumer, '?status=active&status=revoked')).items.every((a) => ['active', 'revoked'].includes(a.status))).toBe(true);
    expectProblem(await api(t, 'GET', '/api/v1/agreements?status=sleeping', { token: t.consumer.token }), 400, 'validation-failed');
    const someone = all.items.find((a) => a.consumerDepartment === t.consumer.department.code);
    expectProblem(await api(t, 'GET', `/api/v1/agreements/${someone.id}`, { token: hrss.token }), 403, 'forbidden');
    expect((await api(t, 'GET', `/api/v1/agreements/${someone.id}`, { token: t.coordinator.token })).status).toBe(200);
    expectProblem(await api(t, 'GET', '/api/v1/agreements/no-such-id', { token: t.coordinator.token }), 404, 'agreement-not-found');
  });

  it('lists the inbox newest first, filters unread, marks read, and keeps departments apart', async () => {
    const box = await inbox(t.consumer);
    expect(box.total).toBeGreaterThan(0);
    const times = box.items.map((n: any) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(box.items.every((n: any) => n.department === t.consumer.department.code)).toBe(true);
    const first = box.items[0];
    expectProblem(await api(t, 'POST', `/api/v1/inbox/${first.id}/read`, { token: hrss.token }), 404, 'notification-not-found');
    const read = await api(t, 'POST', `/api/v1/inbox/${first.id}/read`, { token: t.consumer.token });
    expect(read.body).toMatchObject({ id: first.id, read: true });
    const unread = await inbox(t.consumer, '?unread=true');
    expect(unread.items.some((n: any) => n.id === first.id)).toBe(false);
    expect(unread.unread).toBe(box.unread - 1);
    expect(unread.total).toBe(box.unread - 1);
    expect((await inbox(t.consumer, '?limit=1')).items).toHaveLength(1);
    expectProblem(await api(t, 'GET', '/api/v1/inbox'), 401, 'unauthenticated');
  });
});
