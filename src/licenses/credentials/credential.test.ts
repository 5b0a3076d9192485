import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, verificationKeyFromJwk, type SigningAlgorithm } from '../../platform/crypto/keys.ts';
import {
  CredentialError,
  CredentialFormatError,
  issueCredential,
  parseCredential,
  presentCredential,
  verifyCredentialSignature,
  type CredentialMetadata,
} from './credential.ts';

const masterKey = randomBytes(32);

const meta: CredentialMetadata = {
  identifier: '1.2.156.3005.2.11100000000013338W.330000.0000001.001.X',
  version: 2,
  vct: 'https://certbridge.example/vct/business-license/v1',
  licenseTypeCode: '11100000000013338W',
  licenseName: '营业执照',
  issuerCode: '11330000002482180X',
  issuerName: '浙江省市场监督管理局',
  holderCode: '91330106MA2B3C4D5E',
  holderCodeType: '001',
  validFrom: '2024-01-01',
  validUntil: '2043-12-31',
  issuedAt: new Date('2024-05-01T02:03:04.567Z'),
};

const fields = {
  creditCode: '91330106MA2B3C4D5E',
  name: '杭州某某科技有限公司',
  legalRepresentative: '张三',
  registeredCapital: { amount: 10_000_000, currency: 'CNY' },
  establishedOn: '2024-01-01',
  domicile: '浙江省杭州市西湖区某某路1号',
  businessScope: '技术服务、技术开发；软件开发。',
  branchCount: 0,
  listed: false,
};

const status = { uri: 'https://certbridge.example/status/7', idx: 4242 };

function issue(alg: SigningAlgorithm, overrides: Partial<CredentialMetadata> = {}) {
  const { key } = generateSigningKey(alg, masterKey);
  const verifier = verificationKeyFromJwk(key.publicJwk);
  const resolve = (kid: string) => (kid === key.kid ? verifier : undefined);
  const sdJwt = issueCredential({ key, issuerUrl: 'https://certbridge.example', status, meta: { ...meta, ...overrides }, fields });
  return { key, resolve, sdJwt };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as CredentialError).code;
  }
  return undefined;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe.each<SigningAlgorithm>(['EdDSA', 'SM2'])('%s credential', (alg) => {
  it('round-trips: every field disclosed and verified', () => {
    const { key, resolve, sdJwt } = issue(alg);
    expect(sdJwt.endsWith('~')).toBe(true);
    expect(sdJwt.split('~')).toHaveLength(Object.keys(fields).length + 2);
    const { header, payload, disclosed } = verifyCredentialSignature(sdJwt, resolve);
    expect(header).toEqual({ typ: 'dc+sd-jwt', alg, kid: key.kid });
    expect(disclosed).toEqual(fields);
    expect(payload).toMatchObject({
      iss: 'https://certbridge.example',
      sub: meta.holderCode,
      iat: Math.floor(meta.issuedAt.getTime() / 1000),
      vct: meta.vct,
      status: { status_list: status },
      identifier: meta.identifier,
      version: 2,
      licenseTypeCode: meta.licenseTypeCode,
      licenseName: meta.licenseName,
      issuerCode: meta.issuerCode,
      issuerName: meta.issuerName,
      holderCode: meta.holderCode,
      holderCodeType: '001',
      validFrom: '2024-01-01',
      validUntil: '2043-12-31',
      _sd_alg: 'sha-256',
    });
    // no business field leaks into the always-disclosed payload
    for (const name of Object.keys(fields)) expect(payload).not.toHaveProperty(name);
  });

  it('detects a tampered payload (bad-signature) and a tampered disclosure (disclosure-mismatch)', () => {
    const { resolve, sdJwt } = issue(alg);
    const [jwt, ...rest] = sdJwt.split('~');
    const [h, p, s] = jwt.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${b64json({ ...payload, holderCode: '91330106MA2B3C4D6F' })}.${s}`;
    expect(codeOf(() => verifyCredentialSignature([forged, ...rest].join('~'), resolve))).toBe('bad-signature');

    const d = parseCredential(sdJwt).disclosures.find((x) => x.name === 'legalRepresentative')!;
    const changed = b64json([d.salt, d.name, '李四']);
    expect(codeOf(() => verifyCredentialSignature(sdJwt.replace(d.encoded, changed), resolve))).toBe('disclosure-mismatch');
  });
});

describe('credential payload', () => {
  it('sets nbf/exp from the dates in Asia/Shanghai; exp is when the last valid day ends', () => {
    const { payload } = parseCredential(issue('EdDSA').sdJwt);
    expect(payload.nbf).toBe(Date.parse('2024-01-01T00:00:00+08:00') / 1000);
    expect(payload.exp).toBe(Date.parse('2044-01-01T00:00:00+08:00') / 1000);
  });

  it('omits exp for a long-term (长期) license', () => {
    const { payload } = parseCredential(issue('EdDSA', { validUntil: null }).sdJwt);
    expect(payload).not.toHaveProperty('exp');
    expect(payload.validUntil).toBeNull();
  });

  it('refuses impossible dates and reserved field names', () => {
    expect(() => issue('EdDSA', { validFrom: '2023-02-29' })).toThrow(/validFrom/);
    expect(() => issue('EdDSA', { validUntil: '2024/12/31' })).toThrow(/validUntil/);
    const { key } = generateSigningKey('EdDSA', masterKey);
    for (const name of ['iss', '_sd', 'holderCode', 'status']) {
      expect(() => issueCredential({ key, issuerUrl: 'https://x', status, meta, fields: { [name]: 'x' } })).toThrow(/reserved/);
    }
  });

  it('lists sorted SHA-256 digests of the disclosures, with fresh 128-bit salts', () => {
    const { sdJwt } = issue('EdDSA');
    const { payload, disclosures } = parseCredential(sdJwt);
    const sd = payload._sd as string[];
    expect(sd).toEqual([...sd].sort());
    expect(new Set(sd)).toEqual(new Set(disclosures.map((d) => d.digest)));
    for (const d of disclosures) {
      expect(d.digest).toBe(createHash('sha256').update(d.encoded, 'ascii').digest('base64url'));
      expect(JSON.parse(Buffer.from(d.encoded, 'base64url').toString())).toEqual([d.salt, d.name, d.value]);
      expect(Buffer.from(d.salt, 'base64url')).toHaveLength(16);
    }
    const again = parseCredential(issue('EdDSA').sdJwt).disclosures.map((d) => d.salt);
    const salts = new Set([...disclosures.map((d) => d.salt), ...again]);
    expect(salts.size).toBe(disclosures.length * 2);
  });
});

describe('presentCredential', () => {
  it('keeps the issuer JWT and exactly the disclosures of the named fields', () => {
    const { resolve, sdJwt } = issue('EdDSA');
    const presented = presentCredential(sdJwt, ['name', 'creditCode', 'notAField']).credential;
    expect(presented.split('~')[0]).toBe(sdJwt.split('~')[0]);
    expect(presented.endsWith('~')).toBe(true);
    const { disclosures } = parseCredential(presented);
    expect(disclosures.map((d) => d.name)).toEqual(['creditCode', 'name']);
    const original = parseCredential(sdJwt).disclosures;
    for (const d of disclosures) expect(original.some((o) => o.encoded === d.encoded)).toBe(true);
    expect(verifyCredentialSignature(presented, resolve).disclosed).toEqual({ creditCode: fields.creditCode, name: fields.name });
  });

  it('reads names quickly but never misreads one: the same disclosures as a full parse, and their values, whatever the text', () => {
    const { key } = generateSigningKey('EdDSA', Buffer.alloc(32, 7));
    const odd = { name: '济南"示例"科技有限公司', registeredCapital: '100万元人民币', establishedOn: '2020-05-01', businessTermTo: null, domicile: '经十路1号\n二楼', note: { a: [1, '","'] } };
    const sdJwt = issueCredential({
      key,
      issuerUrl: 'https://certbridge.example',
      status: { uri: 'https://certbridge.example/api/v1/status-lists/0', idx: 1 },
      meta: { ...meta, identifier: 'id' },
      fields: odd,
    });
    for (const keep of [[], ['name'], ['registeredCapital', 'name', 'note'], Object.keys(odd), ['unknown']]) {
      const presented = presentCredential(sdJwt, keep);
      const reference = `${[sdJwt.split('~')[0], ...parseCredential(sdJwt).disclosures.filter((d) => keep.includes(d.name)).map((d) => d.encoded)].join('~')}~`;
      expect(presented.credential).toBe(reference);
      expect(presented.fields).toEqual(Object.fromEntries(Object.entries(odd).filter(([k]) => keep.includes(k))));
    }
  });

  it('can drop every disclosure', () => {
    const { resolve, sdJwt } = issue('SM2');
    const presented = presentCredential(sdJwt, []).credential;
    expect(presented).toBe(`${sdJwt.split('~')[0]}~`);
    expect(verifyCredentialSignature(presented, resolve).disclosed).toEqual({});
  });
});

describe('verifyCredentialSignature failures', () => {
  const { key, resolve, sdJwt } = issue('EdDSA');
  const [jwt, ...rest] = sdJwt.split('~');

  it('unknown-key for a kid we do not know', () => {
    expect(codeOf(() => verifyCredentialSignature(sdJwt, () => undefined))).toBe('unknown-key');
  });

  it('bad-signature when signed by another key under our kid', () => {
    const other = issue('EdDSA').sdJwt;
    const [h] = jwt.split('.');
    const [, p, s] = other.split('~')[0].split('.');
    expect(codeOf(() => verifyCredentialSignature(`${h}.${p}.${s}~`, resolve))).toBe('bad-signature');
  });

  it('wrong-typ for a JWT that is not dc+sd-jwt', () => {
    const [, p, s] = jwt.split('.');
    const h = b64json({ typ: 'JWT', alg: 'EdDSA', kid: key.kid });
    expect(codeOf(() => verifyCredentialSignature(`${h}.${p}.${s}~`, resolve))).toBe('wrong-typ');
  });

  it('disclosure-mismatch for a repeated disclosure or one the issuer never signed', () => {
    expect(codeOf(() => verifyCredentialSignature(`${jwt}~${rest[0]}~${rest[0]}~`, resolve))).toBe('disclosure-mismatch');
    const foreign = b64json(['c2FsdHNhbHRzYWx0c2FsdA', 'name', '冒名公司']);
    expect(codeOf(() => verifyCredentialSignature(`${jwt}~${foreign}~`, resolve))).toBe('disclosure-mismatch');
  });

  it('malformed: missing trailing ~, key binding JWT, bad disclosures, bad JWT', () => {
    const cases = [
      jwt,
      `${sdJwt}eyJhbGciOiJFZERTQSJ9.e30.c2ln`,
      `${jwt}~~`,
      `${jwt}~${b64json(['salt', 'name'])}~`,
      `${jwt}~${b64json({ salt: 's' })}~`,
      `${jwt}~${b64json(['salt', '_sd', 'x'])}~`,
      `${jwt}~${b64json(['salt', '__proto__', { polluted: true }])}~`,
      `${jwt}~%%%~`,
      'not-a-jwt~',
      '',
    ];
    for (const c of cases) {
      expect(() => parseCredential(c)).toThrow(CredentialFormatError);
      expect(codeOf(() => verifyCredentialSignature(c, resolve))).toBe('malformed');
    }
  });
});
