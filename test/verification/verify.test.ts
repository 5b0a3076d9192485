/**
 * Public verification over real HTTP: POST /api/v1/verify, GET /api/v1/verify/{identifier} (the
 * QR scan path), the status list, tampering, expiry, QR codes and SM2 credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { verificationKeyFromJwk, type PublicJwk } from '../../src/platform/crypto/keys.ts';
import { expireDueLicenses } from '../../src/licenses/lifecycle/licenseRecords.ts';
import { licenseQrPng, licenseQrSvg } from '../../src/licenses/verification/qr.ts';
import { chinaDate } from '../../src/platform/chinaTime.ts';
import { readStatusFromToken } from '../../src/licenses/statusLists/statusList.ts';
import { buildLicenseIdentifier } from '../../src/standards/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

/** The checks that decide `valid`; `current-version` only informs. */
const BINDING_CHECKS = ['format', 'signature', 'issuer-key', 'issuer-authorised', 'status-list', 'validity-window', 'schema'];

interface Check {
  check: string;
  passed: boolean;
  code: string;
  params?: Record<string, string>;
  detail: string;
}

/** Issues a long-term (长期) license unless the overrides say otherwise: synthetic terms may have ended already. */
async function issue(p: TestPlatform = t, overrides: Record<string, unknown> = {}) {
  const request = licenseRequest({ businessTermTo: null, ...overrides });
  const issued = await api(p, 'POST', '/api/v1/licenses', { token: p.issuer.token, body: request });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return { request, license: issued.body as { identifier: string; credential: string; data: Record<string, unknown>; [k: string]: any } };
}

const verifyCredential = (credential: string, p: TestPlatform = t) => api(p, 'POST', '/api/v1/verify', { body: { credential } });
const verifyIdentifier = (identifier: string, p: TestPlatform = t) => api(p, 'GET', `/api/v1/verify/${identifier}`);

async function change(identifier: string, action: 'suspend' | 'reinstate' | 'revoke' | 'cancel') {
  const response = await api(t, 'POST', `/api/v1/licenses/${identifier}/${action}`, { token: t.issuer.token, body: { reason: `test ${action}` } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const checkOf = (body: { checks: Check[] }, name: string): Check => {
  const found = body.checks.find((c) => c.check === name);
  expect(found, `check ${name} in ${JSON.stringify(body.checks)}`).toBeDefined();
  return found!;
};

function expectAllBindingChecksPassed(body: { checks: Check[] }) {
  for (const name of BINDING_CHECKS) expect(checkOf(body, name), name).toMatchObject({ passed: true });
}

/** A well-formed GB/T 36904 identifier (right check character) of the same type and issuer that nobody issued. */
function unissuedIdentifierLike(identifier: string, serial: string): string {
  // 1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>
  const [typeCode, issuerCode] = identifier.split('.').slice(5, 7);
  const unknown = buildLicenseIdentifier({ typeCode, issuerCode, serial, version: 1 });
  expect(unknown).not.toBe(identifier);
  return unknown;
}

const b64json = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
const toB64json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const payloadOf = (credential: string) => b64json(credential.split('~')[0].split('.')[1]);
const headerOf = (credential: string) => b64json(credential.split('~')[0].split('.')[0]);

/** Index (in credential.split('~')) of the disclosure of `name`. */
function disclosureIndex(parts: string[], name: string): number {
  const index = parts.findIndex((part, i) => i > 0 && part !== '' && b64json(part)[1] === name);
  expect(index, `disclosure of ${name}`).toBeGreaterThan(0);
  return index;
}

/**
 * A copy of the base64url `segment` with exactly one character replaced, chosen so that it still
 * decodes to JSON that `accept` takes (the forgery must get past parsing to reach the signature check).
 */
function oneCharacterChanged(segment: string, accept: (decoded: unknown) => boolean): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // Not the last character: its low bits may be padding that decoding ignores.
  for (let i = Math.floor(segment.length / 2); i < segment.length - 1; i++) {
    for (const c of alphabet) {
      if (c === segment[i]) continue;
      const candidate = segment.slice(0, i) + c + segment.slice(i + 1);
      const bytes = Buffer.from(candidate, 'base64url');
      if (bytes.equals(Buffer.from(segment, 'base64url'))) continue;
      try {
        if (accept(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)))) return candidate;
      } catch {
        // not JSON any more: try another
      }
    }
  }
  throw new Error('no decodable one-character change found');
}

describe('POST /api/v1/verify', () => {
  it('says valid for the credential that issuing returned, with every check passed and the license shown', async () => {
    const { request, license } = await issue();
    const response = await verifyCredential(license.credential);
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    expect(response.body.status).toBe('valid');
    expectAllBindingChecksPassed(response.body);
    expect(checkOf(response.body, 'current-version')).toMatchObject({ passed: true, detail: 'this is the current version' });
    expect(checkOf(response.body, 'signature').detail).toMatch(/^EdDSA signature and \d+ disclosures verified$/);
    expect(response.body.license).toMatchObject({
      identifier: license.identifier,
      version: 1,
      holderCode: request.holder.code,
      issuerCode: t.issuer.department.code,
      issuerName: t.issuer.department.name,
      validUntil: null,
      ...license.data,
      name: request.data.name,
    });
    // the SD-JWT machinery is not shown as facts about the license
    for (const mechanics of ['_sd', '_sd_alg', 'status']) expect(response.body.license).not.toHaveProperty(mechanics);
  });

  it('follows every status change on the very next request: revoked, suspended, valid again, cancelled', async () => {
    const { license } = await issue();
    const both = async (status: string) => {
      for (const response of [await verifyCredential(license.credential), await verifyIdentifier(license.identifier)]) {
        expect(response.status).toBe(200);
        expect(response.body.status).toBe(status);
        expect(response.body.valid).toBe(status === 'valid');
        expect(checkOf(response.body, 'status-list')).toMatchObject({ passed: status === 'valid', code: `status-${status}`, detail: `status list says ${status}` });
        // the signature stays good: the credential is genuine, only its status changed
        expect(checkOf(response.body, 'signature').passed).toBe(true);
      }
    };
    await both('valid');
    expect((await change(license.identifier, 'suspend')).status).toBe('suspended');
    await both('suspended');
    expect((await change(license.identifier, 'reinstate')).status).toBe('valid');
    await both('valid');
    expect((await change(license.identifier, 'revoke')).status).toBe('revoked');
    await both('revoked');
    expect((await change(license.identifier, 'cancel')).status).toBe('cancelled');
    await both('cancelled');
  });

  it('says revoked in the first request after a revocation of a fresh license', async () => {
    const { license } = await issue();
    // warm every cache first: the revocation must still be seen at once
    expect((await verifyCredential(license.credential)).body.valid).toBe(true);
    await change(license.identifier, 'revoke');
    const response = await verifyCredential(license.credential);
    expect(response.body).toMatchObject({ valid: false, status: 'revoked' });
  });

  it('refuses a garbage string as a malformed credential (400 problem)', async () => {
    for (const garbage of ['garbage', 'not.a.jwt~', 'eyJhbGciOiJub25lIn0~x~', '~~~']) {
      const response = await verifyCredential(garbage);
      expect(response.status, garbage).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('malformed-credential');
    }
  });
});

describe('tampering', () => {
  const expectForged = (response: { status: number; body: any }, code?: RegExp) => {
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    const signature = checkOf(response.body, 'signature');
    expect(signature.passed).toBe(false);
    if (code) expect(signature.detail).toMatch(code);
  };

  it('a changed value in a disclosure fails the signature check', async () => {
    const { license } = await issue();
    const parts = license.credential.split('~');
    const i = disclosureIndex(parts, 'registeredCapital');
    const [salt, name] = b64json(parts[i]);
    parts[i] = toB64json([salt, name, '9999万元人民币']);
    expectForged(await verifyCredential(parts.join('~')), /^disclosure-mismatch: /);
  });

  it('one changed character of a disclosure fails the signature check', async () => {
    const { license } = await issue();
    const parts = license.credential.split('~');
    const i = disclosureIndex(parts, 'name');
    parts[i] = oneCharacterChanged(parts[i], (d) => Array.isArray(d) && d.length === 3 && typeof d[0] === 'string' && d[1] === 'name');
    expectForged(await verifyCredential(parts.join('~')), /^disclosure-mismatch: /);
  });

  it('one changed character of the payload fails the signature check', async () => {
    const { license } = await issue();
    const [jwt, ...rest] = license.credential.split('~');
    const [header, payload, signature] = jwt.split('.');
    const forgedPayload = oneCharacterChanged(payload, (p) => typeof p === 'object' && p !== null && !Array.isArray(p));
    expectForged(await verifyCredential([`${header}.${forgedPayload}.${signature}`, ...rest].join('~')), /^bad-signature: /);
  });

  it('a changed claim in the payload (another holder) fails the signature check', async () => {
    const { license } = await issue();
    const { license: other } = await issue();
    const [jwt, ...rest] = license.credential.split('~');
    const [header, , signature] = jwt.split('.');
    const payload = payloadOf(license.credential);
    payload.holderCode = payloadOf(other.credential).holderCode;
    payload.sub = payload.holderCode;
    expectForged(await verifyCredential([`${header}.${toB64json(payload)}.${signature}`, ...rest].join('~')), /^bad-signature: /);
  });

  it("a disclosure swapped in from another license's credential fails the signature check", async () => {
    const { license } = await issue();
    const { license: other } = await issue();
    const parts = license.credential.split('~');
    const otherParts = other.credential.split('~');
    parts[disclosureIndex(parts, 'name')] = otherParts[disclosureIndex(otherParts, 'name')];
    expectForged(await verifyCredential(parts.join('~')), /^disclosure-mismatch: .*name/);
  });

  it('a credential with fewer disclosures (a minimised presentation) stays valid', async () => {
    // the counterpart of the tampering cases: leaving disclosures out is allowed, changing them is not
    const { license } = await issue();
    const parts = license.credential.split('~');
    const kept = [parts[0], parts[disclosureIndex(parts, 'name')], ''].join('~');
    const response = await verifyCredential(kept);
    expect(response.body.valid).toBe(true);
    expect(response.body.license.name).toBe(license.data.name);
    expect(response.body.license).not.toHaveProperty('domicile');
  });
});

describe('GET /api/v1/verify/{identifier} (QR scan)', () => {
  it('gives the same verdict as verifying the credential, but nothing of the license without its verification code', async () => {
    const { license } = await issue();
    const byId = await verifyIdentifier(license.identifier);
    const byCredential = await verifyCredential(license.credential);
    expect(byId.status).toBe(200);
    expect(byId.body.valid).toBe(true);
    expect(byId.body.status).toBe(byCredential.body.status);
    expect(byId.body.checks.map((c: Check) => [c.check, c.passed])).toEqual(byCredential.body.checks.map((c: Check) => [c.check, c.passed]));
    expect(byId.body.disclosure).toBe('none');
    expect(Object.keys(byId.body.license).sort()).toEqual(['identifier', 'licenseName']);
    expect(JSON.stringify(byId.body)).not.toContain(String(license.data.name));
    expect(JSON.stringify(byId.body)).not.toContain(license.holder.code);
  });

  it('with the verification code of the link (the QR code), shows the public fields only', async () => {
    const { license } = await issue();
    expect(license.verificationUrl).toMatch(new RegExp(`/api/v1/verify/${license.identifier.replace(/\./g, '\\.')}\\?code=[a-z2-7]{16}$`));
    const withCode = await api(t, 'GET', new URL(license.verificationUrl).pathname + new URL(license.verificationUrl).search);
    expect(withCode.status).toBe(200);
    expect(withCode.body).toMatchObject({ valid: true, status: 'valid', disclosure: 'public' });
    expect(withCode.body.license).toMatchObject({ identifier: license.identifier, holderCode: license.holder.code, name: license.data.name, businessScope: license.data.businessScope });
    // The standard declares which fields are public: the legal representative and the domicile are not.
    const standard = await api(t, 'GET', '/api/v1/standards/license-types/business-license');
    for (const field of Object.keys(license.data)) {
      expect(field in withCode.body.license, field).toBe(standard.body.publicFields.includes(field));
    }
    expect(withCode.body.license.legalRepresentative).toBeUndefined();
    expect(withCode.body.license.domicile).toBeUndefined();
    const wrong = await api(t, 'GET', `/api/v1/verify/${license.identifier}?code=aaaaaaaaaaaaaaaa`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'invalid-verification-code', field: 'querystring:/code' });
    // Another version's code does not open this one.
    const other = await issue();
    const foreign = new URL(other.license.verificationUrl).searchParams.get('code');
    expect((await api(t, 'GET', `/api/v1/verify/${license.identifier}?code=${foreign}`)).status).toBe(400);
  });

  it('404 license-not-found for a well-formed identifier nobody issued', async () => {
    const { license } = await issue();
    const unknown = unissuedIdentifierLike(license.identifier, '99999999');
    const response = await verifyIdentifier(unknown);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('license-not-found');
  });

  it('400 invalid-license-identifier for a malformed identifier', async () => {
    const { license } = await issue();
    const wrongCheck = license.identifier.slice(0, -1) + (license.identifier.endsWith('0') ? '1' : '0');
    for (const identifier of [wrongCheck, 'not-an-identifier', '1.2.156.3005.2.x']) {
      const response = await verifyIdentifier(identifier);
      expect(response.status, identifier).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('invalid-license-identifier');
    }
  });
});

describe('an amended license', () => {
  it('keeps the old version genuine but superseded, and revoking the license revokes every version', async () => {
    const { license: v1 } = await issue();
    const amended = await api(t, 'POST', `/api/v1/licenses/${v1.identifier}/amend`, {
      token: t.issuer.token,
      body: { data: { domicile: '山东省济南市历下区经十路200号' }, reason: '住所变更' },
    });
    expect(amended.status).toBe(200);
    const v2 = amended.body as { identifier: string; credential: string };
    expect(v2.identifier).not.toBe(v1.identifier);
    // one status entry per license, shared by its versions
    expect(payloadOf(v2.credential).status).toEqual(payloadOf(v1.credential).status);

    const old = await verifyCredential(v1.credential);
    expect(old.body.valid).toBe(true);
    expect(old.body.status).toBe('valid');
    expectAllBindingChecksPassed(old.body);
    expect(checkOf(old.body, 'current-version')).toEqual({ check: 'current-version', passed: false, code: 'superseded', params: { identifier: v2.identifier }, detail: `superseded by ${v2.identifier}` });
    // Said in fields of its own too: a page must not show the old version as the license in force.
    expect(old.body).toMatchObject({ current: false, supersededBy: v2.identifier, currentStatus: 'valid' });
    expect(old.body.license.domicile).toBe(v1.data.domicile);

    const current = await verifyCredential(v2.credential);
    expect(current.body.valid).toBe(true);
    expect(checkOf(current.body, 'current-version').passed).toBe(true);
    expect(current.body).toMatchObject({ current: true, currentStatus: 'valid' });
    expect(current.body).not.toHaveProperty('supersededBy');
    expect(current.body.license.domicile).toBe('山东省济南市历下区经十路200号');

    // the QR of the old version verifies the old version
    const scanOld = await verifyIdentifier(v1.identifier);
    expect(scanOld.body.license.identifier).toBe(v1.identifier);
    expect(checkOf(scanOld.body, 'current-version').passed).toBe(false);
    expect(scanOld.body).toMatchObject({ current: false, supersededBy: v2.identifier, currentStatus: 'valid' });

    await change(v2.identifier, 'suspend');
    expect((await verifyIdentifier(v1.identifier)).body).toMatchObject({ status: 'suspended', current: false, currentStatus: 'suspended' });
    await change(v2.identifier, 'reinstate');

    await change(v2.identifier, 'revoke');
    for (const credential of [v1.credential, v2.credential]) {
      const response = await verifyCredential(credential);
      expect(response.body).toMatchObject({ valid: false, status: 'revoked' });
    }
    expect((await verifyIdentifier(v1.identifier)).body.status).toBe('revoked');
  });
});

describe('expiry', () => {
  it('a license whose business term ended yesterday verifies as expired, and expireDueLicenses records it', async () => {
    const yesterday = chinaDate(new Date(Date.now() - 86_400_000));
    const { license } = await issue(t, { establishedOn: '2015-03-01', businessTermFrom: '2015-03-01', issuedOn: '2015-03-01', businessTermTo: yesterday });
    expect(license.validUntil).toBe(yesterday);
    // exp is 00:00 Asia/Shanghai of the day after validUntil, i.e. today's midnight in China
    expect(payloadOf(license.credential).exp).toBe(Date.parse(`${chinaDate()}T00:00:00+08:00`) / 1000);

    const before = await verifyCredential(license.credential);
    expect(before.body.valid).toBe(false);
    expect(before.body.status).toBe('expired');
    expect(checkOf(before.body, 'validity-window')).toMatchObject({ passed: false });
    expect(checkOf(before.body, 'validity-window').detail).toContain(`until ${yesterday}`);
    // A stable code with the dates, for the reader's words (the console's, in Chinese or English).
    expect(checkOf(before.body, 'validity-window')).toMatchObject({ passed: false, code: 'validity-ended', params: { until: yesterday } });
    expect(checkOf(before.body, 'signature').passed).toBe(true);
    expect(checkOf(before.body, 'status-list').passed).toBe(true);

    // until the expiry job runs, the license record still says valid
    expect((await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token })).body.status).toBe('valid');
    expect(await expireDueLicenses(t.platform)).toBe(1);
    const read = await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token });
    expect(read.body.status).toBe('expired');
    const events = await api(t, 'GET', `/api/v1/licenses/${license.identifier}/events`, { token: t.issuer.token });
    expect(events.body.map((e: { event: string }) => e.event)).toEqual(['issued', 'expired']);
    // running it again expires nothing twice
    expect(await expireDueLicenses(t.platform)).toBe(0);

    const after = await verifyIdentifier(license.identifier);
    expect(after.body).toMatchObject({ valid: false, status: 'expired' });
    expect(checkOf(after.body, 'validity-window').passed).toBe(false);
  });

  it('an older version without an end date stops verifying once the license expired', async () => {
    const yesterday = chinaDate(new Date(Date.now() - 86_400_000));
    const { license } = await issue(t, { establishedOn: '2014-05-01', businessTermFrom: '2014-05-01', issuedOn: '2014-05-01', businessTermTo: null });
    expect(payloadOf(license.credential).exp).toBeUndefined();
    const amended = await api(t, 'POST', `/api/v1/licenses/${license.identifier}/amend`, {
      token: t.issuer.token,
      body: { data: { businessTermTo: yesterday }, reason: '营业期限变更' },
    });
    expect(amended.status).toBe(200);
    expect((await verifyCredential(license.credential)).body).toMatchObject({ valid: true, status: 'valid' });
    expect(await expireDueLicenses(t.platform)).toBeGreaterThanOrEqual(1);
    const old = await verifyCredential(license.credential);
    expect(old.body).toMatchObject({ valid: false, status: 'expired' });
    expect(checkOf(old.body, 'status-list').passed).toBe(false);
  });

  it('a license whose term ends today is still valid today', async () => {
    const today = chinaDate();
    const { license } = await issue(t, { establishedOn: '2016-04-01', businessTermFrom: '2016-04-01', issuedOn: '2016-04-01', businessTermTo: today });
    const response = await verifyCredential(license.credential);
    expect(response.body).toMatchObject({ valid: true, status: 'valid' });
    expect(await expireDueLicenses(t.platform)).toBe(0);
  });
});

describe('QR codes', () => {
  it('qr.png is a PNG of the verification URL (with its code for the issuer)', async () => {
    const { license } = await issue();
    const response = await fetch(`${t.url}/api/v1/licenses/${license.identifier}/qr.png`, { headers: { authorization: `Bearer ${t.issuer.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(256); // width: big enough to print and scan
    // no QR decoder is installed: compare with the QR of the URL that the license response names
    expect(license.verificationUrl).toMatch(new RegExp(`^${t.url}/api/v1/verify/${license.identifier.replace(/\./g, '\\.')}\\?code=`));
    expect(png.equals(await licenseQrPng(license.verificationUrl))).toBe(true);
    expect(png.equals(await licenseQrPng(`${t.url}/api/v1/verify/${license.identifier}x`))).toBe(false);
    // Anyone else gets the QR code of the verdict alone: the code is not handed out by identifier.
    const anonymous = Buffer.from(await (await fetch(`${t.url}/api/v1/licenses/${license.identifier}/qr.png`)).arrayBuffer());
    expect(anonymous.equals(await licenseQrPng(`${t.url}/api/v1/verify/${license.identifier}`))).toBe(true);
    const consumer = Buffer.from(await (await fetch(`${t.url}/api/v1/licenses/${license.identifier}/qr.png`, { headers: { authorization: `Bearer ${t.consumer.token}` } })).arrayBuffer());
    expect(consumer.equals(anonymous)).toBe(true);
  });

  it('qr.svg is an SVG of the verification URL', async () => {
    const { license } = await issue();
    const response = await fetch(`${t.url}/api/v1/licenses/${license.identifier}/qr.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg[\s>]/);
    expect(svg).toBe(await licenseQrSvg(`${t.url}/api/v1/verify/${license.identifier}`));
  });

  it('404 for the QR of an unknown license', async () => {
    const { license } = await issue();
    const unknown = unissuedIdentifierLike(license.identifier, '99999998');
    const response = await api(t, 'GET', `/api/v1/licenses/${unknown}/qr.png`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('license-not-found');
  });
});

describe('status list', () => {
  async function statusListOf(credential: string) {
    const reference = payloadOf(credential).status.status_list as { uri: string; idx: number };
    expect(reference.uri.startsWith(`${t.url}/api/v1/status-lists/`)).toBe(true);
    const listId = reference.uri.split('/').pop()!;
    expect(listId).toMatch(/^\d+$/);
    const response = await fetch(`${t.url}/api/v1/status-lists/${listId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/statuslist+jwt');
    const token = await response.text();
    const jwks = (await api(t, 'GET', '/.well-known/jwks.json')).body as { keys: PublicJwk[] };
    // signature, typ and sub (= the uri the credential names) checked by our own verifier
    const resolve = (kid: string) => {
      const jwk = jwks.keys.find((k) => k.kid === kid);
      return jwk ? verificationKeyFromJwk(jwk) : undefined;
    };
    const value = readStatusFromToken(token, reference.idx, resolve, { now: new Date(), expectedUri: reference.uri });
    // and the @sd-jwt library reads the same entry
    expect(getListFromStatusListJWT(token).getStatus(reference.idx)).toBe(value);
    return value;
  }

  it('serves application/statuslist+jwt whose entry follows the license: 0, 2, 0, 1, 3', async () => {
    const { license } = await issue();
    expect(await statusListOf(license.credential)).toBe(0);
    await change(license.identifier, 'suspend');
    expect(await statusListOf(license.credential)).toBe(2);
    await change(license.identifier, 'reinstate');
    expect(await statusListOf(license.credential)).toBe(0);
    await change(license.identifier, 'revoke');
    expect(await statusListOf(license.credential)).toBe(1);
    await change(license.identifier, 'cancel');
    expect(await statusListOf(license.credential)).toBe(3);
  });

  it("a revocation changes only the revoked license's entry", async () => {
    const { license: a } = await issue();
    const { license: b } = await issue();
    await change(a.identifier, 'revoke');
    expect(await statusListOf(a.credential)).toBe(1);
    expect(await statusListOf(b.credential)).toBe(0);
  });
});

describe('SM2 (CERTBRIDGE_SIGNING_ALG=SM2)', () => {
  let sm2: TestPlatform;
  beforeAll(async () => {
    sm2 = await startTestPlatform({ CERTBRIDGE_SIGNING_ALG: 'SM2' });
  });
  afterAll(() => sm2?.close());

  it('issues credentials signed with SM2 that verify, and publishes the SM2 key', async () => {
    expect(sm2.platform.config.signingAlgorithm).toBe('SM2');
    const { license } = await issue(sm2);
    const header = headerOf(license.credential);
    expect(header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'SM2' });
    // raw r||s: 64 bytes
    expect(Buffer.from(license.credential.split('~')[0].split('.')[2], 'base64url')).toHaveLength(64);

    const response = await verifyCredential(license.credential, sm2);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: true, status: 'valid' });
    expectAllBindingChecksPassed(response.body);
    expect(checkOf(response.body, 'signature').detail).toMatch(/^SM2 signature/);

    const jwks = (await api(sm2, 'GET', '/.well-known/jwks.json')).body as { keys: PublicJwk[] };
    expect(jwks.keys.find((k) => k.kid === header.kid)).toMatchObject({ kty: 'EC', crv: 'SM2', alg: 'SM2', use: 'sig' });

    // tampering is caught with SM2 too
    const parts = license.credential.split('~');
    const i = disclosureIndex(parts, 'name');
    const [salt] = b64json(parts[i]);
    parts[i] = toB64json([salt, 'name', '伪造有限公司']);
    const forged = await verifyCredential(parts.join('~'), sm2);
    expect(forged.body.valid).toBe(false);
    expect(checkOf(forged.body, 'signature').passed).toBe(false);
  });

  it("a credential of another deployment is not valid here: its key is not this platform's", async () => {
    const { license } = await issue(t);
    const response = await verifyCredential(license.credential, sm2);
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(checkOf(response.body, 'signature').passed).toBe(false);
    expect(checkOf(response.body, 'issuer-key').passed).toBe(false);
  });
});
