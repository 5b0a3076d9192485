import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/platform/events.ts';
import { addDepartment, catalogBusinessLicense, disclosures, issue, lookup, verifyAsConsumer, batch } from '../exchange/support.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform, OPERATOR } from '../support/platform.ts';

let t: TestPlatform;
let bank: TestClient;
let bankOther: TestClient;
const events: { type: string; committedWithRow: boolean }[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  bank = await addDepartment(t, '中国工商银行股份有限公司山东省分行', 'ICBC Shandong', ['consumer']);
  // A second system of the bank's department.
  const { createClient } = await import('../../src/departments/index.ts');
  const other = await createClient(t.platform, OPERATOR, { departmentCode: bank.department.code, roles: ['consumer'] });
  bankOther = { ...bank, clientId: other.clientId, clientSecret: other.clientSecret, token: (await t.platform.tokens.issue(other)).accessToken };
  t.platform.events.on('authorisation.', async (tx, published: readonly DomainEvent[]) => {
    for (const e of published) {
      const row = await tx.query('select 1 from holder_authorisations where id = $1', [e.subject]);
      events.push({ type: e.type, committedWithRow: row.rows.length === 1 });
    }
  });
});
afterAll(() => t.close());

const PASSWORD = 'correct horse battery';

async function holderWithAccount() {
  const license = await issue(t);
  const code = license.holder.code;
  const created = await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: code, password: PASSWORD } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: PASSWORD } });
  expect(login.status).toBe(200);
  return { code, license, token: login.body.access_token as string };
}

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

describe('holder accounts', () => {
  it('are opened by the issuing department or the coordination office, never by others', async () => {
    const license = await issue(t);
    const body = { holderCode: license.holder.code, password: PASSWORD };
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.otherIssuer.token, body })).status).toBe(403);
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.consumer.token, body })).status).toBe(403);
    const created = await api(t, 'POST', '/api/v1/holders/accounts', { token: t.coordinator.token, body });
    expect(created.status).toBe(201);
    expect(created.body.holderCode).toBe(license.holder.code);
    const again = await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('holder-account-exists');
    const stored = await t.platform.store.query<{ password_hash: string }>('select password_hash from holder_accounts where holder_code = $1', [license.holder.code]);
    expect(stored.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(stored.rows[0].password_hash).not.toContain(PASSWORD);
  });

  it('sign in with holder code and password, and refuse a wrong one', async () => {
    const { code, token } = await holderWithAccount();
    expect(token.split('.')).toHaveLength(3);
    const principal = await t.platform.tokens.verify(token);
    expect(principal).toMatchObject({ kind: 'holder', holderCode: code });
    const wrong = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: 'wrong password!!' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid-credentials');
    const unknown = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: '91350100M000100Y43', password: PASSWORD } });
    expect(unknown.status).toBe(401);
    const weak = await api(t, 'POST', '/api/v1/holders/accounts', { token: t.coordinator.token, body: { holderCode: code, password: 'short' } });
    expect(weak.status).toBe(400);
  });

  it('change their own password', async () => {
    const { code, token } = await holderWithAccount();
    const changed = await api(t, 'POST', `/api/v1/holders/${code}/password`, { token, body: { currentPassword: PASSWORD, newPassword: 'an even better passphrase' } });
    expect(changed.status).toBe(204);
    expect((await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: PASSWORD } })).status).toBe(401);
    expect((await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: 'an even better passphrase' } })).status).toBe(200);
  });
});

describe('authorisations (授权)', () => {
  it('are granted, listed and revoked by the holder only, with events in the same transaction', async () => {
    const { code, token } = await holderWithAccount();
    const body = { grantee: { department: bank.department.code }, purpose: 'bank-account-opening', fields: ['name', 'legalRepresentative'], validUntil: inAYear() };
    const granted = await api(t, 'POST', `/api/v1/holders/${code}/authorisations`, { token, body });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body).toMatchObject({ holderCode: code, type: 'business-license', purpose: 'bank-account-opening', status: 'active', grantee: { department: bank.department.code } });
    // valid through the whole named day, Asia/Shanghai
    expect(granted.body.validUntil).toBe(new Date(`${inAYear()}T24:00:00+08:00`).toISOString());

    const other = await holderWithAccount();
    expect((await api(t, 'POST', `/api/v1/holders/${code}/authorisations`, { token: other.token, body })).status).toBe(403);
    expect((await api(t, 'POST', `/api/v1/holders/${code}/authorisations`, { token: bank.token, body })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/authorisations`, { token: other.token })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/authorisations`, { token: bank.token })).status).toBe(403);

    const list = await api(t, 'GET', `/api/v1/holders/${code}/authorisations`, { token });
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([granted.body.id]);
    const oversight = await api(t, 'GET', `/api/v1/holders/${code}/authorisations`, { token: t.coordinator.token });
    expect(oversight.status).toBe(200);

    expect((await api(t, 'POST', `/api/v1/holders/${code}/authorisations/${granted.body.id}/revoke`, { token: other.token, body: {} })).status).toBe(403);
    const revoked = await api(t, 'POST', `/api/v1/holders/${code}/authorisations/${granted.body.id}/revoke`, { token, body: { reason: '业务结束' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedReason: '业务结束' });
    expect((await api(t, 'POST', `/api/v1/holders/${code}/authorisations/${granted.body.id}/revoke`, { token, body: {} })).body.code).toBe('authorisation-revoked');
    expect((await api(t, 'DELETE', `/api/v1/holders/${code}/authorisations/${granted.body.id}`, { token })).status).toBe(204);

    const mine = events.filter((e) => e.type.startsWith('authorisation.'));
    expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['authorisation.granted', 'authorisation.revoked']));
    expect(mine.every((e) => e.committedWithRow)).toBe(true);
  });

  it('refuse what is not a real purpose, field, grantee or date', async () => {
    const { code, token } = await holderWithAccount();
    const base = { grantee: { department: bank.department.code }, purpose: 'bank-account-opening', validUntil: inAYear() };
    const post = (body: Record<string, unknown>) => api(t, 'POST', `/api/v1/holders/${code}/authorisations`, { token, body: { ...base, ...body } });
    expect((await post({ purpose: 'curiosity' })).body.code).toBe('unknown-purpose');
    expect((await post({ fields: ['name', 'salary'] })).body.code).toBe('unknown-field');
    expect((await post({ validUntil: '2001-01-01' })).body.field).toBe('/validUntil');
    expect((await post({ validUntil: 'next week' })).body.field).toBe('/validUntil');
    expect((await post({ grantee: { department: '11370000MB1234567X' } })).status).toBe(400);
    expect((await post({ grantee: { clientId: 'no-such-client' } })).body.code).toBe('client-not-found');
    expect((await post({ grantee: {} })).status).toBe(400);
    const all = await post({});
    expect(all.status).toBe(201);
    expect(all.body.fields).toContain('businessScope'); // default: every field of the type
  });
});

describe('the exchange under a holder authorisation', () => {
  it('answers without a department agreement, with exactly the authorised fields, and stops at revocation', async () => {
    const { code, token, license } = await holderWithAccount();
    const before = await lookup(t, bank, code, 'bank-account-opening');
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('no-agreement');
    expect(before.body).toMatchObject({ resourceId: 'business-license', purpose: 'bank-account-opening', department: bank.department.code });

    const granted = await api(t, 'POST', `/api/v1/holders/${code}/authorisations`, {
      token,
      body: { grantee: { department: bank.department.code }, purpose: 'bank-account-opening', fields: ['name', 'legalRepresentative'], validUntil: inAYear() },
    });
    const answer = await lookup(t, bank, code, 'bank-account-opening');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.basis).toEqual({ kind: 'authorisation', ids: [granted.body.id] });
    expect(answer.body.fields).toEqual({ name: license.data.name, legalRepresentative: license.data.legalRepresentative });
    const { disclosed, payload } = await verifyAsConsumer(t, answer.body.credential);
    expect(disclosed).toEqual(answer.body.fields);
    expect(payload.holderCode).toBe(code);
    expect(JSON.stringify(answer.body)).not.toContain(String(license.data.domicile));

    // Another purpose is not authorised; neither is another department.
    expect((await lookup(t, bank, code, 'credit-supervision')).body.code).toBe('no-agreement');
    expect((await lookup(t, t.consumer, code, 'bank-account-opening')).status).toBe(403);
    // Every system of the department benefits from a department-wide authorisation.
    expect((await lookup(t, bankOther, code, 'bank-account-opening')).status).toBe(200);

    await api(t, 'DELETE', `/api/v1/holders/${code}/authorisations/${granted.body.id}`, { token });
    expect((await lookup(t, bank, code, 'bank-account-opening')).status).toBe(403);
  });

  it('an authorisation for one system is for that system only; batches answer per holder', async () => {
    const a = await holderWithAccount();
    const b = await holderWithAccount();
    await api(t, 'POST', `/api/v1/holders/${a.code}/authorisations`, {
      token: a.token,
      body: { grantee: { clientId: bank.clientId }, purpose: 'bank-account-opening', fields: ['name'], validUntil: inAYear() },
    });
    expect((await lookup(t, bank, a.code, 'bank-account-opening')).status).toBe(200);
    expect((await lookup(t, bankOther, a.code, 'bank-account-opening')).status).toBe(403);

    const answer = await batch(t, bank, [a.code, b.code, 'not-a-code'], 'bank-account-opening');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.summary).toEqual({ found: 1, notFound: 0, invalid: 1, forbidden: 1 });
    const [first, second, third] = answer.body.results;
    expect(first).toMatchObject({ holderCode: a.code, result: 'found' });
    expect(Object.keys(disclosures(first.credential))).toEqual(['name']);
    expect(second).toMatchObject({ holderCode: b.code, result: 'forbidden', problem: { code: 'no-authorisation' } });
    expect(third).toMatchObject({ result: 'invalid' });
    // Nobody authorised: the whole call is refused.
    expect((await batch(t, bankOther, [b.code], 'bank-account-opening')).body.code).toBe('no-agreement');
  });
});
