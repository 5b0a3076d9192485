import { randomBytes, verify as nodeVerify, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  decryptAtRest,
  encryptAtRest,
  generateSigningKey,
  jwkThumbprint,
  loadSigningKey,
  verificationKeyFromJwk,
  type SigningAlgorithm,
} from './keys.ts';

const masterKey = randomBytes(32);
const data = Buffer.from('1.2.156.3005.2 营业执照 signing input');

describe('encryption at rest', () => {
  it('round-trips and binds the AAD', () => {
    const secret = randomBytes(32);
    const sealed = encryptAtRest(masterKey, secret, 'kid-1');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    // iv 12 + tag 16 + 32 bytes of ciphertext
    expect(Buffer.from(sealed, 'base64url')).toHaveLength(60);
    expect(decryptAtRest(masterKey, sealed, 'kid-1').equals(secret)).toBe(true);
    expect(() => decryptAtRest(masterKey, sealed, 'kid-2')).toThrow(/decryption failed/);
  });

  it('uses a fresh IV each time', () => {
    const secret = Buffer.from('same plaintext');
    expect(encryptAtRest(masterKey, secret, 'a')).not.toBe(encryptAtRest(masterKey, secret, 'a'));
  });

  it('fails with a wrong master key or a flipped bit', () => {
    const sealed = encryptAtRest(masterKey, Buffer.from('secret'), 'aad');
    expect(() => decryptAtRest(randomBytes(32), sealed, 'aad')).toThrow(/wrong master key/);
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => decryptAtRest(masterKey, raw.toString('base64url'), 'aad')).toThrow(/decryption failed/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => encryptAtRest(randomBytes(16), Buffer.from('x'), 'aad')).toThrow(/32 bytes/);
  });
});

describe.each<SigningAlgorithm>(['EdDSA', 'SM2'])('%s signing keys', (alg) => {
  it('generates a key whose kid is the RFC 7638 thumbprint (checked with jose)', async () => {
    const { key, stored } = generateSigningKey(alg, masterKey);
    expect(key.kid).toBe(stored.kid);
    expect(key.kid).toBe(key.publicJwk.kid);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(key.publicJwk).toMatchObject(
      alg === 'EdDSA' ? { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' } : { kty: 'EC', crv: 'SM2', alg: 'SM2', use: 'sig' },
    );
    expect(Buffer.from(key.publicJwk.x, 'base64url')).toHaveLength(32);
    if (alg === 'SM2') expect(Buffer.from(key.publicJwk.y!, 'base64url')).toHaveLength(32);
    expect(stored.privateKeyEncrypted).not.toContain(key.publicJwk.x);
  });

  it('keeps its kid and signing ability across store and load', () => {
    const { key, stored } = generateSigningKey(alg, masterKey);
    const loaded = loadSigningKey(JSON.parse(JSON.stringify(stored)), masterKey);
    expect(loaded.kid).toBe(key.kid);
    expect(jwkThumbprint(loaded.publicJwk)).toBe(key.kid);
    const verifier = verificationKeyFromJwk(stored.publicJwk);
    const signature = loaded.sign(data);
    expect(signature).toHaveLength(64);
    expect(verifier.verify(data, signature)).toBe(true);
    expect(verifier.verify(data, key.sign(data))).toBe(true);
  });

  it('gives different keys different kids', () => {
    expect(generateSigningKey(alg, masterKey).key.kid).not.toBe(generateSigningKey(alg, masterKey).key.kid);
  });

  it('throws a clear error when the master key is wrong', () => {
    const { stored } = generateSigningKey(alg, masterKey);
    expect(() => loadSigningKey(stored, randomBytes(32))).toThrow(/wrong master key/);
  });

  it('refuses a record whose public JWK was swapped for another key', () => {
    const a = generateSigningKey(alg, masterKey).stored;
    const b = generateSigningKey(alg, masterKey).stored;
    expect(() => loadSigningKey({ ...a, publicJwk: b.publicJwk }, masterKey)).toThrow(/thumbprint/);
    // same kid as the record but another key's ciphertext: AAD (kid) no longer matches
    expect(() => loadSigningKey({ ...a, privateKeyEncrypted: b.privateKeyEncrypted }, masterKey)).toThrow(/wrong master key/);
  });

  it('rejects wrong data, flipped signatures and wrong lengths', () => {
    const { key } = generateSigningKey(alg, masterKey);
    const verifier = verificationKeyFromJwk(key.publicJwk);
    const signature = key.sign(data);
    expect(verifier.verify(Buffer.from('other data'), signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[10] ^= 0x40;
    expect(verifier.verify(data, flipped)).toBe(false);
    expect(verifier.verify(data, signature.subarray(0, 63))).toBe(false);
    expect(verifier.verify(data, Buffer.alloc(64))).toBe(false);
    const other = generateSigningKey(alg, masterKey).key;
    expect(verificationKeyFromJwk(other.publicJwk).verify(data, signature)).toBe(false);
  });

  it('survives object spread (keys are plain objects)', () => {
    const { key } = generateSigningKey(alg, masterKey);
    const spreadKey = { ...key };
    const spreadVerifier = { ...verificationKeyFromJwk(key.publicJwk), retired: false };
    expect(spreadVerifier.verify(data, spreadKey.sign(data))).toBe(true);
  });
});

describe('Ed25519 specifics', () => {
  it('produces standard Ed25519 signatures (node:crypto verifies them)', () => {
    const { key } = generateSigningKey('EdDSA', masterKey);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x }, format: 'jwk' });
    expect(nodeVerify(null, data, publicKey, key.sign(data))).toBe(true);
  });
});

describe('SM2 specifics', () => {
  it('rejects signatures with r or s outside [1, n-1]', () => {
    const { key } = generateSigningKey('SM2', masterKey);
    const verifier = verificationKeyFromJwk(key.publicJwk);
    const signature = key.sign(data);
    const n = Buffer.from('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123', 'hex');
    // s + n is the same residue mod n: a verifier without range checks would accept it if it fit;
    // r = n and s = 0 must be rejected outright.
    expect(verifier.verify(data, Buffer.concat([n, signature.subarray(32)]))).toBe(false);
    expect(verifier.verify(data, Buffer.concat([signature.subarray(0, 32), Buffer.alloc(32)]))).toBe(false);
  });

  it('refuses a JWK that is not a point on the curve', () => {
    const { key } = generateSigningKey('SM2', masterKey);
    const y = Buffer.from(key.publicJwk.y!, 'base64url');
    y[31] ^= 1;
    expect(() => verificationKeyFromJwk({ ...key.publicJwk, y: y.toString('base64url') })).toThrow(/curve/);
  });

  it('refuses a JWK of the wrong type for its alg', () => {
    const { key } = generateSigningKey('EdDSA', masterKey);
    expect(() => verificationKeyFromJwk({ ...key.publicJwk, alg: 'SM2' })).toThrow();
    expect(() => verificationKeyFromJwk({ ...key.publicJwk, alg: 'ES256' })).toThrow(/unsupported/);
  });
});
