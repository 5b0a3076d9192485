/**
 * A third party (a bank, a counterparty, a court) verifies a license credential with standard
 * libraries and nothing of ours: @sd-jwt/sd-jwt-vc, @sd-jwt/jwt-status-list, jose, sm-crypto and
 * plain HTTP. Nothing is imported from src/; test/support/platform.ts only starts the server and
 * issues and revokes licenses through the API, as the issuing department would.
 *
 * The first half of this file is the verifier of docs/verify.md, step for step.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { digest } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

// ------------------------------------------------------------------------------------------------
// The third party's verifier (docs/verify.md)
// ------------------------------------------------------------------------------------------------

// sm-crypto ships no types: the one function used.
const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: string, signatureHex: string, publicKeyHex: string, options: { der: boolean; hash: boolean; userId?: string }): boolean };
};

/** Step 1: the issuer's keys. `iss` → /.well-known/jwt-vc-issuer → jwks_uri → JWKS. */
async function issuerKeys(credential: string): Promise<JWK[]> {
  const { iss } = decodeJwt(credential.split('~')[0]);
  if (typeof iss !== 'string') throw new Error('credential has no iss');
  const issuer = new URL(iss);
  // SD-JWT VC: the well-known segment goes between the host and the path of iss
  const metadataUrl = `${issuer.origin}/.well-known/jwt-vc-issuer${issuer.pathname.replace(/\/$/, '')}`;
  const metadata = (await (await fetch(metadataUrl)).json()) as { issuer: string; jwks_uri?: string; jwks?: { keys: JWK[] } };
  if (metadata.issuer !== iss) throw new Error(`issuer metadata is for ${metadata.issuer}, not ${iss}`);
  const jwks = metadata.jwks ?? ((await (await fetch(metadata.jwks_uri!)).json()) as { keys: JWK[] });
  return jwks.keys;
}

/** Step 2: a JWS signature check by `kid`: EdDSA with jose, SM2 (GB/T 32918, SM3, raw r||s) with sm-crypto. */
function signatureVerifier(keys: JWK[]) {
  return async (signingInput: string, signature: string): Promise<boolean> => {
    const { alg, kid } = decodeProtectedHeader(`${signingInput}.${signature}`);
    const jwk = keys.find((k) => k.kid === kid);
    // compared as strings: jose's types do not know the private alg "SM2"
    if (!jwk || String(jwk.alg) !== String(alg)) return false;
    try {
      if (alg === 'EdDSA') {
        await compactVerify(`${signingInput}.${signature}`, await importJWK(jwk, 'EdDSA'), { algorithms: ['EdDSA'] });
        return true;
      }
      if (String(alg) === 'SM2' && jwk.kty === 'EC' && jwk.crv === 'SM2') {
        const publicKeyHex = `04${Buffer.from(jwk.x!, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
        const signatureHex = Buffer.from(signature, 'base64url').toString('hex');
        // hash: true = SM3(Z_A || message) with the default user id 1234567812345678; der: false = raw r||s
        return smCrypto.sm2.doVerifySignature(signingInput, signatureHex, publicKeyHex, { der: false, hash: true });
      }
      return false;
    } catch {
      return false;
    }
  };
}

/** Step 3 (strict SD-JWT): every disclosure sent must be one the issuer signed (its digest is in _sd). */
function checkDisclosuresAreSigned(credential: string): void {
  const [jwt, ...disclosures] = credential.split('~').filter((part) => part !== '');
  const { _sd: signed = [], _sd_alg: sdAlg = 'sha-256' } = decodeJwt(jwt) as { _sd?: string[]; _sd_alg?: string };
  if (sdAlg !== 'sha-256') throw new Error(`unexpected _sd_alg ${sdAlg}`);
  for (const disclosure of disclosures) {
    const digestOf = createHash('sha256').update(disclosure, 'ascii').digest('base64url');
    if (!signed.includes(digestOf)) throw new Error('a disclosure is not signed by the issuer');
  }
}

/** Step 5: the status list token, fetched over HTTP and verified with jose against the issuer's JWKS. */
async function fetchStatusList(uri: string, keys: JWK[]): Promise<string> {
  const response = await fetch(uri, { headers: { accept: 'application/statuslist+jwt' } });
  if (!response.ok || !response.headers.get('content-type')?.includes('application/statuslist+jwt')) {
    throw new Error(`status list ${uri}: HTTP ${response.status} ${response.headers.get('content-type')}`);
  }
  const token = await response.text();
  const { kid } = decodeProtectedHeader(token);
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk || jwk.alg !== 'EdDSA') throw new Error(`status list signed by unknown key ${kid}`);
  // signature, typ and exp; and the token must be the list the credential points at
  const { payload } = await jwtVerify(token, await importJWK(jwk, 'EdDSA'), { typ: 'statuslist+jwt', algorithms: ['EdDSA'] });
  if (payload.sub !== uri) throw new Error(`status list token is for ${String(payload.sub)}, not ${uri}`);
  return token;
}

const STATUS_NAMES = ['valid', 'revoked', 'suspended', 'cancelled'] as const;

export interface ThirdPartyVerification {
  /** true only when the signature, disclosures, validity window and status are all good */
  valid: boolean;
  /** 0 valid, 1 revoked (吊销), 2 suspended (暂停/歇业), 3 cancelled (注销) */
  statusValue: number;
  status: (typeof STATUS_NAMES)[number];
  /** always-disclosed claims and the disclosed business fields */
  claims: Record<string, unknown>;
}

/**
 * Verifies a CertBridge license credential (SD-JWT VC). Throws when it is not genuine or outside
 * its validity window (nbf/exp); returns the status from the issuer's status list otherwise.
 */
async function verifyLicense(credential: string): Promise<ThirdPartyVerification> {
  const keys = await issuerKeys(credential); // step 1
  const verifier = signatureVerifier(keys); // step 2
  checkDisclosuresAreSigned(credential); // step 3

  // Step 4: signature, typ, disclosures, nbf/exp. The library fetches the status list as well; the
  // fetcher below is step 5's (jose-verified), and we read the status ourselves in step 6.
  const statusLists = new Map<string, Promise<string>>();
  const statusList = (uri: string) => {
    if (!statusLists.has(uri)) statusLists.set(uri, fetchStatusList(uri, keys));
    return statusLists.get(uri)!;
  };
  const sdJwtVc = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier,
    statusListFetcher: statusList,
    statusValidator: async () => {}, // decided in step 6, which tells revoked from suspended
  });
  const { payload, header } = await sdJwtVc.verify(credential);
  if (header?.typ !== 'dc+sd-jwt') throw new Error(`typ ${String(header?.typ)} is not dc+sd-jwt`);

  // Step 6: the status: IETF Token Status List, 2 bits; any non-zero value means "not valid".
  const reference = payload.status?.status_list;
  if (!reference) throw new Error('credential has no status list reference');
  const statusValue = getListFromStatusListJWT(await statusList(reference.uri)).getStatus(reference.idx);
  return { valid: statusValue === 0, statusValue, status: STATUS_NAMES[statusValue], claims: payload };
}

// ------------------------------------------------------------------------------------------------
// The tests
// ------------------------------------------------------------------------------------------------

let t: TestPlatform;
let sm2: TestPlatform;
beforeAll(async () => {
  [t, sm2] = await Promise.all([startTestPlatform(), startTestPlatform({ CERTBRIDGE_SIGNING_ALG: 'SM2' })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), sm2?.close()]);
});

async function issue(p: TestPlatform, overrides: Record<string, unknown> = {}) {
  const request = licenseRequest({ businessTermTo: null, ...overrides });
  const issued = await api(p, 'POST', '/api/v1/licenses', { token: p.issuer.token, body: request });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return { request, license: issued.body as { identifier: string; credential: string; data: Record<string, unknown> } };
}

async function change(p: TestPlatform, identifier: string, action: 'suspend' | 'reinstate' | 'revoke' | 'cancel') {
  const response = await api(p, 'POST', `/api/v1/licenses/${identifier}/${action}`, { token: p.issuer.token, body: { reason: `third-party test ${action}` } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

describe('a third party verifies with standard libraries and nothing of ours', () => {
  it('runs the very code that docs/verify.md shows', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const docs = readFileSync(fileURLToPath(new URL('../../docs/verify.md', import.meta.url)), 'utf8');
    // from the sm-crypto declaration to the end of verifyLicense; `export` may differ
    const verifierCode = (text: string) => {
      const start = text.indexOf('// sm-crypto ships no types');
      const end = text.indexOf('\n}\n', text.indexOf('async function verifyLicense('));
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      return text.slice(start, end).replace(/^export /gm, '');
    };
    expect(verifierCode(docs)).toBe(verifierCode(source));
  });

  it('finds the keys from the issuer metadata: /.well-known/jwt-vc-issuer → jwks_uri', async () => {
    const metadata = await (await fetch(`${t.url}/.well-known/jwt-vc-issuer`)).json();
    expect(metadata).toEqual({ issuer: t.url, jwks_uri: `${t.url}/.well-known/jwks.json` });
    const { license } = await issue(t);
    const keys = await issuerKeys(license.credential);
    const { kid } = decodeProtectedHeader(license.credential.split('~')[0]);
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    // public halves only
    for (const key of keys) expect(key).not.toHaveProperty('d');
    // This is the first test: no status list has been served yet, and the JWKS fetched now must
    // already hold the key that will sign it.
    const { status } = decodeJwt(license.credential.split('~')[0]) as { status: { status_list: { uri: string } } };
    const token = await (await fetch(status.status_list.uri)).text();
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
  });

  it('verifies an issued credential, and the disclosed claims are what was issued', async () => {
    const { request, license } = await issue(t);
    const result = await verifyLicense(license.credential);
    expect(result.valid).toBe(true);
    expect(result.statusValue).toBe(0);
    expect(result.status).toBe('valid');
    expect(result.claims).toMatchObject({
      iss: t.url,
      sub: request.holder.code,
      vct: 'urn:certbridge:license-type:business-license',
      identifier: license.identifier,
      version: 1,
      holderCode: request.holder.code,
      issuerCode: t.issuer.department.code,
      validUntil: null,
    });
    // every business field issued comes back, disclosed and verified, with its issued value
    const disclosed = Object.fromEntries(Object.keys(license.data).map((name) => [name, result.claims[name]]));
    expect(disclosed).toEqual(license.data);
    expect(result.claims.name).toBe(request.data.name);
    expect(result.claims).not.toHaveProperty('_sd');
  });

  it("reads the status from the credential's status list: 1 (INVALID) after a revocation through the API", async () => {
    const { license } = await issue(t);
    const { status: reference } = decodeJwt(license.credential.split('~')[0]) as { status: { status_list: { uri: string; idx: number } } };
    expect(reference.status_list.uri.startsWith(`${t.url}/api/v1/status-lists/`)).toBe(true);
    const keys = await issuerKeys(license.credential);
    const read = async () => getListFromStatusListJWT(await fetchStatusList(reference.status_list.uri, keys)).getStatus(reference.status_list.idx);

    expect(await read()).toBe(0);
    await change(t, license.identifier, 'revoke');
    expect(await read()).toBe(1);
    const result = await verifyLicense(license.credential);
    expect(result).toMatchObject({ valid: false, statusValue: 1, status: 'revoked' });
    // the library's own status handling (default validator) refuses it too
    const strict = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: signatureVerifier(keys) });
    await expect(strict.verify(license.credential)).rejects.toThrow(/status is not valid/i);
  });

  it('sees suspension (2), reinstatement (0) and cancellation (3)', async () => {
    const { license } = await issue(t);
    await change(t, license.identifier, 'suspend');
    expect(await verifyLicense(license.credential)).toMatchObject({ valid: false, statusValue: 2, status: 'suspended' });
    await change(t, license.identifier, 'reinstate');
    expect(await verifyLicense(license.credential)).toMatchObject({ valid: true, statusValue: 0 });
    await change(t, license.identifier, 'cancel');
    expect(await verifyLicense(license.credential)).toMatchObject({ valid: false, statusValue: 3, status: 'cancelled' });
  });

  it('verifies a minimised credential that discloses only some fields', async () => {
    const { license } = await issue(t);
    const keys = await issuerKeys(license.credential);
    const holder = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: signatureVerifier(keys) });
    const presented = await holder.present(license.credential, { name: true, legalRepresentative: true });
    const result = await verifyLicense(presented);
    expect(result.valid).toBe(true);
    expect(result.claims.name).toBe(license.data.name);
    expect(result.claims.legalRepresentative).toBe(license.data.legalRepresentative);
    expect(result.claims).not.toHaveProperty('domicile');
    expect(result.claims).not.toHaveProperty('registeredCapital');
  });

  it('rejects a changed disclosure, a disclosure from another credential and a changed payload', async () => {
    const { license } = await issue(t);
    const { license: other } = await issue(t);
    const nameIndex = (parts: string[]) => parts.findIndex((p, i) => i > 0 && p !== '' && JSON.parse(Buffer.from(p, 'base64url').toString())[1] === 'name');

    const changed = license.credential.split('~');
    const [salt] = JSON.parse(Buffer.from(changed[nameIndex(changed)], 'base64url').toString());
    changed[nameIndex(changed)] = Buffer.from(JSON.stringify([salt, 'name', '伪造有限公司'])).toString('base64url');
    await expect(verifyLicense(changed.join('~'))).rejects.toThrow(/not signed by the issuer/);

    const swapped = license.credential.split('~');
    const otherParts = other.credential.split('~');
    swapped[nameIndex(swapped)] = otherParts[nameIndex(otherParts)];
    await expect(verifyLicense(swapped.join('~'))).rejects.toThrow(/not signed by the issuer/);

    const [jwt, ...rest] = license.credential.split('~');
    const [header, payload, signature] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.holderCode = claims.sub = JSON.parse(Buffer.from(other.credential.split('.')[1], 'base64url').toString()).holderCode;
    const forged = [`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`, ...rest].join('~');
    await expect(verifyLicense(forged)).rejects.toThrow(/signature/i);
  });

  it('rejects a credential whose validity window has ended (exp = start of the day after validUntil, Asia/Shanghai)', async () => {
    const chinaToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.parse(`${chinaToday}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const { license } = await issue(t, { establishedOn: '2014-06-01', businessTermFrom: '2014-06-01', issuedOn: '2014-06-01', businessTermTo: yesterday });
    const { exp, validUntil } = decodeJwt(license.credential.split('~')[0]);
    expect(validUntil).toBe(yesterday);
    expect(exp).toBe(Date.parse(`${chinaToday}T00:00:00+08:00`) / 1000);
    await expect(verifyLicense(license.credential)).rejects.toThrow(/expired/);
  });

  it('verifies an SM2 credential (alg SM2, JWK kty EC crv SM2) with sm-crypto', async () => {
    const { request, license } = await issue(sm2);
    const { alg, kid, typ } = decodeProtectedHeader(license.credential.split('~')[0]);
    expect({ alg, typ }).toEqual({ alg: 'SM2', typ: 'dc+sd-jwt' });
    const keys = await issuerKeys(license.credential);
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ kty: 'EC', crv: 'SM2', alg: 'SM2' });

    const result = await verifyLicense(license.credential);
    expect(result).toMatchObject({ valid: true, statusValue: 0 });
    expect(result.claims.holderCode).toBe(request.holder.code);
    expect(result.claims.name).toBe(request.data.name);

    // a signature under another user id than the default does not verify: the SM2 parameters matter
    const [jwt] = license.credential.split('~');
    const signingInput = jwt.slice(0, jwt.lastIndexOf('.'));
    const jwk = keys.find((k) => k.kid === kid)!;
    const publicKeyHex = `04${Buffer.from(jwk.x!, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
    const signatureHex = Buffer.from(jwt.slice(jwt.lastIndexOf('.') + 1), 'base64url').toString('hex');
    expect(smCrypto.sm2.doVerifySignature(signingInput, signatureHex, publicKeyHex, { der: false, hash: true, userId: '1234567812345678' })).toBe(true);
    expect(smCrypto.sm2.doVerifySignature(signingInput, signatureHex, publicKeyHex, { der: false, hash: true, userId: 'another-user-id' })).toBe(false);

    await change(sm2, license.identifier, 'revoke');
    expect(await verifyLicense(license.credential)).toMatchObject({ valid: false, statusValue: 1, status: 'revoked' });
  });

  it("does not accept one platform's credential with another's keys", async () => {
    const { license } = await issue(t);
    const sm2Keys = await issuerKeys((await issue(sm2)).license.credential);
    const verifier = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: signatureVerifier(sm2Keys) });
    await expect(verifier.verify(license.credential)).rejects.toThrow(/signature/i);
  });
});
