/**
 * Third-party interop: what our hand-written SD-JWT VC encoder and status lists produce is read by
 * the @sd-jwt reference libraries and jose, and what @sd-jwt issues, our verifier accepts.
 */
import { generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT, StatusList } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, verificationKeyFromJwk, type PublicJwk } from '../../platform/crypto/keys.ts';
import { issueCredential, presentCredential, verifyCredentialSignature, type CredentialMetadata } from './credential.ts';
import { decodeStatusList, signStatusListToken, STATUS } from '../statusLists/statusList.ts';

const masterKey = randomBytes(32);
const { key } = generateSigningKey('EdDSA', masterKey);
const statusUri = 'https://certbridge.example/status/3';

const meta: CredentialMetadata = {
  identifier: '1.2.156.3005.2.11100000000013338W.330000.0000001.001.X',
  version: 1,
  vct: 'https://certbridge.example/vct/business-license/v1',
  licenseTypeCode: '11100000000013338W',
  licenseName: '营业执照',
  issuerCode: '11330000002482180X',
  issuerName: '浙江省市场监督管理局',
  holderCode: '91330106MA2B3C4D5E',
  holderCodeType: '001',
  validFrom: '2024-01-01',
  validUntil: '2043-12-31',
  issuedAt: new Date('2024-05-01T02:03:04Z'),
};

const fields = {
  creditCode: '91330106MA2B3C4D5E',
  name: '杭州某某科技有限公司',
  legalRepresentative: '张三',
  registeredCapital: '1000万元人民币',
  domicile: '浙江省杭州市西湖区某某路1号',
  businessScope: '技术服务、技术开发；软件开发。',
};

const statuses: [number, number][] = [
  [0, STATUS.revoked],
  [1, STATUS.suspended],
  [2, STATUS.cancelled],
  [5, STATUS.revoked],
  [1000, STATUS.suspended],
];
const now = Date.parse('2025-06-01T00:00:00Z') / 1000;
const statusToken = signStatusListToken({
  key,
  uri: statusUri,
  size: 2048,
  entries: statuses,
  issuedAt: new Date(now * 1000),
  ttlSeconds: 600,
});

function credentialAt(idx: number): string {
  return issueCredential({ key, issuerUrl: 'https://certbridge.example', status: { uri: statusUri, idx }, meta, fields });
}

/** An @sd-jwt/sd-jwt-vc verifier whose signature check is jose's, and whose status list is ours. */
async function thirdPartyVerifier(publicJwk: PublicJwk) {
  const publicKey = await importJWK(publicJwk, 'EdDSA');
  const verifier = async (data: string, signature: string) => {
    try {
      await compactVerify(`${data}.${signature}`, publicKey, { algorithms: ['EdDSA'] });
      return true;
    } catch {
      return false;
    }
  };
  const fetched: string[] = [];
  const seenStatuses: number[] = [];
  const instance = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier,
    statusListFetcher: async (uri: string) => {
      fetched.push(uri);
      return statusToken;
    },
    statusValidator: async (status: number) => {
      seenStatuses.push(status);
    },
  });
  return { instance, fetched, seenStatuses };
}

describe('our SD-JWT VC read by @sd-jwt/sd-jwt-vc 0.19 and jose', () => {
  it('verifies, with claims and disclosed fields matching', async () => {
    const { instance, fetched, seenStatuses } = await thirdPartyVerifier(key.publicJwk);
    const credential = credentialAt(7);
    const { payload, header } = await instance.verify(credential, { currentDate: now });
    expect(header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'EdDSA', kid: key.kid });
    expect(payload).toMatchObject({
      ...fields,
      iss: 'https://certbridge.example',
      sub: meta.holderCode,
      vct: meta.vct,
      identifier: meta.identifier,
      holderCode: meta.holderCode,
      validUntil: '2043-12-31',
      status: { status_list: { idx: 7, uri: statusUri } },
    });
    expect(payload).not.toHaveProperty('_sd');
    // the library fetched our status list, verified its signature and read entry 7
    expect(fetched).toEqual([statusUri]);
    expect(seenStatuses).toEqual([STATUS.valid]);
    // and it agrees with ours on what the disclosures are
    expect(await instance.keys(credential)).toEqual(expect.arrayContaining(Object.keys(fields)));
    expect(verifyCredentialSignature(credential, () => verificationKeyFromJwk(key.publicJwk)).disclosed).toEqual(fields);
  });

  it('verifies a presented (minimised) credential showing only the kept fields', async () => {
    const { instance } = await thirdPartyVerifier(key.publicJwk);
    const credential = credentialAt(8);
    const presented = presentCredential(credential, ['name', 'creditCode']).credential;
    const { payload } = await instance.verify(presented, { currentDate: now });
    expect(payload.name).toBe(fields.name);
    expect(payload.creditCode).toBe(fields.creditCode);
    for (const hidden of ['legalRepresentative', 'registeredCapital', 'domicile', 'businessScope']) {
      expect(payload).not.toHaveProperty(hidden);
    }
    // the library's own presentation of the same fields carries the same disclosures
    const theirs = await instance.present(credential, { name: true, creditCode: true });
    expect(new Set(theirs.split('~').filter(Boolean))).toEqual(new Set(presented.split('~').filter(Boolean)));
  });

  it('rejects what we reject: tampered disclosure, foreign key, not yet valid', async () => {
    const credential = credentialAt(9);
    const { instance } = await thirdPartyVerifier(key.publicJwk);
    const parts = credential.split('~');
    const [salt, name] = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    parts[1] = Buffer.from(JSON.stringify([salt, name, '伪造'])).toString('base64url');
    // @sd-jwt 0.19 drops a disclosure whose digest the issuer did not sign instead of rejecting the
    // whole SD-JWT (which the SD-JWT spec asks for, and we do); either way the forged value never shows.
    const tampered = parts.join('~');
    const lenient = await instance.verify(tampered, { currentDate: now }).then((r) => r.payload, () => undefined);
    if (lenient) {
      expect(lenient).not.toHaveProperty(name);
      expect(Object.values(lenient)).not.toContain('伪造');
    }
    expect(() => verifyCredentialSignature(tampered, () => verificationKeyFromJwk(key.publicJwk))).toThrow(/not in the issuer/);

    const other = await thirdPartyVerifier(generateSigningKey('EdDSA', masterKey).key.publicJwk);
    await expect(other.instance.verify(credential, { currentDate: now })).rejects.toThrow(/signature/i);

    // nbf is 2024-01-01T00:00+08:00
    await expect(instance.verify(credential, { currentDate: Date.parse('2023-12-31T15:59:00Z') / 1000 })).rejects.toThrow(
      /not yet valid/,
    );
  });

  it('hands the status of a revoked entry to the validator', async () => {
    const { instance, seenStatuses } = await thirdPartyVerifier(key.publicJwk);
    await instance.verify(credentialAt(5), { currentDate: now });
    expect(seenStatuses).toEqual([STATUS.revoked]);
  });

  it('the issuer JWT verifies with jose compactVerify', async () => {
    const jwt = credentialAt(1).split('~')[0];
    const { protectedHeader, payload } = await compactVerify(jwt, await importJWK(key.publicJwk, 'EdDSA'));
    expect(protectedHeader).toEqual({ typ: 'dc+sd-jwt', alg: 'EdDSA', kid: key.kid });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toMatchObject({ iss: 'https://certbridge.example', _sd_alg: 'sha-256' });
    expect(claims._sd).toHaveLength(Object.keys(fields).length);
  });
});

describe('our status list token read by @sd-jwt/jwt-status-list', () => {
  it('gives the same statuses for every entry', async () => {
    const list = getListFromStatusListJWT(statusToken);
    expect(list.getBitsPerStatus()).toBe(2);
    const ours = decodeStatusList(getListFromStatusListJWT(statusToken).compressStatusList(), 2);
    const expected = new Map(statuses);
    for (let i = 0; i < 2048; i++) {
      expect(list.getStatus(i)).toBe(expected.get(i) ?? STATUS.valid);
      expect(ours(i)).toBe(list.getStatus(i));
    }
    expect(decodeProtectedHeader(statusToken)).toEqual({ typ: 'statuslist+jwt', alg: 'EdDSA', kid: key.kid });
    await expect(compactVerify(statusToken, await importJWK(key.publicJwk, 'EdDSA'))).resolves.toBeDefined();
  });

  it('reads a list the library compressed', () => {
    const values = Array.from({ length: 4096 }, (_, i) => (i * 7) % 4);
    const lst = new StatusList(values, 2).compressStatusList();
    const at = decodeStatusList(lst, 2);
    values.forEach((v, i) => expect(at(i)).toBe(v));
  });
});

describe('an SD-JWT VC issued by @sd-jwt/sd-jwt-vc, verified by us', () => {
  it('accepts it and sees the same disclosed fields', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const publicJwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string, kid: 'lib-key', alg: 'EdDSA', use: 'sig' };
    const issuer = new SDJwtVcInstance({
      hasher: digest,
      hashAlg: 'sha-256',
      saltGenerator: generateSalt,
      signAlg: 'EdDSA',
      signer: (data: string) => nodeSign(null, Buffer.from(data), privateKey).toString('base64url'),
    });
    const credential = await issuer.issue(
      { iss: 'https://other.example', iat: now, vct: meta.vct, ...fields },
      { _sd: ['name', 'legalRepresentative', 'domicile'] },
      { header: { kid: 'lib-key' } },
    );
    const verifier = verificationKeyFromJwk(publicJwk);
    const { disclosed, payload, header } = verifyCredentialSignature(credential, (kid) => (kid === 'lib-key' ? verifier : undefined));
    expect(header.typ).toBe('dc+sd-jwt');
    expect(disclosed).toEqual({ name: fields.name, legalRepresentative: fields.legalRepresentative, domicile: fields.domicile });
    expect(payload.creditCode).toBe(fields.creditCode);
    const minimised = presentCredential(credential, ['name']).credential;
    expect(verifyCredentialSignature(minimised, () => verifier).disclosed).toEqual({ name: fields.name });
  });
});
