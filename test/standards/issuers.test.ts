import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, registerDepartment } from '../../src/departments/index.ts';
import { signLicenseVersion } from '../../src/licenses/lifecycle/licenseRecords.ts';
import { generateCreditCode, shippedLicenseType } from '../../src/standards/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform, OPERATOR } from '../support/platform.ts';
import { loggedEntries } from '../support/auditEntries.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');

let t: TestPlatform;
let bank: { code: string; token: string };

beforeAll(async () => {
  t = await startTestPlatform();
  // A bank's system given every role: roles alone must not make it an issuer.
  const code = generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100' });
  await registerDepartment(t.platform, OPERATOR, { code, name: '中国工商银行股份有限公司山东省分行', nameEn: 'ICBC Shandong', level: 'province', region: '370000' });
  const client = await createClient(t.platform, OPERATOR, { departmentCode: code, roles: ['issuer', 'coordinator', 'consumer'] });
  bank = { code, token: (await t.platform.tokens.issue(client)).accessToken };
});
afterAll(() => t.close());

const issuers = '/api/v1/standards/license-types/business-license/issuers';

describe('the registry of authorised issuers', () => {
  it('refuses issuing by a department that is not an authorised issuer, whatever its roles', async () => {
    const r = await api(t, 'POST', '/api/v1/licenses', { token: bank.token, body: licenseRequest() });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('not-an-authorised-issuer');
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  });

  it('is public, and only the coordination office changes it', async () => {
    const list = await api(t, 'GET', issuers);
    expect(list.status).toBe(200);
    expect(list.body.map((i: { department: string }) => i.department).sort()).toEqual([t.issuer.department.code, t.otherIssuer.department.code].sort());
    const byIssuer = await api(t, 'POST', issuers, { token: t.issuer.token, body: { department: bank.code, legalBasis: 'none' } });
    expect(byIssuer.status).toBe(403);
    const unknown = await api(t, 'POST', issuers, { token: t.coordinator.token, body: { department: '91350100M000100Y43', legalBasis: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('/department');
  });

  it('authorising a department lets it issue; withdrawing stops new licenses, not the old ones; every change is in the audit log', async () => {
    const added = await api(t, 'POST', issuers, { token: t.coordinator.token, body: { department: bank.code, legalBasis: '《某某授权决定》' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ department: bank.code, legalBasis: '《某某授权决定》', validUntil: null });
    const again = await api(t, 'POST', issuers, { token: t.coordinator.token, body: { department: bank.code, legalBasis: 'twice' } });
    expect(again.status).toBe(409);

    const issued = await api(t, 'POST', '/api/v1/licenses', { token: bank.token, body: licenseRequest() });
    expect(issued.status).toBe(201);

    const withdrawn = await api(t, 'POST', `${issuers}/${bank.code}/withdraw`, { token: t.coordinator.token, body: { reason: '授权期满' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.validUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Withdrawn today: today still counts; from tomorrow on it does not. End it yesterday to see the refusal now.
    await t.platform.store.query(`update license_type_issuers set valid_until = valid_from - 1, valid_from = valid_from - 2 where department_code = $1`, [bank.code]);
    await t.platform.changes.announce(t.platform.store, 'standards.issuers', 'business-license');
    const refused = await api(t, 'POST', '/api/v1/licenses', { token: bank.token, body: licenseRequest() });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('not-an-authorised-issuer');
    const amend = await api(t, 'POST', `/api/v1/licenses/${issued.body.identifier}/amend`, { token: bank.token, body: { data: { ...issued.body.data, name: '新名称有限公司' }, reason: 'x' } });
    expect(amend.status).toBe(403);

    const types = (await loggedEntries(t.platform.store)).map((e) => e.entry.type).filter((type) => type.startsWith('standards.issuer-'));
    expect(types).toEqual(['standards.issuer-authorised', 'standards.issuer-authorised', 'standards.issuer-authorised', 'standards.issuer-withdrawn']);
  });

  it('verification fails a credential whose issuer was not an authorised issuer of its type when it was issued', async () => {
    const rogue = generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370200' });
    await registerDepartment(t.platform, OPERATOR, { code: rogue, name: '某公司', nameEn: 'Some company', level: 'province', region: '370000' });
    const key = await t.platform.keys.activeKey('license', 'EdDSA', rogue);
    const request = licenseRequest();
    const { credential } = signLicenseVersion(key, t.platform.config.publicUrl, {
      id: 999_999,
      version: 1,
      standard: BUSINESS_LICENSE,
      issuer: { code: rogue, name: '某公司' },
      holder: { code: request.holder.code, codeType: '001', name: String(request.data.name) },
      data: { ...request.data, issuedOn: '2026-01-01', registrationAuthority: '某公司', businessTermFrom: request.data.establishedOn },
      issuedAt: new Date(),
    });
    const r = await api(t, 'POST', '/api/v1/verify', { body: { credential } });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.checks.find((c: { check: string }) => c.check === 'issuer-authorised')).toMatchObject({ passed: false });
    // The signature itself is genuine: only the registry says no.
    expect(r.body.checks.find((c: { check: string }) => c.check === 'signature').passed).toBe(true);
  });
});
