/**
 * Electronic licenses as SD-JWT VCs (draft-ietf-oauth-sd-jwt-vc, media type application/dc+sd-jwt).
 *
 * Compact form `<issuer-jwt>~<disclosure>~...~` (trailing ~, no key binding: a department system
 * receives the credential from the platform, not from a holder wallet).
 * - Always disclosed (in the JWT payload): iss, iat, nbf, exp, vct, status, sub and the GB/T 36903
 *   metadata (identifier, version, type, issuer, holder, validity dates).
 * - Selectively disclosable: every business field, one object-property disclosure `[salt, name, value]`
 *   each, so the platform can hand a consumer only the fields its agreement allows and the consumer
 *   can still verify the issuer's signature over them.
 *
 * We encode and verify ourselves (synchronously, with node:crypto) because issuing must reach
 * >15k credentials/s on 2 cores; credential.interop.test.ts proves the @sd-jwt libraries and jose
 * read what we write.
 *
 * Validity window, status and schema are checked by the caller (the verify service).
 */
import * as nodeCrypto from 'node:crypto';
import {
  decodeCompactJws,
  encodeJsonSegment,
  JwsError,
  JwsFormatError,
  signEncodedJws,
  verifyDecodedJws,
  type DecodedJws,
} from '../../platform/crypto/jws.ts';
import type { SigningKey, VerificationKey } from '../../platform/crypto/keys.ts';
import { chinaMidnight } from '../../platform/chinaTime.ts';
import { RESERVED_FIELD_NAMES } from '../../standards/index.ts';

export const SD_JWT_VC_TYP = 'dc+sd-jwt';
export const SD_ALG = 'sha-256';

export interface CredentialMetadata {
  identifier: string;
  version: number;
  vct: string;
  licenseTypeCode: string;
  licenseName: string;
  issuerCode: string;
  issuerName: string;
  holderCode: string;
  holderCodeType: string;
  /** YYYY-MM-DD, first day of validity (Asia/Shanghai). */
  validFrom: string;
  /** YYYY-MM-DD, last day of validity (Asia/Shanghai); null = long-term (长期). */
  validUntil: string | null;
  issuedAt: Date;
}

export interface Disclosure {
  /** The base64url disclosure as it appears between the ~. */
  encoded: string;
  /** base64url(SHA-256(ascii(encoded))), the value listed in the payload's _sd. */
  digest: string;
  salt: string;
  name: string;
  value: unknown;
}

export interface ParsedCredential {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  disclosures: Disclosure[];
}

export interface VerifiedCredential {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Business fields whose disclosures came with the credential, by name. */
  disclosed: Record<string, unknown>;
}

export type CredentialErrorCode = 'malformed' | 'unknown-key' | 'bad-signature' | 'disclosure-mismatch' | 'wrong-typ';

export class CredentialError extends Error {
  readonly code: CredentialErrorCode;
  constructor(code: CredentialErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialError';
    this.code = code;
  }
}

/** Thrown when the compact SD-JWT cannot be parsed; `code` is always 'malformed'. */
export class CredentialFormatError extends CredentialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed', message, options);
    this.name = 'CredentialFormatError';
  }
}

// Claims of the issuer JWT payload: a business field with one of these names would collide with
// (or, for _sd / ..., break) the always-disclosed claims, so issuing refuses it (a type's definition may not name one).
const PAYLOAD_CLAIMS = RESERVED_FIELD_NAMES;

// ---------------------------------------------------------------------------------------------
// Hashing and salts (hot path)
// ---------------------------------------------------------------------------------------------

// crypto.hash (one-shot, Node >= 20.12) avoids a Hash object per digest; fall back on older 20.x.
const oneShotHash = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'base64url') => string }).hash;
const sha256Base64url: (ascii: string) => string = oneShotHash
  ? (ascii) => oneShotHash('sha256', ascii, 'base64url')
  : (ascii) => nodeCrypto.createHash('sha256').update(ascii, 'latin1').digest('base64url');

// One randomFillSync per 256 salts instead of one randomBytes call per disclosure.
const SALT_BYTES = 16;
const saltPool = Buffer.allocUnsafe(SALT_BYTES * 256);
let saltOffset = saltPool.length;

function nextSalt(): string {
  if (saltOffset === saltPool.length) {
    nodeCrypto.randomFillSync(saltPool);
    saltOffset = 0;
  }
  const salt = saltPool.toString('base64url', saltOffset, saltOffset + SALT_BYTES);
  saltOffset += SALT_BYTES;
  return salt;
}

// The JWT header is the same for every credential a key signs.
const headerCache = new WeakMap<SigningKey, string>();

function encodedHeaderFor(key: SigningKey): string {
  let header = headerCache.get(key);
  if (header === undefined) {
    header = encodeJsonSegment({ typ: SD_JWT_VC_TYP, alg: key.alg, kid: key.kid });
    headerCache.set(key, header);
  }
  return header;
}

// ---------------------------------------------------------------------------------------------
// Dates (Asia/Shanghai is UTC+8 all year: no DST since 1991)
// ---------------------------------------------------------------------------------------------

/** Seconds at 00:00 China time of `date` plus `dayOffset` days. */
function shanghaiMidnight(date: string, field: string, dayOffset: number): number {
  const at = chinaMidnight(date, dayOffset);
  // Rejects 2024-02-30 and the like, which Date.UTC would silently roll over.
  if (at === undefined) throw new RangeError(`${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return at / 1000;
}

// ---------------------------------------------------------------------------------------------
// Issue
// ---------------------------------------------------------------------------------------------

/**
 * Issues a credential. Synchronous and allocation-lean: it runs for every license issued or changed.
 * `exp` (only when validUntil is set) is 00:00 Asia/Shanghai of the day after validUntil, i.e. the
 * instant the last valid day ends (RFC 7519: not accepted on or after exp).
 */
export function issueCredential(p: {
  key: SigningKey;
  issuerUrl: string;
  status: { uri: string; idx: number };
  meta: CredentialMetadata;
  fields: Record<string, unknown>;
}): string {
  const { key, meta, fields } = p;
  if (!Number.isSafeInteger(p.status.idx) || p.status.idx < 0) throw new RangeError('status idx must be a non-negative integer');
  const issuedAtMs = meta.issuedAt.getTime();
  if (!Number.isFinite(issuedAtMs)) throw new RangeError('issuedAt is not a valid date');

  const sd: string[] = [];
  let tail = '';
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    const value = fields[name];
    if (value === undefined) continue; // absent, as JSON would have it
    if (PAYLOAD_CLAIMS.has(name)) throw new RangeError(`field name ${name} is reserved for an always-disclosed claim`);
    const encoded = Buffer.from(JSON.stringify([nextSalt(), name, value]), 'utf8').toString('base64url');
    sd.push(sha256Base64url(encoded));
    tail += `~${encoded}`;
  }
  // Sorted so the digest order reveals nothing about the field order.
  sd.sort();

  const payload: Record<string, unknown> = {
    iss: p.issuerUrl,
    sub: meta.holderCode,
    iat: Math.floor(issuedAtMs / 1000),
    nbf: shanghaiMidnight(meta.validFrom, 'validFrom', 0),
  };
  if (meta.validUntil !== null) payload.exp = shanghaiMidnight(meta.validUntil, 'validUntil', 1);
  payload.vct = meta.vct;
  payload.status = { status_list: { idx: p.status.idx, uri: p.status.uri } };
  payload.identifier = meta.identifier;
  payload.version = meta.version;
  payload.licenseTypeCode = meta.licenseTypeCode;
  payload.licenseName = meta.licenseName;
  payload.issuerCode = meta.issuerCode;
  payload.issuerName = meta.issuerName;
  payload.holderCode = meta.holderCode;
  payload.holderCodeType = meta.holderCodeType;
  payload.validFrom = meta.validFrom;
  payload.validUntil = meta.validUntil;
  payload._sd = sd;
  payload._sd_alg = SD_ALG;

  return `${signEncodedJws(key, encodedHeaderFor(key), encodeJsonSegment(payload))}${tail}~`;
}

// ---------------------------------------------------------------------------------------------
// Parse
// ---------------------------------------------------------------------------------------------

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Splits `<jwt>~<d1>~...~`; refuses a key-binding JWT and empty disclosures. */
function splitSdJwt(sdJwt: string): { jwt: string; encodedDisclosures: string[] } {
  if (typeof sdJwt !== 'string' || sdJwt.length === 0) throw new CredentialFormatError('SD-JWT is empty or not a string');
  const parts = sdJwt.split('~');
  if (parts.length < 2) throw new CredentialFormatError('SD-JWT must end with ~ (compact serialization)');
  if (parts[parts.length - 1] !== '') {
    throw new CredentialFormatError('SD-JWT must end with ~; key-binding JWTs are not used for CertBridge credentials');
  }
  const jwt = parts[0];
  const encodedDisclosures = parts.slice(1, -1);
  for (const d of encodedDisclosures) {
    if (!BASE64URL.test(d)) throw new CredentialFormatError('disclosure is empty or not base64url');
  }
  return { jwt, encodedDisclosures };
}

function decodeDisclosure(encoded: string): Disclosure {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new CredentialFormatError('disclosure is not base64url JSON');
  }
  // Only object-property disclosures: our credentials have no array-element disclosures.
  if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw new CredentialFormatError('disclosure must be a JSON array [salt, name, value]');
  }
  const name = value[1];
  if (name === '_sd' || name === '...' || name === '__proto__') throw new CredentialFormatError(`disclosure claim name ${name} is not allowed`);
  return { encoded, digest: sha256Base64url(encoded), salt: value[0], name, value: value[2] };
}

function parseInternal(sdJwt: string): { decoded: DecodedJws; disclosures: Disclosure[] } {
  const { jwt, encodedDisclosures } = splitSdJwt(sdJwt);
  let decoded: DecodedJws;
  try {
    decoded = decodeCompactJws(jwt);
  } catch (err) {
    if (err instanceof JwsFormatError) throw new CredentialFormatError(`issuer JWT: ${err.message}`, { cause: err });
    throw err;
  }
  return { decoded, disclosures: encodedDisclosures.map(decodeDisclosure) };
}

/** Decodes without verifying. Throws CredentialFormatError (code 'malformed'). */
export function parseCredential(sdJwt: string): ParsedCredential {
  const { decoded, disclosures } = parseInternal(sdJwt);
  return { header: decoded.header, payload: decoded.payload, disclosures };
}

// ---------------------------------------------------------------------------------------------
// Present (minimise)
// ---------------------------------------------------------------------------------------------

/**
 * The same issuer JWT with only the disclosures of `keepFields` (in their original order): what a
 * consumer department receives under its agreement. Names not present are ignored.
 */
export function presentCredential(sdJwt: string, keepFields: readonly string[]): { credential: string; fields: Record<string, unknown> } {
  const { jwt, encodedDisclosures } = splitSdJwt(sdJwt);
  if (jwt.split('.').length !== 3) throw new CredentialFormatError('issuer JWT must have three segments');
  let out = jwt;
  const fields: Record<string, unknown> = {};
  for (const encoded of encodedDisclosures) {
    const json = Buffer.from(encoded, 'base64url').toString('utf8');
    // Our issuer writes `["<base64url salt>","<name>",<value>]`: the name is read without parsing the
    // value, and a disclosure is fully parsed only when kept (this runs for every exchange lookup).
    const start = json.indexOf('","') + 3;
    const end = json.indexOf('"', start);
    const quick = start > 2 && end > start && json.startsWith('["') ? json.slice(start, end) : undefined;
    if (!keepFields.includes(quick ?? decodeDisclosure(encoded).name)) continue;
    // Kept: parsed in full, and kept only if the full parse agrees (a misread name never widens what is shown).
    const disclosure = decodeDisclosure(encoded);
    if (!keepFields.includes(disclosure.name)) continue;
    fields[disclosure.name] = disclosure.value;
    out += `~${encoded}`;
  }
  return { credential: `${out}~`, fields };
}

// ---------------------------------------------------------------------------------------------
// Verify
// ---------------------------------------------------------------------------------------------

/**
 * Checks the issuer signature, typ, and that every disclosure is one the issuer committed to
 * (digest in _sd, no duplicates, no clash with a payload claim). Does NOT check nbf/exp, status or schema.
 */
export function verifyCredentialSignature(
  sdJwt: string,
  resolveKey: (kid: string) => VerificationKey | undefined,
): VerifiedCredential {
  const { decoded, disclosures } = parseInternal(sdJwt);
  const { header, payload } = decoded;

  if (header.typ !== SD_JWT_VC_TYP) throw new CredentialError('wrong-typ', `typ must be ${SD_JWT_VC_TYP}, got ${String(header.typ)}`);

  try {
    verifyDecodedJws(decoded, resolveKey);
  } catch (err) {
    if (err instanceof JwsError) {
      // alg-mismatch is reported as bad-signature: the key cannot have produced this signature.
      const code = err.code === 'alg-mismatch' ? 'bad-signature' : err.code;
      throw new CredentialError(code, err.message, { cause: err });
    }
    throw err;
  }

  if (payload._sd_alg !== undefined && payload._sd_alg !== SD_ALG) {
    throw new CredentialFormatError(`unsupported _sd_alg ${String(payload._sd_alg)}`);
  }
  const sd = payload._sd ?? [];
  if (!Array.isArray(sd) || !sd.every((d) => typeof d === 'string')) throw new CredentialFormatError('_sd must be an array of strings');
  const committed = new Set<string>(sd as string[]);
  if (committed.size !== sd.length) throw new CredentialFormatError('_sd lists a digest twice');

  const seenDigests = new Set<string>();
  const disclosed: Record<string, unknown> = {};
  for (const d of disclosures) {
    if (!committed.has(d.digest)) throw new CredentialError('disclosure-mismatch', `disclosure of ${d.name} is not in the issuer's _sd`);
    if (seenDigests.has(d.digest)) throw new CredentialError('disclosure-mismatch', `disclosure of ${d.name} appears twice`);
    seenDigests.add(d.digest);
    if (Object.prototype.hasOwnProperty.call(disclosed, d.name)) {
      throw new CredentialError('disclosure-mismatch', `two disclosures for ${d.name}`);
    }
    if (Object.prototype.hasOwnProperty.call(payload, d.name)) {
      throw new CredentialError('disclosure-mismatch', `disclosure ${d.name} clashes with a payload claim`);
    }
    disclosed[d.name] = d.value;
  }
  return { header, payload, disclosed };
}
