/**
 * Practice mode (练习模式): a person switches into a practice copy of their department, acts there
 * with their role through the ordinary API, resets it, switches out — and nothing real changes:
 * not their real department's licenses, agreements or audit entries, not the real registry, catalog
 * or department list, not the exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { isPracticeCode } from '../../src/platform/practiceCodes.ts';
import { checkChanges } from '../../src/quality/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { auditEntries, browser, person, type Browser } from '../people/support.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

/** What the real department has: its licenses, its agreements, its audit entries. */
async function realCounts(department: string): Promise<Record<string, number>> {
  const count = async (sql: string) => Number((await t.platform.store.query<{ n: string }>(sql, [department])).rows[0].n);
  return {
    licenses: await count('select count(*) as n from licenses where issuer_code = $1'),
    agreements: await count('select count(*) as n from agreements where owner_department = $1 or consumer_department = $1'),
    audit: (await loggedEntries(t.platform.store)).filter((e) => e.entry.facts?.department === department).length,
    departments: await count("select count(*) as n from departments where code <> $1 and substr(code, 5, 4) <> '9999'"),
    catalog: await count("select count(*) as n from catalog_resources where owner_department <> $1 and substr(owner_department, 5, 4) <> '9999'"),
  };
}

async function signedIn(role: 'issuer' | 'consumer' | 'coordinator'): Promise<{ b: Browser; username: string }> {
  const of = role === 'issuer' ? t.issuer : role === 'consumer' ? t.consumer : t.coordinator;
  const account = await person(t, of, role, `练习 ${role}`);
  const b = browser(t);
  expect((await b.signIn(account.username, account.password)).status).toBe(200);
  return { b, username: account.username };
}

describe('switching practice mode on and off', () => {
  it('seeds a copy the first time, makes the session act for it, and is recorded under the person with practice: true', async () => {
    const { b, username } = await signedIn('issuer');
    const before = await b.request('GET', '/api/v1/session/practice');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ practice: false, copy: null });

    const on = await b.request('POST', '/api/v1/session/practice', { body: { on: true } });
    expect(on.status).toBe(200);
    expect(on.body.practice).toBe(true);
    const copy = on.body.copy;
    expect(copy.departments).toHaveLength(3);
    expect(copy.departments.every((d: { code: string }) => isPracticeCode(d.code))).toBe(true);
    expect(copy.departments.find((d: { own: boolean }) => d.own)).toMatchObject({ role: 'issuer', code: copy.departmentCode });
    expect(copy.enterprises).toHaveLength(20);
    expect(copy.enterprises.every((e: { holderCode: string }) => isPracticeCode(e.holderCode))).toBe(true);

    const session = await b.request('GET', '/api/v1/session');
    expect(session.body.principal).toMatchObject({ kind: 'person', username, practice: true, departmentCode: copy.departmentCode });
    expect(session.body.principal.departmentName).toContain('练习');

    // The registry is the copy's: its seeded licenses, none real.
    const registry = await b.request('GET', '/api/v1/licenses?limit=200');
    expect(registry.status).toBe(200);
    expect(registry.body.items).toHaveLength(12);
    expect(registry.body.items.every((l: { holderCode: string }) => isPracticeCode(l.holderCode))).toBe(true);

    const off = await b.request('POST', '/api/v1/session/practice', { body: { on: false } });
    expect(off.body.practice).toBe(false);
    expect(off.body.copy.serial).toBe(copy.serial);
    const real = await b.request('GET', '/api/v1/session');
    expect(real.body.principal).toMatchObject({ practice: false, departmentCode: t.issuer.department.code });
    const realRegistry = await b.request('GET', '/api/v1/licenses?limit=200');
    expect(realRegistry.body.items.every((l: { holderCode: string }) => !isPracticeCode(l.holderCode))).toBe(true);

    const started = (await auditEntries(t, 'practice.started')).filter((e) => e.actor === `person:${username}`);
    const ended = (await auditEntries(t, 'practice.ended')).filter((e) => e.actor === `person:${username}`);
    expect(started).toHaveLength(1);
    expect(ended).toHaveLength(1);
    expect(started[0].facts.department).toBe(t.issuer.department.code);
    expect(started[0].data).toMatchObject({ practice: true, username, serial: copy.serial });
  });

  it('is a property of the session: another sign-in of the same person, and the next one, start in real work', async () => {
    const of = t.issuer;
    const account = await person(t, of, 'issuer', '练习 会话');
    const first = browser(t);
    const second = browser(t);
    expect((await first.signIn(account.username, account.password)).status).toBe(200);
    expect((await second.signIn(account.username, account.password)).status).toBe(200);
    expect((await first.request('POST', '/api/v1/session/practice', { body: { on: true } })).body.practice).toBe(true);
    expect((await first.request('GET', '/api/v1/session')).body.principal).toMatchObject({ practice: true });
    // The other session (another browser) stays in real work, and says so.
    expect((await second.request('GET', '/api/v1/session')).body.principal).toMatchObject({ practice: false, departmentCode: of.department.code });
    expect((await second.request('GET', '/api/v1/session/practice')).body.practice).toBe(false);
    // Signed out and in again: real work, whatever the last session was doing.
    expect((await first.request('DELETE', '/api/v1/session')).status).toBe(204);
    const again = await first.signIn(account.username, account.password);
    expect(again.body.principal).toMatchObject({ practice: false, departmentCode: of.department.code });
    expect((await first.request('GET', '/api/v1/session')).body.principal).toMatchObject({ practice: false });
  });

  it('needs the CSRF token of the session, and a person (a system has no practice mode)', async () => {
    const { b } = await signedIn('consumer');
    expect((await b.request('POST', '/api/v1/session/practice', { body: { on: true }, csrf: false })).status).toBe(403);
    const system = await api(t, 'POST', '/api/v1/session/practice', { token: t.issuer.token, body: { on: true } });
    expect(system.status).toBe(403);
  });
});

describe('acting in practice changes nothing real', () => {
  it('an issuer issues, approves and is refused everything outside the copy', async () => {
    const { b } = await signedIn('issuer');
    // A real license of the real department, for the refusal below.
    const realLicense = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(realLicense.status).toBe(201);
    const copy = (await b.request('POST', '/api/v1/session/practice', { body: { on: true } })).body.copy;
    const before = await realCounts(t.issuer.department.code);

    // Issue to one of the copy's enterprises without a license.
    const target = copy.enterprises.find((e: { seededLicense: boolean }) => !e.seededLicense);
    const issued = await b.request('POST', '/api/v1/licenses', { body: { ...licenseRequest({ name: target.name }), holder: { code: target.holderCode } } });
    expect(issued.status).toBe(201);
    expect(issued.body.issuerCode ?? issued.body.issuer?.code).toBe(copy.departmentCode);

    // Not to a real enterprise — refused before anything tells whether it holds a license (it said 409 license-exists).
    const outside = await b.request('POST', '/api/v1/licenses', { body: licenseRequest() });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('practice-boundary');
    const holding = await b.request('POST', '/api/v1/licenses', { body: { ...licenseRequest(), holder: { code: realLicense.body.holder.code } } });
    expect(holding.status, JSON.stringify(holding.body)).toBe(403);
    expect(holding.body).toMatchObject({ code: 'practice-boundary', detail: outside.body.detail.replace(/[0-9A-Z]{18}/, realLicense.body.holder.code) });

    // The real department's license cannot be read or revoked from practice.
    const identifier = realLicense.body.identifier;
    expect((await b.request('GET', `/api/v1/licenses/${identifier}`)).status).toBe(403);
    expect((await b.request('POST', `/api/v1/licenses/${identifier}/revoke`, { body: { reason: '练习' } })).status).toBe(403);

    // The queue holds the copy's request only; approving it is the copy's business.
    const queue = await b.request('GET', '/api/v1/agreements?limit=100');
    expect(queue.status).toBe(200);
    expect(queue.body.items.length).toBeGreaterThan(0);
    expect(queue.body.items.every((a: { ownerDepartment: string; consumerDepartment: string }) => isPracticeCode(a.ownerDepartment) && isPracticeCode(a.consumerDepartment))).toBe(true);
    const pending = queue.body.items.find((a: { status: string }) => a.status === 'submitted');
    const approved = await b.request('POST', `/api/v1/agreements/${pending.id}/decision`, { body: { decision: 'approve', reason: '练习：同意' } });
    expect(approved.status).toBe(200);

    // The office's view of everything stays real.
    expect(await realCounts(t.issuer.department.code)).toEqual(before);
    const office = await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.coordinator.token });
    expect(office.body.items.some((l: { issuerCode?: string; holderCode: string }) => isPracticeCode(l.holderCode))).toBe(false);
    const agreements = await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.coordinator.token });
    expect(agreements.body.items.some((a: { ownerDepartment: string }) => isPracticeCode(a.ownerDepartment))).toBe(false);
    const departments = await api(t, 'GET', '/api/v1/departments', { token: t.coordinator.token });
    expect(departments.body.some((d: { code: string }) => isPracticeCode(d.code))).toBe(false);
    const catalog = await api(t, 'GET', '/api/v1/catalog?limit=200', { token: t.consumer.token });
    expect(catalog.body.items.some((r: { ownerDepartment: string }) => isPracticeCode(r.ownerDepartment))).toBe(false);

    // Quality: the copy's licenses have findings (a practice code's division is no prefecture), never in the office's list or totals.
    await sequence(t.platform);
    await checkChanges(t.platform, systemPrincipal('quality'));
    const practiceFindings = await t.platform.store.query("select 1 from quality_findings where substr(department, 5, 4) = '9999'");
    expect(practiceFindings.rows.length).toBeGreaterThan(0);
    const officeFindings = await api(t, 'GET', '/api/v1/quality/findings?limit=200', { token: t.coordinator.token });
    expect(officeFindings.status).toBe(200);
    expect(officeFindings.body.items.some((f: { department: string }) => isPracticeCode(f.department))).toBe(false);
    const totals = await api(t, 'GET', '/api/v1/quality/scores', { token: t.coordinator.token });
    const real = await t.platform.store.query<{ n: number }>("select count(*)::int as n from quality_checked where substr(department, 5, 4) <> '9999'");
    expect(totals.body.licenses).toBe(real.rows[0].n);
  });

  it('a consumer requests in the copy only, and a real consumer cannot ask for a practice resource', async () => {
    const { b } = await signedIn('consumer');
    const copy = (await b.request('POST', '/api/v1/session/practice', { body: { on: true } })).body.copy;
    const before = await realCounts(t.consumer.department.code);

    const catalog = await b.request('GET', '/api/v1/catalog?limit=200');
    expect(catalog.status).toBe(200);
    expect(catalog.body.items.map((r: { id: string }) => r.id).sort()).toEqual([copy.resources.licenses, copy.resources.reports].sort());

    const request = {
      purpose: 'tax-administration',
      purposeDescription: '练习：核对企业年报。',
      legalBasis: '练习',
      fields: ['creditCode', 'reportYear'],
      expectedDailyVolume: 10,
      validUntil: `${new Date().getUTCFullYear() + 1}-12-31`,
    };
    const asked = await b.request('POST', '/api/v1/agreements', { body: { ...request, resourceId: copy.resources.reports } });
    expect(asked.status).toBe(201);
    // A real resource is out of reach from practice …
    const real = await b.request('POST', '/api/v1/agreements', { body: { ...request, resourceId: 'tax-credit-rating', fields: ['name'] } });
    expect([403, 404]).toContain(real.status);
    expect(await realCounts(t.consumer.department.code)).toEqual(before);

    // … and a practice resource out of reach of a real department.
    const intruder = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: { ...request, resourceId: copy.resources.licenses, fields: ['name'] } });
    expect(intruder.status).toBe(403);
    // Nor does the exchange serve a practice license to a real consumer.
    const lookup = await api(t, 'GET', `/api/v1/exchange/licenses/${copy.enterprises[0].holderCode}?type=business-license`, { token: t.consumer.token, headers: { 'x-purpose': 'tax-administration' } });
    expect(lookup.status).not.toBe(200);
  });
});

describe('reset', () => {
  it('starts the copy over: a fresh copy, without what was done in the old one', async () => {
    const { b, username } = await signedIn('issuer');
    const first = (await b.request('POST', '/api/v1/session/practice', { body: { on: true } })).body.copy;
    const target = first.enterprises.find((e: { seededLicense: boolean }) => !e.seededLicense);
    expect((await b.request('POST', '/api/v1/licenses', { body: { ...licenseRequest(), holder: { code: target.holderCode } } })).status).toBe(201);
    expect((await b.request('GET', '/api/v1/licenses?limit=200')).body.items).toHaveLength(13);
    const before = await realCounts(t.issuer.department.code);

    const reset = await b.request('POST', '/api/v1/session/practice/reset', { body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.practice).toBe(true);
    expect(reset.body.copy.serial).not.toBe(first.serial);
    expect(reset.body.copy.departmentCode).not.toBe(first.departmentCode);
    const session = await b.request('GET', '/api/v1/session');
    expect(session.body.principal.departmentCode).toBe(reset.body.copy.departmentCode);
    const registry = await b.request('GET', '/api/v1/licenses?limit=200');
    expect(registry.body.items).toHaveLength(12);
    expect(registry.body.items.some((l: { holderCode: string }) => l.holderCode === target.holderCode)).toBe(false);
    const resets = (await auditEntries(t, 'practice.reset')).filter((e) => e.actor === `person:${username}`);
    expect(resets).toHaveLength(1);
    expect(resets[0].data).toMatchObject({ practice: true, previousSerial: first.serial, serial: reset.body.copy.serial });
    expect(await realCounts(t.issuer.department.code)).toEqual({ ...before, audit: before.audit + 1 });
  });
});

describe('an enterprise in practice mode', () => {
  const PASSWORD = 'enterprise password 1';

  it("acts as its copy's example enterprise: sees and objects to the practice license only, reaches nothing real, and the real objections are unchanged", async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(issued.status).toBe(201);
    const holderCode = issued.body.holder.code as string;
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode, password: PASSWORD } })).status).toBe(201);
    const b = browser(t);
    expect((await b.signIn(holderCode, PASSWORD)).status).toBe(200);
    expect((await b.request('GET', '/api/v1/session')).body.principal).toMatchObject({ kind: 'holder', holderCode, practice: false });
    const realObjections = (await b.request('GET', '/api/v1/objections')).body.items.length;

    const on = await b.request('POST', '/api/v1/session/practice', { body: { on: true } });
    expect(on.status).toBe(200);
    expect(on.body.practice).toBe(true);
    const example = on.body.copy.holderCode as string;
    expect(isPracticeCode(example)).toBe(true);
    expect(on.body.copy.departments.every((d: { code: string; own: boolean }) => isPracticeCode(d.code) && !d.own)).toBe(true);
    const session = (await b.request('GET', '/api/v1/session')).body.principal;
    expect(session).toMatchObject({ kind: 'holder', holderCode: example, practice: true });
    expect(session.name).toContain('练习');

    // Its licenses are the example enterprise's: one, issued by the copy's issuer.
    const held = await b.request('GET', `/api/v1/holders/${example}/licenses`);
    expect(held.status).toBe(200);
    expect(held.body).toHaveLength(1);
    expect(isPracticeCode(held.body[0].issuer?.code ?? held.body[0].issuerCode)).toBe(true);
    // Nothing real: its own real licenses, another's, granting (it would name real departments), the real account's password.
    expect((await b.request('GET', `/api/v1/holders/${holderCode}/licenses`)).status).toBe(403);
    expect((await b.request('GET', `/api/v1/licenses/${encodeURIComponent(issued.body.identifier)}`)).status).not.toBe(200);
    const grant = await b.request('POST', `/api/v1/holders/${example}/authorisations`, {
      body: { grantee: { department: t.consumer.department.code }, purpose: 'tax-administration', fields: ['name'], validUntil: '2099-01-01' },
    });
    expect(grant.status).toBe(403);
    expect((await b.request('POST', `/api/v1/holders/${example}/password`, { body: { currentPassword: PASSWORD, newPassword: 'another password 22' } })).status).toBe(403);
    expect((await b.request('GET', '/api/v1/objections')).body.items).toHaveLength(0);

    // An objection in practice: to the copy's license, listed in practice only.
    const objected = await b.request('POST', '/api/v1/objections', { body: { licenseIdentifier: held.body[0].identifier, fields: ['domicile'], reason: '练习：住所有误' } });
    expect(objected.status).toBe(201);
    expect(isPracticeCode(objected.body.issuerCode)).toBe(true);
    expect((await b.request('GET', '/api/v1/objections')).body.items).toHaveLength(1);

    // A reset: a fresh copy, another example enterprise, without the objection.
    const reset = await b.request('POST', '/api/v1/session/practice/reset', { body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.copy.holderCode).not.toBe(example);
    expect(isPracticeCode(reset.body.copy.holderCode)).toBe(true);
    expect((await b.request('GET', '/api/v1/session')).body.principal).toMatchObject({ holderCode: reset.body.copy.holderCode, practice: true });
    expect((await b.request('GET', '/api/v1/objections')).body.items).toHaveLength(0);

    // Off: the real enterprise, its real objections unchanged, the practice one not among them.
    expect((await b.request('POST', '/api/v1/session/practice', { body: { on: false } })).body.practice).toBe(false);
    expect((await b.request('GET', '/api/v1/session')).body.principal).toMatchObject({ holderCode, practice: false });
    const real = (await b.request('GET', '/api/v1/objections')).body.items;
    expect(real).toHaveLength(realObjections);
    expect(real.map((o: { id: string }) => o.id)).not.toContain(objected.body.id);
    expect((await api(t, 'GET', '/api/v1/objections?limit=100', { token: t.issuer.token })).body.items.map((o: { id: string }) => o.id)).not.toContain(objected.body.id);
    const started = (await auditEntries(t, 'practice.started')).filter((e) => e.actor === `holder:${holderCode}`);
    expect(started).toHaveLength(1);
  });

  it('is for the console: an access token of the enterprise has no practice mode', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const holderCode = issued.body.holder.code as string;
    await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode, password: PASSWORD } });
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password: PASSWORD } });
    expect((await api(t, 'POST', '/api/v1/session/practice', { token: login.body.access_token, body: { on: true } })).status).toBe(403);
  });
});

describe('the coordination office in practice mode', () => {
  it("decides its copy's appealed request; the real office never sees it", async () => {
    const { b } = await signedIn('coordinator');
    const on = await b.request('POST', '/api/v1/session/practice', { body: { on: true } });
    expect(on.status).toBe(200);
    const listed = await b.request('GET', '/api/v1/agreements?status=rejected&limit=100');
    expect(listed.status).toBe(200);
    const appealed = listed.body.items.filter((a: { appeal?: { status: string } }) => a.appeal?.status === 'pending');
    expect(appealed).toHaveLength(1);
    expect(isPracticeCode(appealed[0].ownerDepartment)).toBe(true);
    const decided = await b.request('POST', `/api/v1/agreements/${appealed[0].id}/appeal-decision`, { body: { decision: 'approve', reason: '练习：支持申诉', fields: appealed[0].requestedFields } });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('active');
    const real = await api(t, 'GET', '/api/v1/agreements?limit=200', { token: t.coordinator.token });
    expect(real.body.items.map((a: { id: string }) => a.id)).not.toContain(appealed[0].id);
  });
});
