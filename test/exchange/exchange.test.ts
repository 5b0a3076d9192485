import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/platform/events.ts';
import { secondsToChinaMidnight } from '../../src/platform/chinaTime.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { api, type TestClient, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { accessRecord as readAccessRecord, lastAccess as readLastAccess } from '../support/accessRecords.ts';
import { addDepartment, agreement, batch, catalogBusinessLicense, disclosures, issue, lookup, verifyAsConsumer } from './support.ts';

let t: TestPlatform;
let housing: TestClient;
/** The tax system's agreement: asked for three fields, granted two (every test may use it). */
let taxGrant: { id: string; status: string; grantedFields: string[] };
const accessedInTx: { accessId: string; inTransaction: boolean }[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  taxGrant = await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative', 'registeredCapital'] }, ['name', 'registeredCapital']);
  // Another listener of `exchange.accessed` hears it inside the transaction that appends the record (its audit entry).
  t.platform.events.on('exchange.accessed', async (tx, events: readonly DomainEvent[]) => {
    for (const e of events) accessedInTx.push({ accessId: e.subject, inTransaction: typeof tx.beforeCommit === 'function' });
  });
});
afterAll(() => t.close());

async function accessRecord(accessId: string) {
  return (await readAccessRecord(t.platform.store, accessId))!;
}

async function lastAccess(client: TestClient) {
  return (await readLastAccess(t.platform.store, client.clientId))!;
}

describe('the exchange API', () => {
  it('a tax system asks for three fields, the owner grants two, and the lookup discloses exactly those two, verifiably', async () => {
    const license = await issue(t);
    const granted = taxGrant;
    expect(granted.status).toBe('active');
    expect(granted.grantedFields).toEqual(['name', 'registeredCapital']);

    const answer = await lookup(t, t.consumer, license.holder.code, 'tax-administration');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({
      holderCode: license.holder.code,
      type: 'business-license',
      identifier: license.identifier,
      version: 1,
      status: 'valid',
      purpose: 'tax-administration',
      basis: { kind: 'agreement', ids: [granted.id] },
    });
    expect(answer.body.fields).toEqual({ name: license.data.name, registeredCapital: license.data.registeredCapital });

    // The consumer verifies with the issuer's key from the JWKS: the signature, and each disclosure against _sd.
    const { payload, disclosed } = await verifyAsConsumer(t, answer.body.credential);
    expect(disclosed).toEqual(answer.body.fields);
    expect(payload.identifier).toBe(license.identifier);
    expect(payload.issuerCode).toBe(t.issuer.department.code);
    // The same issuer JWT as issued: nothing re-signed, only disclosures left out.
    expect(answer.body.credential.split('~')[0]).toBe(license.credential.split('~')[0]);
    // The platform's own verifier agrees.
    const verified = await api(t, 'POST', '/api/v1/verify', { body: { credential: answer.body.credential } });
    expect(verified.body.valid).toBe(true);

    // A field not granted is never sent, anywhere in the answer.
    const raw = JSON.stringify(answer.body);
    for (const field of ['legalRepresentative', 'domicile', 'businessScope', 'entityType']) {
      expect(raw).not.toContain(JSON.stringify(license.data[field]).slice(1, -1));
    }

    // Recorded before the answer was sent: the row is there the moment we look.
    const record = await accessRecord(answer.headers.get('x-certbridge-access-id')!);
    expect(record).toMatchObject({
      department_code: t.consumer.department.code,
      client_id: t.consumer.clientId,
      operation: 'lookup',
      purpose: 'tax-administration',
      holder_codes: [license.holder.code],
      fields: ['name', 'registeredCapital'],
      basis: 'agreement',
      basis_ids: [granted.id],
      outcome: 'allowed',
      status: 200,
    });
    expect(answer.body.accessId).toBe(record.access_id);
  });

  it('refuses without an agreement, naming what is missing, and records the refusal', async () => {
    const license = await issue(t);
    const denied = await lookup(t, housing, license.holder.code, 'housing-administration');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(denied.body).toMatchObject({
      code: 'no-agreement',
      missing: 'agreement',
      resourceId: 'business-license',
      purpose: 'housing-administration',
      department: housing.department.code,
      request: { method: 'POST', path: '/api/v1/agreements' },
    });
    expect(denied.body.detail).toContain('business-license');
    const record = await lastAccess(housing);
    expect(record).toMatchObject({ outcome: 'denied', status: 403, problem: 'no-agreement', fields: [], holder_codes: [license.holder.code] });
  });

  it('binds the agreement to its purpose', async () => {
    const license = await issue(t);
    await agreement(t, housing, { purpose: 'housing-administration', fields: ['name'] });
    expect((await lookup(t, housing, license.holder.code, 'housing-administration')).status).toBe(200);
    const other = await lookup(t, housing, license.holder.code, 'real-estate-registration');
    expect(other.status).toBe(403);
    expect(other.body.purpose).toBe('real-estate-registration');
  });

  it('answers bad requests with problems, and records them too', async () => {
    const license = await issue(t);
    const missing = await lookup(t, t.consumer, license.holder.code, null);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'missing-purpose', field: 'header:x-purpose' });
    expect((await lastAccess(t.consumer)).outcome).toBe('invalid');
    expect((await lookup(t, t.consumer, license.holder.code, 'curiosity')).body).toMatchObject({ code: 'unknown-purpose', field: 'header:x-purpose' });
    expect((await lookup(t, t.consumer, license.holder.code, 'tax-administration', 'fishing-license')).body).toMatchObject({ code: 'unknown-license-type', field: 'querystring:/type' });
    // In a batch the type comes in the body: the field says so.
    const batchOfUnknownType = await api(t, 'POST', '/api/v1/exchange/licenses:batch', {
      token: t.consumer.token,
      headers: { 'x-purpose': 'tax-administration' },
      body: { type: 'fishing-license', holders: [license.holder.code] },
    });
    expect(batchOfUnknownType.body).toMatchObject({ status: 400, code: 'unknown-license-type', field: '/type' });
    expect((await lookup(t, t.consumer, 'abc', 'tax-administration')).body.code).toBe('invalid-holder-code');
    const unauthenticated = await api(t, 'GET', `/api/v1/exchange/licenses/${license.holder.code}?type=business-license`, { headers: { 'x-purpose': 'tax-administration' } });
    expect(unauthenticated.status).toBe(401);
    // An issuer-only system is not a consumer.
    const issuer = await lookup(t, t.issuer, license.holder.code, 'tax-administration');
    expect(issuer.status).toBe(403);
    expect(issuer.body.code).toBe('forbidden');
  });

  it('says not found for a holder without a license, after the agreement check', async () => {
    const nobody = generateCreditCode({ divisionCode: '370100' });
    const answer = await lookup(t, t.consumer, nobody, 'tax-administration');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('license-not-found');
  });

  it('names the check character of a mistyped credit code (400 invalid-credit-code), not "no such license"', async () => {
    const license = await issue(t);
    const code = license.holder.code;
    const typo = code.slice(0, 17) + (code[17] === '1' ? '2' : '1');
    const answer = await lookup(t, t.consumer, typo, 'tax-administration');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid-credit-code', field: 'params:/holderCode', expectedCheckChar: code[17] });
    expect(answer.body.detail).toContain(`should be '${code[17]}'`);
    // A typo in the body of the code: its organisation-code check fails as well (and the expected last character is named).
    const swapped = code.slice(0, 9) + code[10] + code[9] + code.slice(11);
    if (swapped !== code) {
      const inner = await lookup(t, t.consumer, swapped, 'tax-administration');
      expect(inner.status).toBe(400);
      expect(inner.body.code).toBe('invalid-credit-code');
    }
  });

  it('shows the license status (a suspended license is answered as suspended), and the current version', async () => {
    const license = await issue(t);
    await api(t, 'POST', `/api/v1/licenses/${license.identifier}/amend`, { token: t.issuer.token, body: { data: { registeredCapital: '200万元人民币' }, reason: '增资' } });
    await api(t, 'POST', `/api/v1/licenses/${license.identifier}/suspend`, { token: t.issuer.token, body: { reason: '歇业' } });
    const answer = await lookup(t, t.consumer, license.holder.code);
    expect(answer.body).toMatchObject({ version: 2, status: 'suspended', fields: { registeredCapital: '200万元人民币' } });
  });

  it('enforces the daily quota with 429 and Retry-After until Shanghai midnight, counting each holder of a batch', async () => {
    const limited = await addDepartment(t, '山东省公安厅', 'Shandong Public Security', ['consumer']);
    const grant = await agreement(t, limited, { purpose: 'public-security', fields: ['name'], expectedDailyVolume: 3 });
    const [a, b, c] = [await issue(t), await issue(t), await issue(t)];
    expect((await lookup(t, limited, a.holder.code, 'public-security')).status).toBe(200);
    expect((await lookup(t, limited, b.holder.code, 'public-security')).status).toBe(200);
    // Two more in one batch would make four: refused as a whole.
    const untilMidnight = secondsToChinaMidnight(); // taken before the answer: time only shortens it
    const tooMany = await batch(t, limited, [c.holder.code, a.holder.code], 'public-security');
    expect(tooMany.status).toBe(429);
    expect(tooMany.body).toMatchObject({ code: 'quota-exceeded', agreementId: grant.id, limit: 3, requested: 2 });
    const retryAfter = Number(tooMany.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(untilMidnight);
    expect((await lookup(t, limited, c.holder.code, 'public-security')).status).toBe(200);
    const fourth = await lookup(t, limited, a.holder.code, 'public-security');
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await lastAccess(limited)).outcome).toBe('rate-limited');
    const usage = await t.platform.store.query<{ used: number }>('select sum(used) as used from exchange_quota_usage where basis_id = $1', [`agreement:${grant.id}`]);
    expect(Number(usage.rows[0].used)).toBe(3);
  });

  it('stops at once when the agreement is revoked', async () => {
    const police = await addDepartment(t, '济南市公安局', 'Jinan Public Security', ['consumer']);
    const grant = await agreement(t, police, { purpose: 'public-security', fields: ['name'] });
    const license = await issue(t);
    expect((await lookup(t, police, license.holder.code, 'public-security')).status).toBe(200);
    const revoked = await api(t, 'POST', `/api/v1/agreements/${grant.id}/revoke`, { token: t.issuer.token, body: { reason: '超范围使用' } });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const after = await lookup(t, police, license.holder.code, 'public-security');
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('no-agreement');
  });

  it('answers a batch per holder: found, not-found, invalid; at most 1,000 holders', async () => {
    const [a, b] = [await issue(t), await issue(t)];
    const nobody = '91370100MA3C0000X0'.slice(0, 17) + '2';
    const answer = await batch(t, t.consumer, [a.holder.code, nobody, 'NOT-A-CODE', b.holder.code]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.summary).toEqual({ found: 2, notFound: 1, invalid: 1, forbidden: 0 });
    expect(answer.body.results.map((r: { result: string }) => r.result)).toEqual(['found', 'not-found', 'invalid', 'found']);
    const found = answer.body.results[0];
    expect(Object.keys(disclosures(found.credential)).sort()).toEqual(Object.keys(found.fields).sort());
    await verifyAsConsumer(t, found.credential);
    const record = await accessRecord(answer.body.accessId);
    expect(record).toMatchObject({ operation: 'batch', outcome: 'allowed', results: { found: 2, notFound: 1, invalid: 1, forbidden: 0 } });
    expect(record.holder_codes).toEqual(expect.arrayContaining([a.holder.code, b.holder.code, nobody]));

    const tooBig = await batch(t, t.consumer, Array.from({ length: 1001 }, () => a.holder.code));
    expect(tooBig.status).toBe(400);
  });

  it('publishes exchange.accessed in the transaction that writes the record', async () => {
    const license = await issue(t);
    const answer = await lookup(t, t.consumer, license.holder.code);
    const seen = accessedInTx.find((e) => e.accessId === answer.body.accessId);
    expect(seen).toEqual({ accessId: answer.body.accessId, inTransaction: true });
    expect(accessedInTx.every((e) => e.inTransaction)).toBe(true);
    expect(await accessRecord(answer.body.accessId)).toMatchObject({ access_id: answer.body.accessId });
  });
});

describe('one caller cannot fail another', () => {
  it("a department with no agreement sending NUL and unpaired surrogates in a batch gets 400s; the others' lookups all succeed", async () => {
    const licenses = await Promise.all(Array.from({ length: 4 }, () => issue(t)));
    const hostile = ['91370100MA3C0\\u00000X', '\\ud800', 'x'.repeat(30)];
    const attacks = Array.from({ length: 60 }, (_, i) =>
      api(t, 'POST', '/api/v1/exchange/licenses:batch', {
        token: housing.token,
        headers: { 'x-purpose': 'tax-administration' },
        rawBody: `{"type":"business-license","holders":["${hostile[i % hostile.length]}","${licenses[0].holder.code}"]}`,
      }),
    );
    const lookups = Array.from({ length: 60 }, (_, i) => lookup(t, t.consumer, licenses[i % licenses.length].holder.code, 'tax-administration'));
    const [attacked, looked] = await Promise.all([Promise.all(attacks), Promise.all(lookups)]);
    expect(looked.map((r) => r.status)).toEqual(looked.map(() => 200));
    for (const r of attacked) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(attacked.filter((r) => r.body.code === 'invalid-characters').length).toBeGreaterThan(0);
  });
});
