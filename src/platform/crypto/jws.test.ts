import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCompactJws, JwsError, JwsFormatError, signCompactJws, verifyCompactJws } from './jws.ts';
import { generateSigningKey, verificationKeyFromJwk, type SigningAlgorithm } from './keys.ts';

const masterKey = randomBytes(32);

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as JwsError).code;
  }
  return undefined;
}

describe.each<SigningAlgorithm>(['EdDSA', 'SM2'])('%s compact JWS', (alg) => {
  const { key } = generateSigningKey(alg, masterKey);
  const verifier = verificationKeyFromJwk(key.publicJwk);
  const resolve = (kid: string) => (kid === key.kid ? verifier : undefined);

  it('signs and verifies; header gets alg and kid from the key', () => {
    const jws = signCompactJws(key, { typ: 'test+jwt', alg: 'none', kid: 'spoofed' }, { sub: '主体', n: 1 });
    const { header, payload } = verifyCompactJws(jws, resolve);
    expect(header).toEqual({ typ: 'test+jwt', alg, kid: key.kid });
    expect(payload).toEqual({ sub: '主体', n: 1 });
    const decoded = decodeCompactJws(jws);
    expect(decoded.signingInput.toString()).toBe(jws.slice(0, jws.lastIndexOf('.')));
    expect(decoded.signature).toHaveLength(64);
  });

  it('reports a tampered payload as bad-signature', () => {
    const jws = signCompactJws(key, {}, { sub: 'a' });
    const [h, , s] = jws.split('.');
    expect(codeOf(() => verifyCompactJws(`${h}.${b64({ sub: 'b' })}.${s}`, resolve))).toBe('bad-signature');
  });

  it('reports an unknown kid and an alg that does not match the key', () => {
    const jws = signCompactJws(key, {}, { sub: 'a' });
    expect(codeOf(() => verifyCompactJws(jws, () => undefined))).toBe('unknown-key');
    const [, p, s] = jws.split('.');
    const otherAlg = alg === 'EdDSA' ? 'SM2' : 'EdDSA';
    expect(codeOf(() => verifyCompactJws(`${b64({ alg: otherAlg, kid: key.kid })}.${p}.${s}`, resolve))).toBe('alg-mismatch');
    expect(codeOf(() => verifyCompactJws(`${b64({ alg: 'none', kid: key.kid })}.${p}.${s}`, resolve))).toBe('alg-mismatch');
  });
});

describe('malformed JWS', () => {
  const { key } = generateSigningKey('EdDSA', masterKey);
  const good = signCompactJws(key, {}, { a: 1 });
  const [h, p, s] = good.split('.');
  const cases: Record<string, string> = {
    'two segments': `${h}.${p}`,
    'four segments': `${good}.x`,
    'empty signature': `${h}.${p}.`,
    'non-base64url header': `${h}!.${p}.${s}`,
    'header not JSON': `${Buffer.from('{nope').toString('base64url')}.${p}.${s}`,
    'payload an array': `${h}.${b64([1, 2])}.${s}`,
    'payload null': `${h}.${b64(null)}.${s}`,
  };
  for (const [name, jws] of Object.entries(cases)) {
    it(`rejects ${name}`, () => {
      expect(() => decodeCompactJws(jws)).toThrow(JwsFormatError);
      expect(codeOf(() => decodeCompactJws(jws))).toBe('malformed');
    });
  }

  it('rejects a header without kid, and any crit', () => {
    const resolve = () => verificationKeyFromJwk(key.publicJwk);
    expect(codeOf(() => verifyCompactJws(`${b64({ alg: 'EdDSA' })}.${p}.${s}`, resolve))).toBe('malformed');
    expect(codeOf(() => verifyCompactJws(`${b64({ alg: 'EdDSA', kid: key.kid, crit: ['b64'], b64: false })}.${p}.${s}`, resolve))).toBe(
      'malformed',
    );
  });
});
