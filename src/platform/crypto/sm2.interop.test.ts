/**
 * SM2/SM3 interop with the original sm-crypto (JuneAndGreen), the library most Chinese government
 * systems use: what we sign, it verifies; what it signs, we verify.
 */
import { getHashes, createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { sm3 as v2Sm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, SM2_DEFAULT_USER_ID, verificationKeyFromJwk, type PublicJwk } from './keys.ts';

// sm-crypto ships no types: describe the part we use.
interface SmCrypto {
  sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doSignature(msg: string | number[] | Uint8Array, privateKey: string, opts?: { der?: boolean; hash?: boolean; publicKey?: string; userId?: string }): string;
    doVerifySignature(msg: string | number[] | Uint8Array, sigHex: string, publicKey: string, opts?: { der?: boolean; hash?: boolean; userId?: string }): boolean;
  };
  sm3(input: string | number[] | Uint8Array): string;
}
const smCrypto = createRequire(import.meta.url)('sm-crypto') as SmCrypto;

const masterKey = randomBytes(32);

function publicHexOf(jwk: PublicJwk): string {
  return `04${Buffer.from(jwk.x, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
}

function jwkOf(publicHex: string): PublicJwk {
  const x = Buffer.from(publicHex.slice(2, 66), 'hex').toString('base64url');
  const y = Buffer.from(publicHex.slice(66, 130), 'hex').toString('base64url');
  return { kty: 'EC', crv: 'SM2', x, y, kid: 'sm-crypto-key', alg: 'SM2', use: 'sig' };
}

const messages = [
  Buffer.from('eyJ0eXAiOiJkYytzZC1qd3QifQ.eyJpc3MiOiJodHRwczovL2V4YW1wbGUifQ', 'latin1'),
  Buffer.from('营业执照 91330000MA2B3C4D5E', 'utf8'),
  Buffer.alloc(0),
  randomBytes(1000),
];

describe('SM2 interop with sm-crypto 0.5.8', () => {
  it('our signatures verify with sm-crypto (SM3 digest, default user id, raw r||s)', () => {
    const { key } = generateSigningKey('SM2', masterKey);
    const publicHex = publicHexOf(key.publicJwk);
    for (const msg of messages) {
      const sigHex = key.sign(msg).toString('hex');
      expect(sigHex).toHaveLength(128);
      expect(smCrypto.sm2.doVerifySignature(msg, sigHex, publicHex, { der: false, hash: true })).toBe(true);
      expect(smCrypto.sm2.doVerifySignature(msg, sigHex, publicHex, { der: false, hash: true, userId: SM2_DEFAULT_USER_ID })).toBe(true);
      // a different user id gives a different Z_A: the signature must not verify under it
      expect(smCrypto.sm2.doVerifySignature(msg, sigHex, publicHex, { der: false, hash: true, userId: 'other-user-id' })).toBe(false);
    }
  });

  it("sm-crypto's signatures verify with our VerificationKey", () => {
    const pair = smCrypto.sm2.generateKeyPairHex();
    const verifier = verificationKeyFromJwk(jwkOf(pair.publicKey));
    for (const msg of messages) {
      const sigHex = smCrypto.sm2.doSignature(msg, pair.privateKey, { der: false, hash: true });
      expect(verifier.verify(msg, Buffer.from(sigHex, 'hex'))).toBe(true);
      const wrong = Buffer.concat([msg, Buffer.from('x')]);
      expect(verifier.verify(wrong, Buffer.from(sigHex, 'hex'))).toBe(false);
    }
  });

  it('a UTF-8 string signed by sm-crypto verifies as its bytes', () => {
    const pair = smCrypto.sm2.generateKeyPairHex();
    const text = '浙江省市场监督管理局';
    const sigHex = smCrypto.sm2.doSignature(text, pair.privateKey, { der: false, hash: true });
    expect(verificationKeyFromJwk(jwkOf(pair.publicKey)).verify(Buffer.from(text, 'utf8'), Buffer.from(sigHex, 'hex'))).toBe(true);
  });
});

describe('SM3', () => {
  const vector = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'; // GB/T 32905 A.1: "abc"

  it('sm-crypto and sm-crypto-v2 give the GB/T 32905 test vector', () => {
    expect(smCrypto.sm3('abc')).toBe(vector);
    expect(v2Sm3('abc')).toBe(vector);
  });

  it.runIf(getHashes().includes('sm3'))("Node's built-in SM3 equals sm-crypto's", () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(vector);
    const long = randomBytes(4096);
    expect(createHash('sm3').update(long).digest('hex')).toBe(smCrypto.sm3(long));
  });
});
