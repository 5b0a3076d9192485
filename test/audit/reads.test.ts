/**
 * Reads by people are audit entries (finding 7 of the second outside test): an issuer's clerk
 * reading a license in full, its versions, searching the registry by holder or by name, an
 * evidence file; the coordination office reading a holder's authorisations, searching the audit
 * log for a holder's accesses, downloading a report, listing staff. Each is a `data.read`
 * entry under the reader's department, and — where it concerns a holder — in that holder's "who
 * used my data". A department's systems reading through the exchange are recorded there; the
 * holder reading its own data is not a use of it by anyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { agreement, catalogBusinessLicense, issue } from '../exchange/support.ts';
import { browser, person, type Browser } from '../people/support.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
let clerk: Browser;
let office: Browser;
beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative'] });
  clerk = browser(t);
  office = browser(t);
  const issuerPerson = await person(t, t.issuer, 'issuer', '王芳');
  const officePerson = await person(t, t.coordinator, 'coordinator', '张伟');
  expect((await clerk.signIn(issuerPerson.username, issuerPerson.password)).status).toBe(200);
  expect((await office.signIn(officePerson.username, officePerson.password)).status).toBe(200);
});
afterAll(() => t?.close());

async function readEntries(holderCode: string | null, reader: string) {
  await sequence(t.platform);
  const logged = await loggedEntries(t.platform.store, ['data.read']);
  return logged.map((e) => e.entry as any).filter((e) => (e.facts?.holderCode ?? null) === holderCode && e.actor === reader);
}

describe('reads by people are in the audit log', () => {
  it("an issuer's clerk reading a license, its versions, the registry by holder and an evidence file: each in the holder's access log", async () => {
    const license = await issue(t);
    const holder = license.holder.code;
    const objection = await api(t, 'POST', '/api/v1/objections', { token: t.consumer.token, body: { licenseIdentifier: license.identifier, fields: ['name'], reason: '名称不一致' } });
    expect(objection.status, JSON.stringify(objection.body)).toBe(201);
    const uploaded = await api(t, 'POST', `/api/v1/objections/${objection.body.id}/evidence?name=proof.pdf`, { token: t.consumer.token, rawBody: '%PDF-1.4 证明', headers: { 'content-type': 'application/pdf' } });
    expect(uploaded.status).toBe(201);

    expect((await clerk.request('GET', `/api/v1/licenses/${license.identifier}`)).status).toBe(200);
    expect((await clerk.request('GET', `/api/v1/licenses/${license.identifier}/versions`)).status).toBe(200);
    expect((await clerk.request('GET', `/api/v1/licenses?holderCode=${holder}`)).status).toBe(200);
    expect((await clerk.request('GET', `/api/v1/licenses?name=${encodeURIComponent('有限公司')}`)).status).toBe(200);
    expect((await clerk.request('GET', `/api/v1/objections/${objection.body.id}/evidence/1`)).status).toBe(200);
    // The issuer's own system reading its license is not a person's read (nor an exchange access).
    expect((await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token })).status).toBe(200);

    const reader = (await clerk.request('GET', '/api/v1/session')).body.principal.username as string;
    const entries = await readEntries(holder, `person:${reader}`);
    expect(entries.map((e) => e.data.what)).toEqual(['license', 'license-versions', 'license-search', 'evidence']);
    expect(entries[0]).toMatchObject({ facts: { department: t.issuer.department.code, holderCode: holder, outcome: 'read' }, data: { subject: license.identifier } });
    expect(entries[0].data.fields).toContain('legalRepresentative');
    expect((await loggedEntries(t.platform.store, ['data.read'])).filter((e) => JSON.stringify(e.entry).includes(t.issuer.clientId))).toEqual([]);
    // A search by name is one entry counting what it found, under no holder.
    const byName = (await readEntries(null, `person:${reader}`)).filter((e) => e.data.what === 'license-search');
    expect(byName).toHaveLength(1);
    expect(byName[0].data.subject).toBe('name:有限公司');

    // The holder sees them among the uses of its data.
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: holder, password: 'holder passphrase 1' } })).status).toBe(201);
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: holder, password: 'holder passphrase 1' } });
    const log = await api(t, 'GET', `/api/v1/holders/${holder}/access-log?limit=100`, { token: login.body.access_token });
    expect(log.status).toBe(200);
    const reads = log.body.items.filter((i: { kind: string }) => i.kind === 'read');
    expect(reads.map((i: { entry: { data: { what: string } } }) => i.entry.data.what).sort()).toEqual(['evidence', 'license', 'license-search', 'license-versions']);
    expect(reads[0].department.code).toBe(t.issuer.department.code);
  });

  it('the coordination office reading a holder’s authorisations, searching the audit log by holder, a report and a staff list', async () => {
    const license = await issue(t);
    const holder = license.holder.code;
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    // (The office reads a holder's accesses through the audit log's search; its access-log route is the holder's.)
    expect((await office.request('GET', `/api/v1/holders/${holder}/authorisations`)).status).toBe(200);
    expect((await office.request('GET', `/api/v1/audit/entries?holder=${holder}`)).status).toBe(200);
    expect((await office.request('GET', `/api/v1/reports/monthly?month=${month}&format=csv`)).status).toBe(200);
    expect((await office.request('GET', `/api/v1/departments/${t.issuer.department.code}/people`)).status).toBe(200);
    const reader = `person:${(await office.request('GET', '/api/v1/session')).body.principal.username}`;
    expect((await readEntries(holder, reader)).map((e) => e.data.what)).toEqual(['authorisations', 'audit-search']);
    const others = await readEntries(null, reader);
    expect(others.map((e) => e.data.what)).toEqual(['report', 'staff-list']);
    expect(others[1]).toMatchObject({ facts: { department: t.coordinator.department.code }, data: { subject: t.issuer.department.code, count: 1 } });
  });
});
