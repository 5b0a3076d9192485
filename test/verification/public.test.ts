/**
 * Public verification without an account, as an attacker tries it: guessing identifiers, flooding,
 * huge bodies. What the identifier alone reveals, the limits, and the counts in the audit log.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationTally } from '../../src/licenses/index.ts';
import { buildLicenseIdentifier, generateCreditCode, parseLicenseIdentifier } from '../../src/standards/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { loggedEntries } from '../support/auditEntries.ts';
import { columnsOf } from '../../src/audit/entries.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_VERIFY_RATE: '25' });
});
afterAll(() => t.close());

async function issue() {
  const r = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
  expect(r.status).toBe(201);
  return r.body;
}

describe('public verification', () => {
  it('guessed identifiers (sequential serials, computable check) give the verdict and nothing about the holder', async () => {
    const first = await issue();
    await issue();
    const parts = parseLicenseIdentifier(first.identifier);
    if (!parts.ok) throw new Error('bad identifier');
    const guessed = buildLicenseIdentifier({ ...parts.parts, serial: String(Number(parts.parts.serial) + 1).padStart(parts.parts.serial.length, '0') });
    const r = await api(t, 'GET', `/api/v1/verify/${guessed}`);
    expect(r.status).toBe(200);
    expect(r.body.disclosure).toBe('none');
    expect(Object.keys(r.body.license).sort()).toEqual(['identifier', 'licenseName']);
    const publicView = JSON.stringify(r.body);
    for (const leak of ['holderCode', 'name', 'legalRepresentative', 'domicile', 'registeredCapital']) expect(publicView).not.toContain(`"${leak}"`);
  });

  it('is counted in the audit log per holder, aggregated (one entry for many verifications)', async () => {
    const license = await issue();
    await verificationTally(t.platform).flush();
    const before = (await loggedEntries(t.platform.store)).length;
    const query = new URL(license.verificationUrl).search;
    for (let i = 0; i < 3; i++) expect((await api(t, 'GET', `/api/v1/verify/${license.identifier}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await api(t, 'GET', `/api/v1/verify/${license.identifier}${query}`)).status).toBe(200);
    expect((await api(t, 'POST', '/api/v1/verify', { body: { credential: license.credential } })).status).toBe(200);
    const parsed = parseLicenseIdentifier(license.identifier);
    if (!parsed.ok) throw new Error('bad identifier');
    const unknown = buildLicenseIdentifier({ ...parsed.parts, serial: '99999999' });
    expect((await api(t, 'GET', `/api/v1/verify/${unknown}`)).status).toBe(404);
    expect(await verificationTally(t.platform).flush()).toBe(2);
    const entries = (await loggedEntries(t.platform.store, ['verification.public']))
      .filter((e) => e.index >= before)
      .map((e) => ({ ...e.entry.data, column: columnsOf(e.entry).holderCode }));
    expect(entries).toEqual([
      expect.objectContaining({ holderCode: license.holder.code, column: license.holder.code, byIdentifier: 3, withCode: 2, withCredential: 1, notFound: 0 }),
      expect.objectContaining({ holderCode: null, notFound: 1 }),
    ]);
  });

  it("by credit code: the verdicts of the holder's current licenses, no license data; a mistyped code names its check character", async () => {
    const license = await issue();
    const amended = await api(t, 'POST', `/api/v1/licenses/${license.identifier}/amend`, { token: t.issuer.token, body: { data: { registeredCapital: '300万元人民币' }, reason: '增资' } });
    expect(amended.status).toBe(200);
    expect((await api(t, 'POST', `/api/v1/licenses/${license.identifier}/suspend`, { token: t.issuer.token, body: { reason: '歇业' } })).status).toBe(200);
    const r = await api(t, 'GET', `/api/v1/verify/holders/${license.holder.code}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-ratelimit-limit')).toBe('25');
    expect(r.body).toEqual({
      holderCode: license.holder.code,
      licenses: [
        {
          type: 'business-license',
          licenseName: '营业执照',
          licenseNameEn: expect.any(String),
          identifier: amended.body.identifier,
          valid: false,
          status: 'suspended',
          validFrom: license.validFrom,
          validUntil: license.validUntil,
        },
      ],
    });
    for (const leak of ['registeredCapital', 'legalRepresentative', 'domicile', '"name"', '300万元']) expect(JSON.stringify(r.body)).not.toContain(leak);

    const code: string = license.holder.code;
    const typo = code.slice(0, 17) + (code[17] === '1' ? '2' : '1');
    const bad = await api(t, 'GET', `/api/v1/verify/holders/${typo}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid-credit-code', field: 'params:/creditCode', expectedCheckChar: code[17] });
    expect((await api(t, 'GET', '/api/v1/verify/holders/abc')).body.code).toBe('invalid-credit-code');
    // A well-formed code of nobody: an empty list, nothing else.
    const nobody = generateCreditCode({ divisionCode: '370100' });
    expect((await api(t, 'GET', `/api/v1/verify/holders/${nobody}`)).body).toEqual({ holderCode: nobody, licenses: [] });
  });

  it('is rate-limited per client address: 429 with Retry-After, as a problem', async () => {
    const license = await issue();
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await api(t, 'GET', `/api/v1/verify/${license.identifier}`);
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited!.headers.get('content-type')).toContain('application/problem+json');
    expect(limited!.body.code).toBe('rate-limited');
  });

  it('refuses a huge body at once, before reading it (413)', async () => {
    // Only the headers and 1 KiB of a 19 MiB body are sent: the answer must come without the rest.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(new URL('/api/v1/verify', t.url), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(19 * 1024 * 1024) } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write(`{"credential":"${'x'.repeat(1024)}`);
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).code).toBe('payload-too-large');
  });
});
