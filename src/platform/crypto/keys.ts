/**
 * Signing keys, key ids and encryption of private keys at rest.
 *
 * Two algorithms:
 * - `EdDSA` (Ed25519, RFC 8037): the default, signed with node:crypto directly.
 * - `SM2` (GB/T 32918.2 with SM3, default user id "1234567812345678"): for deployments that need the
 *   national algorithms. JOSE has no registered name for it, so we use the private names
 *   `alg: "SM2"` and, in the JWK, `kty: "EC"`, `crv: "SM2"` with 32-byte big-endian `x`/`y`
 *   (the curve name of the expired draft-dang-webauthn-sm2). The JWS signature is the raw 64-byte
 *   r||s, the same layout sm-crypto uses with `{ der: false }`.
 *
 * Every function here is synchronous: issuing signs thousands of credentials a second and must not
 * pay for a promise per signature.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  getHashes,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { sm2, sm3 as jsSm3 } from 'sm-crypto-v2';

export type SigningAlgorithm = 'EdDSA' | 'SM2';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  kid: string;
  alg: string;
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  /** Synchronous: returns the JWS signature bytes (64 bytes for both algorithms). */
  sign(data: Buffer): Buffer;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  verify(data: Buffer, signature: Buffer): boolean;
}

export interface StoredKeyMaterial {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublicJwk;
  /** AES-256-GCM, base64url of iv|tag|ciphertext, AAD = kid. The plaintext is the raw 32-byte private key. */
  privateKeyEncrypted: string;
}

/** The user id GB/T 32918 and GM/T 0009 give as default; sm-crypto uses it too. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

// Order n of the SM2 curve (GB/T 32918.5): private keys and signature halves must lie in [1, n-1].
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

// ---------------------------------------------------------------------------------------------
// Encryption at rest
// ---------------------------------------------------------------------------------------------

const IV_BYTES = 12;
const TAG_BYTES = 16;

function checkMasterKey(masterKey: Buffer): void {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== 32) {
    throw new Error('master key must be 32 bytes (AES-256)');
  }
}

/** AES-256-GCM; returns base64url(iv | tag | ciphertext). The AAD binds the ciphertext to its record (e.g. the kid). */
export function encryptAtRest(masterKey: Buffer, plaintext: Buffer, aad: string): string {
  checkMasterKey(masterKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

export function decryptAtRest(masterKey: Buffer, sealed: string, aad: string): Buffer {
  checkMasterKey(masterKey);
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is too short to be AES-256-GCM output');
  const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from tampering; both mean the same to the operator.
    throw new Error('decryption failed: wrong master key, wrong AAD or corrupted data');
  }
}

// ---------------------------------------------------------------------------------------------
// Key ids
// ---------------------------------------------------------------------------------------------

/** RFC 7638 JWK thumbprint (SHA-256, base64url): required members only, in lexicographic order. */
export function jwkThumbprint(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>): string {
  let canonical: string;
  if (jwk.kty === 'OKP') {
    canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  } else if (jwk.kty === 'EC') {
    canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  } else {
    throw new Error(`unsupported JWK kty ${jwk.kty}`);
  }
  return createHash('sha256').update(canonical).digest('base64url');
}

// ---------------------------------------------------------------------------------------------
// SM3 (Node's OpenSSL SM3 is correct and much faster than JS; fall back where a build lacks it)
// ---------------------------------------------------------------------------------------------

const NODE_HAS_SM3 = getHashes().includes('sm3');

function sm3Concat(a: Uint8Array, b: Uint8Array): Buffer {
  if (NODE_HAS_SM3) return createHash('sm3').update(a).update(b).digest();
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return Buffer.from(jsSm3(joined), 'hex');
}

// ---------------------------------------------------------------------------------------------
// Ed25519
// ---------------------------------------------------------------------------------------------

function ed25519PublicJwk(x: string): PublicJwk {
  const kid = jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
}

function ed25519SigningKey(privateKey: KeyObject, publicJwk: PublicJwk): SigningKey {
  // Plain object with closures (not a class): callers spread keys ({ ...key }) and must keep sign().
  return {
    kid: publicJwk.kid,
    alg: 'EdDSA',
    publicJwk,
    sign: (data: Buffer) => nodeSign(null, data, privateKey),
  };
}

function loadEd25519(d: Buffer, publicJwk: PublicJwk): SigningKey {
  if (d.length !== 32) throw new Error('Ed25519 private key must be 32 bytes');
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: d.toString('base64url'), x: publicJwk.x },
    format: 'jwk',
  });
  // Node does not check x against d on import: do it so a swapped public JWK cannot go unnoticed.
  const derivedX = createPublicKey(privateKey).export({ format: 'jwk' }).x;
  if (derivedX !== publicJwk.x) throw new Error(`private key of ${publicJwk.kid} does not match its public JWK`);
  return ed25519SigningKey(privateKey, publicJwk);
}

// ---------------------------------------------------------------------------------------------
// SM2
// ---------------------------------------------------------------------------------------------

function sm2PublicHex(jwk: Pick<PublicJwk, 'x' | 'y'>): string {
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y ?? '', 'base64url');
  if (x.length !== 32 || y.length !== 32) throw new Error('SM2 JWK x and y must be 32 bytes each');
  return `04${x.toString('hex')}${y.toString('hex')}`;
}

function sm2PublicJwk(publicHex: string): PublicJwk {
  // publicHex is uncompressed: 04 | x (32 bytes) | y (32 bytes)
  const x = Buffer.from(publicHex.slice(2, 66), 'hex').toString('base64url');
  const y = Buffer.from(publicHex.slice(66, 130), 'hex').toString('base64url');
  const kid = jwkThumbprint({ kty: 'EC', crv: 'SM2', x, y });
  return { kty: 'EC', crv: 'SM2', x, y, kid, alg: 'SM2', use: 'sig' };
}

function isSm2PublicKey(publicHex: string): boolean {
  try {
    return sm2.verifyPublicKey(publicHex);
  } catch {
    return false;
  }
}

function loadSm2(d: Buffer, publicJwk: PublicJwk): SigningKey {
  if (d.length !== 32) throw new Error('SM2 private key must be 32 bytes');
  const privateHex = d.toString('hex');
  const scalar = BigInt(`0x${privateHex}`);
  // GB/T 32918.1: d in [1, n-2]
  if (scalar < 1n || scalar > SM2_N - 2n) throw new Error('SM2 private key out of range');
  const publicHex = sm2PublicHex(publicJwk);
  if (sm2.getPublicKeyFromPrivateKey(privateHex).toLowerCase() !== publicHex) {
    throw new Error(`private key of ${publicJwk.kid} does not match its public JWK`);
  }
  // Z_A depends only on the user id and the public key: compute once, not per signature.
  const z = sm2.getZ(publicHex, SM2_DEFAULT_USER_ID);
  return {
    kid: publicJwk.kid,
    alg: 'SM2',
    publicJwk,
    sign(data: Buffer): Buffer {
      // e = SM3(Z_A || M) with Node's SM3; sm2 then signs e as is (hash: false).
      const e = sm3Concat(z, data);
      return Buffer.from(sm2.doSignature(e, privateHex, { hash: false, der: false }), 'hex');
    },
  };
}

function sm2VerificationKey(jwk: PublicJwk): VerificationKey {
  const publicHex = sm2PublicHex(jwk);
  if (!isSm2PublicKey(publicHex)) throw new Error('SM2 JWK is not a point on the SM2 curve');
  const z = sm2.getZ(publicHex, SM2_DEFAULT_USER_ID);
  // Precomputed multiples make each verify ~6x faster; built on first use (~30 ms) since many
  // VerificationKeys are created only to publish a JWKS.
  let point: ReturnType<typeof sm2.precomputePublicKey> | undefined;
  return {
    kid: jwk.kid,
    alg: 'SM2',
    publicJwk: jwk,
    verify(data: Buffer, signature: Buffer): boolean {
      if (signature.length !== 64) return false;
      const r = BigInt(`0x${signature.toString('hex', 0, 32)}`);
      const s = BigInt(`0x${signature.toString('hex', 32, 64)}`);
      // GB/T 32918.2 §7.1 B1/B2: sm-crypto-v2 does not check the ranges itself.
      if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return false;
      try {
        point ??= sm2.precomputePublicKey(publicHex);
        return sm2.doVerifySignature(sm3Concat(z, data), signature.toString('hex'), point, { hash: false, der: false });
      } catch {
        return false;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export function generateSigningKey(alg: SigningAlgorithm, masterKey: Buffer): { key: SigningKey; stored: StoredKeyMaterial } {
  checkMasterKey(masterKey);
  let privateRaw: Buffer;
  let key: SigningKey;
  if (alg === 'EdDSA') {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    privateRaw = Buffer.from(jwk.d as string, 'base64url');
    key = ed25519SigningKey(privateKey, ed25519PublicJwk(jwk.x as string));
  } else if (alg === 'SM2') {
    const pair = sm2.generateKeyPairHex();
    privateRaw = Buffer.from(pair.privateKey.padStart(64, '0'), 'hex');
    key = loadSm2(privateRaw, sm2PublicJwk(pair.publicKey.toLowerCase()));
  } else {
    throw new Error(`unsupported signing algorithm ${String(alg)}`);
  }
  const stored: StoredKeyMaterial = {
    kid: key.kid,
    alg,
    publicJwk: key.publicJwk,
    privateKeyEncrypted: encryptAtRest(masterKey, privateRaw, key.kid),
  };
  privateRaw.fill(0);
  return { key, stored };
}

export function loadSigningKey(stored: StoredKeyMaterial, masterKey: Buffer): SigningKey {
  checkPublicJwk(stored.publicJwk, stored.alg);
  if (stored.kid !== stored.publicJwk.kid || stored.kid !== jwkThumbprint(stored.publicJwk)) {
    throw new Error(`stored key ${stored.kid}: kid is not the thumbprint of its public JWK`);
  }
  let privateRaw: Buffer;
  try {
    privateRaw = decryptAtRest(masterKey, stored.privateKeyEncrypted, stored.kid);
  } catch (err) {
    throw new Error(`cannot decrypt the private key of ${stored.kid}: wrong master key or corrupted key record`, {
      cause: err,
    });
  }
  try {
    return stored.alg === 'EdDSA' ? loadEd25519(privateRaw, stored.publicJwk) : loadSm2(privateRaw, stored.publicJwk);
  } finally {
    privateRaw.fill(0);
  }
}

function checkPublicJwk(jwk: PublicJwk, alg: SigningAlgorithm): void {
  const ok =
    alg === 'EdDSA'
      ? jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.alg === 'EdDSA'
      : alg === 'SM2'
        ? jwk.kty === 'EC' && jwk.crv === 'SM2' && jwk.alg === 'SM2'
        : false;
  if (!ok) throw new Error(`JWK ${jwk.kid} (kty ${jwk.kty}, crv ${jwk.crv}, alg ${jwk.alg}) is not a ${alg} key`);
}

/** A verifier for a published public JWK. Throws if the JWK is not a usable EdDSA/SM2 key. */
export function verificationKeyFromJwk(jwk: PublicJwk): VerificationKey {
  if (jwk.alg !== 'EdDSA' && jwk.alg !== 'SM2') throw new Error(`unsupported JWK alg ${jwk.alg}`);
  const alg: SigningAlgorithm = jwk.alg;
  checkPublicJwk(jwk, alg);
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error('JWK has no kid');
  if (alg === 'SM2') return sm2VerificationKey(jwk);
  const x = Buffer.from(jwk.x, 'base64url');
  if (x.length !== 32) throw new Error('Ed25519 JWK x must be 32 bytes');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return {
    kid: jwk.kid,
    alg,
    publicJwk: jwk,
    verify(data: Buffer, signature: Buffer): boolean {
      if (signature.length !== 64) return false;
      try {
        return nodeVerify(null, data, publicKey, signature);
      } catch {
        return false;
      }
    },
  };
}
