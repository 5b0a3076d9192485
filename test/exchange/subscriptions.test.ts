import { licenseEvent } from '../../src/licenses/events.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliverer, type Deliverer } from '../../src/deliveries/index.ts';
import { api, licenseRequest, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { addDepartment, agreement, agreementRequest, catalogBusinessLicense, disclosures, eventually, startReceiver, verifyAsConsumer, verifyDelivery } from './support.ts';
import { deliveryAccessRecords } from '../support/accessRecords.ts';

let t: TestPlatform;
let deliverer: Deliverer;
const receivers: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  // Receivers on this machine, and a name that never resolves for subscriptions nothing is delivered to.
  t = await startTestPlatform({ CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32,*.certbridge.invalid' });
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative', 'registeredCapital', 'domicile'] }, ['name', 'domicile']);
  // Fast retries so the tests run quickly; nothing below depends on timing.
  deliverer = startDeliverer(t.platform, { pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 100, maxAttempts: 3, timeoutMs: 5_000 });
});
afterAll(async () => {
  await deliverer.stop();
  await Promise.all(receivers.map((r) => r.close()));
  await t.close();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/** A license request whose holder is known before it is issued (so a subscription can name it). */
const request = () => licenseRequest({ businessTermTo: null });

async function subscribe(client: TestClient, callbackUrl: string, holders?: string[]) {
  const created = await api(t, 'POST', '/api/v1/subscriptions', { token: client.token, body: { resourceId: 'business-license', callbackUrl, ...(holders ? { holders } : {}) } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; fields: string[] };
}

const issueNow = async (body: ReturnType<typeof request>) => {
  const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body });
  expect(issued.status).toBe(201);
  return issued.body as { identifier: string; holder: { code: string }; data: Record<string, unknown> };
};

const change = (identifier: string, action: string, body: Record<string, unknown>) =>
  api(t, 'POST', `/api/v1/licenses/${identifier}/${action}`, { token: t.issuer.token, body });

describe('subscriptions', () => {
  it('need an agreement for the resource and a proper callback URL', async () => {
    const housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
    const denied = await api(t, 'POST', '/api/v1/subscriptions', { token: housing.token, body: { resourceId: 'business-license', callbackUrl: 'https://hooks.certbridge.invalid/hook' } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'no-agreement', resourceId: 'business-license' });
    const bad = await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'business-license', callbackUrl: 'ftp://example.org' } });
    expect(bad.body).toMatchObject({ status: 400, code: 'invalid-callback-url', field: '/callbackUrl' });
    const unknown = await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'no-such-thing', callbackUrl: 'https://hooks.certbridge.invalid/hook' } });
    expect(unknown.status).toBe(404);

    const created = await subscribe(t.consumer, 'https://hooks.certbridge.invalid/hook', [request().holder.code]);
    expect(created.fields.sort()).toEqual(['domicile', 'name']);
    const list = await api(t, 'GET', '/api/v1/subscriptions', { token: t.consumer.token });
    expect(list.body.map((s: { id: string }) => s.id)).toContain(created.id);
    expect((await api(t, 'GET', `/api/v1/subscriptions/${created.id}`, { token: housing.token })).status).toBe(403);
    expect((await api(t, 'DELETE', `/api/v1/subscriptions/${created.id}`, { token: housing.token })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/subscriptions/${created.id}`, { token: t.coordinator.token })).status).toBe(200);
    expect((await api(t, 'DELETE', `/api/v1/subscriptions/${created.id}`, { token: t.consumer.token })).status).toBe(204);
    expect((await api(t, 'GET', `/api/v1/subscriptions/${created.id}`, { token: t.consumer.token })).body.status).toBe('deleted');
  });

  it('amending a license delivers a signed CloudEvent carrying only the granted fields', async () => {
    const hook = await receiver();
    const body = request();
    const subscription = await subscribe(t.consumer, hook.url, [body.holder.code]);
    const license = await issueNow(body);
    const amended = await change(license.identifier, 'amend', { data: { domicile: '山东省济南市历下区经十路100号' }, reason: '住所变更' });
    expect(amended.status).toBe(200);

    await eventually(() => hook.accepted().length >= 2, 'two deliveries');
    const [issued, amendedEvent] = hook.accepted();
    for (const r of [issued, amendedEvent]) {
      expect(r.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      await verifyDelivery(t, r);
    }
    expect(issued.json.type).toBe('cn.gov.certbridge.license.issued');
    expect(amendedEvent.json).toMatchObject({
      specversion: '1.0',
      type: 'cn.gov.certbridge.license.amended',
      source: `${t.url}/api/v1/licenses`,
      subject: amended.body.identifier,
      datacontenttype: 'application/json',
      data: {
        subscriptionId: subscription.id,
        resourceId: 'business-license',
        identifier: amended.body.identifier,
        version: 2,
        status: 'valid',
        reason: '住所变更',
        holderCode: body.holder.code,
        fields: { name: license.data.name, domicile: '山东省济南市历下区经十路100号' },
      },
    });
    expect(typeof amendedEvent.json.id).toBe('string');
    expect(Date.parse(amendedEvent.json.time)).not.toBeNaN();
    // The credential inside verifies against the issuer's key and discloses exactly the granted fields.
    const { disclosed } = await verifyAsConsumer(t, amendedEvent.json.data.credential);
    expect(disclosed).toEqual(amendedEvent.json.data.fields);
    expect(amendedEvent.body).not.toContain(String(license.data.legalRepresentative));
    expect(amendedEvent.body).not.toContain(String(license.data.businessScope));

    // A tampered body fails the signature check.
    await expect(verifyDelivery(t, { ...amendedEvent, body: amendedEvent.body.replace('住所变更', '住所变动') })).rejects.toThrow();

    // The receiver answered; the deliverer records that right after.
    const deliveries = await eventually(async () => {
      const list = await api(t, 'GET', `/api/v1/subscriptions/${subscription.id}/deliveries`, { token: t.consumer.token });
      return list.body.every((d: { status: string }) => d.status === 'delivered') ? list : undefined;
    }, 'delivered statuses');
    expect(deliveries.body.map((d: { status: string; type: string }) => [d.type, d.status])).toEqual([
      ['cn.gov.certbridge.license.amended', 'delivered'],
      ['cn.gov.certbridge.license.issued', 'delivered'],
    ]);
    // Each delivery is an access: recorded with who, what and why.
    const records = await deliveryAccessRecords(t.platform.store, body.holder.code);
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.every((r) => r.basis === 'subscription' && [...r.fields].sort().join() === 'domicile,name')).toBe(true);
  });

  it('retries a failing receiver with backoff until it succeeds', async () => {
    const hook = await receiver(({ count }) => (count <= 2 ? 503 : 200));
    const body = request();
    const subscription = await subscribe(t.consumer, hook.url, [body.holder.code]);
    await issueNow(body);
    await eventually(() => hook.accepted().length === 1, 'the third attempt to succeed');
    expect(hook.received.map((r) => r.answered)).toEqual([503, 503, 200]);
    expect(new Set(hook.received.map((r) => r.json.id)).size).toBe(1);
    expect(hook.received.map((r) => r.headers['x-certbridge-attempt'])).toEqual(['1', '2', '3']);
    const delivery = await eventually(async () => {
      const [d] = (await api(t, 'GET', `/api/v1/subscriptions/${subscription.id}/deliveries`, { token: t.consumer.token })).body;
      return d.status === 'delivered' ? d : undefined;
    }, 'the delivered status');
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    const detail = await api(t, 'GET', `/api/v1/subscriptions/${subscription.id}/deliveries/${delivery.id}`, { token: t.consumer.token });
    expect(detail.body.history.map((h: { status: number }) => h.status)).toEqual([503, 503, 200]);
  });

  it('dead-letters after the last attempt, and redelivers on request', async () => {
    let healthy = false;
    const hook = await receiver(() => (healthy ? 204 : 500));
    const body = request();
    const subscription = await subscribe(t.consumer, hook.url, [body.holder.code]);
    await issueNow(body);
    const path = `/api/v1/subscriptions/${subscription.id}/deliveries`;
    const dead = await eventually(async () => {
      const list = (await api(t, 'GET', `${path}?status=dead`, { token: t.consumer.token })).body;
      return list.length === 1 ? list[0] : undefined;
    }, 'a dead letter');
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(hook.received).toHaveLength(3);

    const stranger = await api(t, 'POST', `${path}/${dead.id}/redeliver`, { token: t.otherIssuer.token });
    expect(stranger.status).toBe(403);
    healthy = true;
    const again = await api(t, 'POST', `${path}/${dead.id}/redeliver`, { token: t.consumer.token });
    expect(again.status).toBe(202);
    expect(again.body.status).toBe('pending');
    await eventually(() => hook.accepted().length === 1, 'the redelivery');
    expect(hook.accepted()[0].json.id).toBe(hook.received[0].json.id);
    const done = await eventually(async () => {
      const d = (await api(t, 'GET', `${path}/${dead.id}`, { token: t.consumer.token })).body;
      return d.status === 'delivered' ? d : undefined;
    }, 'delivered status');
    expect(done.history.map((h: { status: number }) => h.status)).toEqual([500, 500, 500, 204]);
    const twice = await api(t, 'POST', `${path}/${dead.id}/redeliver`, { token: t.consumer.token });
    expect(twice.status).toBe(202);
  });

  it('delivers the events of one license in order, even when an earlier one needs retries', async () => {
    // The first delivery (issued) fails twice: nothing later of this license may overtake it.
    const hook = await receiver(({ count }) => (count <= 2 ? 500 : 204));
    const body = request();
    await subscribe(t.consumer, hook.url, [body.holder.code]);
    const license = await issueNow(body);
    await change(license.identifier, 'amend', { data: { registeredCapital: '300万元人民币' }, reason: '增资' });
    const v2 = (await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token })).body.identifier;
    await change(v2, 'amend', { data: { domicile: '山东省青岛市市南区香港中路1号' }, reason: '迁址' });
    await change(v2, 'suspend', { reason: '歇业' });
    await change(v2, 'reinstate', { reason: '恢复营业' });
    await change(v2, 'revoke', { reason: '吊销' });
    await eventually(() => hook.accepted().length === 6, 'six deliveries');
    const types = (rs: typeof hook.received) => rs.map((r) => r.json.type.replace('cn.gov.certbridge.license.', ''));
    expect(types(hook.accepted())).toEqual(['issued', 'amended', 'amended', 'suspended', 'reinstated', 'revoked']);
    // Every attempt, failed or not, came in order too.
    expect(types(hook.received)).toEqual(['issued', 'issued', 'issued', 'amended', 'amended', 'suspended', 'reinstated', 'revoked']);
    expect(hook.accepted().map((r) => r.json.data.version)).toEqual([1, 2, 3, 3, 3, 3]);
    expect(hook.accepted().at(-1)!.json.data.status).toBe('revoked');
  });

  it('writes outbox rows only for changes that commit, and stops after the subscription is deleted or the agreement revoked', async () => {
    const before = Number((await t.platform.store.query<{ n: number }>('select count(*)::int as n from outbox')).rows[0].n);
    await t.platform.store
      .transaction(async (tx) => {
        await t.platform.events.publish(tx, [
          licenseEvent('amended', { identifier: '1.2.156.x.001.A', typeKey: 'business-license', holderCode: 'X', version: 1, issuerCode: 'I', status: 'valid' }, 'test'),
        ]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(Number((await t.platform.store.query<{ n: number }>('select count(*)::int as n from outbox')).rows[0].n)).toBe(before);

    const police = await addDepartment(t, '山东省公安厅', 'Shandong Public Security', ['consumer']);
    const grant = await agreement(t, police, { purpose: 'public-security', fields: ['name'] });
    const hook = await receiver();
    const body = request();
    const subscription = await subscribe(police, hook.url, [body.holder.code]);
    const license = await issueNow(body);
    await eventually(() => hook.accepted().length === 1, 'the issued event');
    expect(Object.keys(disclosures(hook.accepted()[0].json.data.credential))).toEqual(['name']);

    await api(t, 'POST', `/api/v1/agreements/${grant.id}/revoke`, { token: t.issuer.token, body: { reason: '到期前终止' } });
    await change(license.identifier, 'suspend', { reason: '歇业' });
    const dropped = await eventually(async () => {
      const list = (await api(t, 'GET', `/api/v1/subscriptions/${subscription.id}/deliveries?status=dropped`, { token: police.token })).body;
      return list.length === 1 ? list[0] : undefined;
    }, 'a dropped delivery');
    expect(dropped.lastError).toContain('no-agreement');
    expect(hook.received).toHaveLength(1);

    const hook2 = await receiver();
    const body2 = request();
    const sub2 = await subscribe(t.consumer, hook2.url, [body2.holder.code]);
    await api(t, 'DELETE', `/api/v1/subscriptions/${sub2.id}`, { token: t.consumer.token });
    await issueNow(body2);
    const rows = await t.platform.store.query('select 1 from outbox where subscription_id = $1', [sub2.id]);
    expect(rows.rows).toHaveLength(0);
  });
});

describe('a subscription is delivered under one agreement', () => {
  it('red team: an integrator with agreements for two purposes must name one, and each event carries exactly that grant (not the union)', async () => {
    const integrator = await addDepartment(t, '山东省不动产登记中心', 'Shandong Real Estate Registry', ['consumer']);
    const tax = await agreement(t, integrator, { purpose: 'tax-administration', fields: ['name', 'registeredCapital', 'establishedOn'] });
    const police = await agreement(t, integrator, { purpose: 'public-security', fields: ['name', 'domicile', 'legalRepresentative'] });
    const hook = await receiver();
    const body = request();

    const unbound = await api(t, 'POST', '/api/v1/subscriptions', { token: integrator.token, body: { resourceId: 'business-license', callbackUrl: hook.url, holders: [body.holder.code] } });
    expect(unbound.status, JSON.stringify(unbound.body)).toBe(400);
    expect(unbound.body).toMatchObject({ code: 'purpose-required', field: '/purpose' });
    expect(unbound.body.purposes.sort()).toEqual(['public-security', 'tax-administration']);

    const byPurpose = await api(t, 'POST', '/api/v1/subscriptions', {
      token: integrator.token,
      body: { resourceId: 'business-license', callbackUrl: hook.url, holders: [body.holder.code], purpose: 'tax-administration' },
    });
    expect(byPurpose.status, JSON.stringify(byPurpose.body)).toBe(201);
    expect(byPurpose.body).toMatchObject({ purpose: 'tax-administration', agreementId: null });
    expect(byPurpose.body.fields.sort()).toEqual(['establishedOn', 'name', 'registeredCapital']);
    const byAgreement = await api(t, 'POST', '/api/v1/subscriptions', {
      token: integrator.token,
      body: { resourceId: 'business-license', callbackUrl: hook.url, holders: [body.holder.code], agreementId: police.id },
    });
    expect(byAgreement.status, JSON.stringify(byAgreement.body)).toBe(201);
    expect(byAgreement.body).toMatchObject({ purpose: 'public-security', agreementId: police.id });
    const mismatch = await api(t, 'POST', '/api/v1/subscriptions', {
      token: integrator.token,
      body: { resourceId: 'business-license', callbackUrl: hook.url, agreementId: police.id, purpose: 'tax-administration' },
    });
    expect(mismatch.body).toMatchObject({ status: 400, field: '/purpose' });
    const foreign = await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'business-license', callbackUrl: hook.url, agreementId: police.id } });
    expect(foreign.body).toMatchObject({ status: 403, code: 'no-agreement', field: '/agreementId' });

    await issueNow(body);
    await eventually(() => hook.accepted().length >= 2, 'one event per subscription');
    const bySubscription = new Map(hook.accepted().map((r) => [r.json.data.subscriptionId as string, r.json.data]));
    expect(Object.keys(bySubscription.get(byPurpose.body.id).fields).sort()).toEqual(['establishedOn', 'name', 'registeredCapital']);
    expect(Object.keys(disclosures(bySubscription.get(byPurpose.body.id).credential)).sort()).toEqual(['establishedOn', 'name', 'registeredCapital']);
    expect(Object.keys(bySubscription.get(byAgreement.body.id).fields).sort()).toEqual(['domicile', 'legalRepresentative', 'name']);
    // The access record names the one agreement and purpose each event left under.
    const records = await eventually(async () => {
      const found = (await deliveryAccessRecords(t.platform.store, body.holder.code)).filter((r) => r.department_code === integrator.department.code);
      return found.length >= 2 ? found : undefined;
    }, 'the access records of the deliveries');
    expect(records.map((r) => [r.purpose, r.basis_ids[1]]).sort()).toEqual([
      ['public-security', police.id],
      ['tax-administration', tax.id],
    ]);
  });
});

describe('department webhooks', () => {
  it('are set by the department or the coordination office, and receive its notifications as signed CloudEvents', async () => {
    const hook = await receiver();
    const path = `/api/v1/departments/${t.issuer.department.code}/webhook`;
    expect((await api(t, 'PUT', path, { token: t.consumer.token, body: { url: hook.url } })).status).toBe(403);
    expect((await api(t, 'GET', path, { token: t.issuer.token })).body.code).toBe('webhook-not-configured');
    const set = await api(t, 'PUT', path, { token: t.issuer.token, body: { url: hook.url } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ department: t.issuer.department.code, url: hook.url, updatedBy: t.issuer.clientId });
    expect((await api(t, 'GET', path, { token: t.coordinator.token })).body.url).toBe(hook.url);

    // A new request for the issuer's resource notifies the issuer (the owner).
    const hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'social-insurance', fields: ['name'] }) });
    expect(submitted.status).toBe(201);
    const delivered = await eventually(() => hook.accepted().find((r) => r.json.data.agreementId === submitted.body.id), 'the notification');
    await verifyDelivery(t, delivered);
    expect(delivered.json).toMatchObject({
      specversion: '1.0',
      type: 'cn.gov.certbridge.notification.created',
      source: `${t.url}/api/v1/notifications`,
      data: { department: t.issuer.department.code, agreementId: submitted.body.id },
    });
    expect(typeof delivered.json.data.title).toBe('string');

    await eventually(async () => (await api(t, 'GET', `${path}/deliveries`, { token: t.issuer.token })).body.some((d: { status: string }) => d.status === 'delivered'), 'a delivered webhook call');
    expect((await api(t, 'GET', `${path}/deliveries`, { token: hrss.token })).status).toBe(403);

    expect((await api(t, 'DELETE', path, { token: t.issuer.token })).status).toBe(204);
    expect((await api(t, 'GET', path, { token: t.issuer.token })).status).toBe(404);
  });
});
