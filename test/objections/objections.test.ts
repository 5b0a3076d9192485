import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliverer, type Deliverer } from '../../src/deliveries/index.ts';
import { escalateOverdueObjections, objectionTimeliness } from '../../src/objections/index.ts';
import type { DomainEvent } from '../../src/platform/events.ts';
import { issuerRegistry } from '../../src/standards/index.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { addDepartment, agreement, batch, catalogBusinessLicense, eventually, issue, lookup, startReceiver } from '../exchange/support.ts';
import { browser, person } from '../people/support.ts';

let t: TestPlatform;
let deliverer: Deliverer;
let stranger: TestClient;
const receivers: { close: () => Promise<void> }[] = [];
const events: DomainEvent[] = [];

beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32' });
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative', 'domicile'] }, ['name', 'domicile']);
  // A consumer department with no agreement for the business license.
  stranger = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  t.platform.events.on('objections.', async (_tx, published: readonly DomainEvent[]) => {
    events.push(...published);
  });
  deliverer = startDeliverer(t.platform, { pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 100, maxAttempts: 3, timeoutMs: 5_000 });
});
afterAll(async () => {
  await deliverer.stop();
  await Promise.all(receivers.map((r) => r.close()));
  await t.close();
});

const object = (client: { token: string }, body: Record<string, unknown>) => api(t, 'POST', '/api/v1/objections', { token: client.token, body });
const decideAs = (client: { token: string }, id: string, body: Record<string, unknown>) => api(t, 'POST', `/api/v1/objections/${id}/decision`, { token: client.token, body });
const inbox = async (client: TestClient) => (await api(t, 'GET', '/api/v1/inbox', { token: client.token })).body.items as { kind: string; title: string }[];

async function submitted(client: TestClient, identifier: string, fields = ['name']) {
  const created = await object(client, { licenseIdentifier: identifier, fields, reason: '名称与税务登记不一致' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; dueAt: string; dueDate: string };
}

describe('objections (数据异议)', () => {
  it('names the people who act by the names they go by: the enterprise that objects, the clerk who decides', async () => {
    const license = await issue(t);
    const password = 'correct horse battery';
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: license.holder.code, password } })).status).toBe(201);
    const holder = { token: (await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: license.holder.code, password } })).body.access_token as string };
    const created = await object(holder, { licenseIdentifier: license.identifier, fields: ['domicile'], reason: '住所已变更' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ objectedBy: `holder:${license.holder.code}`, objectedByName: license.data.name });
    const clerk = await person(t, t.issuer, 'issuer', '王敏');
    const session = browser(t);
    expect((await session.signIn(clerk.username, clerk.password)).status).toBe(200);
    const decided = await session.request('POST', `/api/v1/objections/${created.body.id}/decision`, { body: { decision: 'reject', reason: '未见变更登记' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.decision).toMatchObject({ decidedBy: `person:${clerk.username}`, decidedByName: '王敏' });
    const read = await api(t, 'GET', `/api/v1/objections/${created.body.id}`, { token: t.issuer.token });
    expect(read.body.history.map((h: { actor: string; actorName: string | null }) => [h.actor, h.actorName])).toEqual([
      [`holder:${license.holder.code}`, license.data.name],
      [`person:${clerk.username}`, '王敏'],
    ]);
    // A department's system goes by no person's name: the actor stays what the reader sees.
    const listed = await api(t, 'GET', `/api/v1/objections?role=issuer&licenseIdentifier=${encodeURIComponent(license.identifier)}`, { token: t.issuer.token });
    expect(listed.body.items.find((o: { id: string }) => o.id === created.body.id)).toMatchObject({ objectedByName: license.data.name, decision: { decidedByName: '王敏' } });
    const system = await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name'], reason: '名称不一致' });
    expect(system.body).toMatchObject({ objectedBy: t.consumer.clientId, objectedByName: `${t.consumer.department.name}业务系统` });
  });


  it('walk-through: a consumer objects to the name, the issuer accepts, the license has a new version, lookups and subscriptions see it', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const license = await issue(t);
    const holder = license.holder.code;
    const subscribed = await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'business-license', callbackUrl: hook.url, holders: [holder] } });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);

    const before = await lookup(t, t.consumer, holder);
    expect(before.status).toBe(200);
    expect(before.body.underObjection).toBeUndefined();

    const created = await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name'], reason: '名称与税务登记不一致', evidence: '税务登记表', proposed: { name: '济南新名称科技有限公司' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'submitted', final: false, fields: ['name'], holderCode: holder, issuerCode: t.issuer.department.code, objector: { kind: 'department', department: t.consumer.department.code } });
    expect(Date.parse(created.body.dueAt)).toBeGreaterThan(Date.now() + 3 * 86_400_000);
    const id = created.body.id as string;

    // Marked to every consumer that receives it, single and batch, while open.
    expect((await lookup(t, t.consumer, holder)).body.underObjection).toBe(true);
    const many = await batch(t, t.consumer, [holder]);
    expect(many.body.results[0]).toMatchObject({ result: 'found', underObjection: true });
    expect((await inbox(t.issuer)).some((n) => n.kind === 'objection.submitted')).toBe(true);

    // As after a change of the registry of authorised issuers: the accept reads it again before its transaction (one connection on PGlite).
    issuerRegistry(t.platform).forget();
    const accepted = await decideAs(t.issuer, id, { decision: 'accept', reason: '核实后更正', data: { name: '济南新名称科技有限公司' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', final: true, answeredOnTime: true, decision: { decision: 'accept', byCoordinationOffice: false }, amendment: { version: 2 } });
    expect(accepted.body.history.map((h: { event: string }) => h.event)).toEqual(['submitted', 'accepted']);

    const after = await lookup(t, t.consumer, holder);
    expect(after.body.fields.name).toBe('济南新名称科技有限公司');
    expect(after.body.version).toBe(2);
    expect(after.body.identifier).toBe(accepted.body.amendment.identifier);
    expect(after.body.underObjection).toBeUndefined();
    const versions = await api(t, 'GET', `/api/v1/licenses/${license.identifier}/versions`, { token: t.issuer.token });
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    await eventually(() => hook.accepted().some((r) => r.json.type === 'cn.gov.certbridge.license.amended'), 'the amendment delivered');
    const delivered = hook.accepted().find((r) => r.json.type === 'cn.gov.certbridge.license.amended')!;
    expect(delivered.json.data.fields.name).toBe('济南新名称科技有限公司');

    expect((await inbox(t.consumer)).some((n) => n.kind === 'objection.accepted')).toBe(true);
    expect(events.filter((e) => e.subject === id).map((e) => e.type)).toEqual(['objections.submitted', 'objections.decided']);
    // In the audit log, in order.
    const audit = await api(t, 'GET', `/api/v1/objections?licenseIdentifier=${license.identifier}`, { token: t.coordinator.token });
    expect(audit.body.items.map((o: { id: string }) => o.id)).toEqual([id]);
  });

  it('reject, escalate once, the coordination office decides finally (its amendment recorded under it)', async () => {
    const license = await issue(t);
    const { id } = await submitted(t.consumer, license.identifier);
    expect((await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.consumer.token, body: { reason: '尚未答复' } })).body.code).toBe('not-rejected');
    const noReason = await decideAs(t.issuer, id, { decision: 'reject' });
    expect(noReason.body).toMatchObject({ status: 400, field: '/reason' });
    const rejected = await decideAs(t.issuer, id, { decision: 'reject', reason: '登记档案无误' });
    expect(rejected.body).toMatchObject({ status: 'rejected', final: false, decision: { decision: 'reject', reason: '登记档案无误' } });
    expect((await lookup(t, t.consumer, license.holder.code)).body.underObjection).toBeUndefined();

    expect((await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.issuer.token, body: { reason: 'x' } })).status).toBe(403);
    const escalated = await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.consumer.token, body: { reason: '有税务登记为证' } });
    expect(escalated.body).toMatchObject({ status: 'escalated', escalation: { kind: 'objector', reason: '有税务登记为证' } });
    expect((await lookup(t, t.consumer, license.holder.code)).body.underObjection).toBe(true);
    const twice = await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.consumer.token, body: { reason: '再次' } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('already-escalated');
    expect((await inbox(t.coordinator)).some((n) => n.kind === 'objection.escalated')).toBe(true);

    const issuerAgain = await decideAs(t.issuer, id, { decision: 'accept', data: { name: '某某' } });
    expect(issuerAgain.status).toBe(409);
    expect(issuerAgain.body.code).toBe('objection-escalated');
    const final = await decideAs(t.coordinator, id, { decision: 'accept', reason: '以税务登记为准', data: { name: '协调更正有限公司' } });
    expect(final.status, JSON.stringify(final.body)).toBe(200);
    expect(final.body).toMatchObject({ status: 'accepted', final: true, decision: { byCoordinationOffice: true, decidedBy: t.coordinator.clientId }, amendment: { version: 2 } });
    // The issuer's answer (the rejection) stays the answer that counts for timeliness.
    expect(final.body.answeredOnTime).toBe(true);
    const versions = await api(t, 'GET', `/api/v1/licenses/${license.identifier}/versions`, { token: t.issuer.token });
    expect(versions.body[1]).toMatchObject({ version: 2, createdBy: t.coordinator.clientId });
    expect(versions.body[1].data.name).toBe('协调更正有限公司');
    expect((await decideAs(t.coordinator, id, { decision: 'reject', reason: 'x' })).status).toBe(409);
    expect((await lookup(t, t.consumer, license.holder.code)).body.underObjection).toBeUndefined();
  });

  it('a decision changes only the objected fields, the coordination office’s final one too (red team: registeredCapital, name and legalRepresentative slipped in)', async () => {
    const license = await issue(t);
    const { id } = await submitted(t.consumer, license.identifier, ['domicile']);
    const beyond = await decideAs(t.issuer, id, { decision: 'accept', reason: '核实', data: { domicile: '山东省济南市历下区新址1号', registeredCapital: '1亿元人民币' } });
    expect(beyond.status, JSON.stringify(beyond.body)).toBe(400);
    expect(beyond.body).toMatchObject({ code: 'field-not-objected', field: '/data/registeredCapital' });
    expect((await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.issuer.token })).body.status).toBe('submitted');

    expect((await decideAs(t.issuer, id, { decision: 'reject', reason: '登记档案无误' })).status).toBe(200);
    expect((await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.consumer.token, body: { reason: '有凭证' } })).status).toBe(200);
    const around = await decideAs(t.coordinator, id, { decision: 'accept', reason: '协调', data: { name: '绕道更名有限公司', legalRepresentative: '王五' } });
    expect(around.status, JSON.stringify(around.body)).toBe(400);
    expect(around.body).toMatchObject({ code: 'field-not-objected', field: '/data/name' });
    const versions = await api(t, 'GET', `/api/v1/licenses/${license.identifier}/versions`, { token: t.issuer.token });
    expect(versions.body).toHaveLength(1);

    const final = await decideAs(t.coordinator, id, { decision: 'accept', reason: '以税务登记为准', data: { domicile: '山东省济南市历下区新址1号' } });
    expect(final.status, JSON.stringify(final.body)).toBe(200);
    const decided = final.body.history.findLast((h: { event: string }) => h.event === 'accepted');
    expect(decided.data).toMatchObject({ byCoordinationOffice: true, changedFields: ['domicile'] });
  });

  it('escalates by itself when overdue; the timeliness of the issuer counts it unanswered', async () => {
    const license = await issue(t);
    const { id, dueAt } = await submitted(t.consumer, license.identifier, ['name', 'domicile']);
    expect(await escalateOverdueObjections(t.platform, new Date(Date.parse(dueAt) - 1000))).not.toContain(id);
    const escalatedIds = await escalateOverdueObjections(t.platform, new Date(Date.parse(dueAt) + 1000));
    expect(escalatedIds).toContain(id);
    const read = await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.consumer.token });
    expect(read.body).toMatchObject({ status: 'escalated', overdue: true, answeredAt: null, escalation: { kind: 'overdue' } });
    expect(read.body.history.map((h: { event: string }) => h.event)).toEqual(['submitted', 'overdue']);
    expect(events.filter((e) => e.subject === id).map((e) => e.type)).toEqual(['objections.submitted', 'objections.overdue', 'objections.escalated']);
    expect((await lookup(t, t.consumer, license.holder.code)).body.underObjection).toBe(true);
    // A subscriber receives the license's events marked while the objection is open.
    const hook = await startReceiver();
    receivers.push(hook);
    expect((await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'business-license', callbackUrl: hook.url, holders: [license.holder.code] } })).status).toBe(201);
    expect((await api(t, 'POST', `/api/v1/licenses/${license.identifier}/amend`, { token: t.issuer.token, body: { data: { registeredCapital: '500万元人民币' }, reason: '增资' } })).status).toBe(200);
    await eventually(() => hook.accepted().length >= 1, 'the amendment delivered');
    expect(hook.accepted()[0].json.data).toMatchObject({ holderCode: license.holder.code, underObjection: true });
    const escalatedList = await api(t, 'GET', '/api/v1/objections?status=escalated', { token: t.coordinator.token });
    expect(escalatedList.body.items.map((o: { id: string }) => o.id)).toContain(id);

    const final = await decideAs(t.coordinator, id, { decision: 'reject', reason: '登记无误' });
    expect(final.body).toMatchObject({ status: 'rejected', final: true, answeredAt: null });
    expect((await api(t, 'POST', `/api/v1/objections/${id}/escalation`, { token: t.consumer.token, body: { reason: 'x' } })).status).toBe(409);
    expect((await lookup(t, t.consumer, license.holder.code)).body.underObjection).toBeUndefined();

    // China month of the deadline (UTC+8).
    const month = new Date(Date.parse(dueAt) + 8 * 3600_000 - 1).toISOString().slice(0, 7);
    const figures = await objectionTimeliness(t.platform.store, t.issuer.department.code, month);
    expect(figures.due).toBeGreaterThanOrEqual(1);
    expect(figures.due).toBe(figures.answered + figures.open);
    expect(figures.open).toBeGreaterThanOrEqual(1);
    expect(await objectionTimeliness(t.platform.store, t.otherIssuer.department.code, month)).toEqual({ due: 0, answered: 0, onTime: 0, open: 0 });
  });

  it('keeps evidence files with their SHA-256, for the parties only', async () => {
    const license = await issue(t);
    const { id } = await submitted(t.consumer, license.identifier);
    const content = `%PDF-1.4 税务登记证明 ${Date.now()}`;
    const digest = createHash('sha256').update(content).digest('hex');
    const uploaded = await api(t, 'POST', `/api/v1/objections/${id}/evidence?name=${encodeURIComponent('税务登记.pdf')}`, {
      token: t.consumer.token,
      rawBody: content,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body).toMatchObject({ n: 1, name: '税务登记.pdf', contentType: 'application/pdf', size: Buffer.byteLength(content), sha256: digest });
    const read = await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.issuer.token });
    expect(read.body.evidence).toMatchObject([{ n: 1, sha256: digest }]);

    const download = await fetch(`${t.url}/api/v1/objections/${id}/evidence/1`, { headers: { authorization: `Bearer ${t.issuer.token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-sha256')).toBe(digest);
    expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex')).toBe(digest);

    for (const client of [stranger, t.otherIssuer]) {
      expect((await api(t, 'GET', `/api/v1/objections/${id}/evidence/1`, { token: client.token })).status).toBe(403);
      expect((await api(t, 'GET', `/api/v1/objections/${id}`, { token: client.token })).status).toBe(403);
    }
    expect((await api(t, 'POST', `/api/v1/objections/${id}/evidence`, { token: t.issuer.token, rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    const tooBig = await api(t, 'POST', `/api/v1/objections/${id}/evidence`, { token: t.consumer.token, rawBody: 'x'.repeat(5 * 1024 * 1024 + 1), headers: { 'content-type': 'text/plain' } });
    expect(tooBig.status).toBe(413);
    expect((await api(t, 'GET', `/api/v1/objections/${id}/evidence/2`, { token: t.issuer.token })).status).toBe(404);
    expect(events.some((e) => e.type === 'objections.evidence-added' && e.subject === id && (e.data as { sha256?: string }).sha256 === digest)).toBe(true);
  });

  it('lets only recipients, the issuer and the holder act on what is theirs', async () => {
    const license = await issue(t);
    const denied = await object(stranger, { licenseIdentifier: license.identifier, fields: ['name'], reason: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('not-a-recipient');
    const { id } = await submitted(t.consumer, license.identifier);
    expect((await decideAs(t.otherIssuer, id, { decision: 'reject', reason: 'x' })).status).toBe(403);
    expect((await decideAs(t.consumer, id, { decision: 'reject', reason: 'x' })).status).toBe(403);
    expect((await decideAs(t.coordinator, id, { decision: 'reject', reason: 'x' })).status).toBe(403);
    const strangerList = await api(t, 'GET', '/api/v1/objections', { token: stranger.token });
    expect(strangerList.body.items).toEqual([]);
    const issuerQueue = await api(t, 'GET', '/api/v1/objections?role=issuer&status=submitted', { token: t.issuer.token });
    expect(issuerQueue.body.items.map((o: { id: string }) => o.id)).toContain(id);
    expect((await api(t, 'GET', '/api/v1/objections?role=issuer', { token: t.otherIssuer.token })).body.items).toEqual([]);

    // The holder, signed in, objects to its own license only, and sees only its own objections.
    const password = 'correct horse battery';
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: license.holder.code, password } })).status).toBe(201);
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: license.holder.code, password } });
    const holder = { token: login.body.access_token as string };
    const own = await object(holder, { licenseIdentifier: license.identifier, fields: ['domicile'], reason: '住所已变更' });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.objector).toEqual({ kind: 'holder', department: null, holderCode: license.holder.code });
    const other = await issue(t);
    expect((await object(holder, { licenseIdentifier: other.identifier, fields: ['name'], reason: 'x' })).status).toBe(403);
    const mine = await api(t, 'GET', '/api/v1/objections', { token: holder.token });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([own.body.id]);
    expect((await api(t, 'GET', `/api/v1/objections/${id}`, { token: holder.token })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/objections/${own.body.id}`, { token: t.consumer.token })).status).toBe(403);
    const answered = await decideAs(t.issuer, own.body.id, { decision: 'reject', reason: '未见变更登记' });
    expect(answered.body.status).toBe('rejected');
    expect((await api(t, 'POST', `/api/v1/objections/${own.body.id}/escalation`, { token: holder.token, body: { reason: '已申请变更' } })).body.status).toBe('escalated');
  });

  it('answers bad input with problems naming the field', async () => {
    const license = await issue(t);
    const unknownField = await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['nickname'], reason: 'x' });
    expect(unknownField.body).toMatchObject({ status: 400, code: 'unknown-field', field: '/fields/0' });
    expect((await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name', 'name'], reason: 'x' })).body).toMatchObject({ status: 400, field: '/fields/1' });
    expect((await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name'], reason: '  ' })).body).toMatchObject({ status: 400, field: '/reason' });
    expect((await object(t.consumer, { licenseIdentifier: license.identifier, fields: [], reason: 'x' })).status).toBe(400);
    expect((await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name'], reason: 'x', extra: 1 })).status).toBe(400);
    expect((await object(t.consumer, { licenseIdentifier: license.identifier, fields: ['name'], reason: 'x', proposed: { nickname: 'y' } })).body).toMatchObject({ status: 400, field: '/proposed/nickname' });
    const missing = await object(t.consumer, { licenseIdentifier: `${license.identifier.slice(0, -4)}0000`, fields: ['name'], reason: 'x' });
    expect([400, 404]).toContain(missing.status);

    const { id } = await submitted(t.consumer, license.identifier);
    expect((await decideAs(t.issuer, id, { decision: 'accept' })).body).toMatchObject({ status: 400, field: '/data' });
    expect((await decideAs(t.issuer, id, { decision: 'accept', data: { name: license.data.name } })).body).toMatchObject({ status: 400, code: 'nothing-changes', field: '/data' });
    expect((await decideAs(t.issuer, id, { decision: 'accept', data: { nickname: 'y' } })).body).toMatchObject({ status: 400, field: '/data/nickname' });
    expect((await decideAs(t.issuer, id, { decision: 'maybe', reason: 'x' })).status).toBe(400);
    expect((await api(t, 'GET', '/api/v1/objections/no-such-id', { token: t.issuer.token })).status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/objections?cursor=bm9wZQ', { token: t.issuer.token })).body).toMatchObject({ status: 400, field: 'querystring:/cursor' });
    // Nothing changed by the refused decisions.
    expect((await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.issuer.token })).body.status).toBe('submitted');
  });
});
