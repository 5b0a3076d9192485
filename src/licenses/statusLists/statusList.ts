/**
 * IETF Token Status List (draft-ietf-oauth-status-list), JWT form, 2 bits per credential.
 *
 * Byte array: entry i sits in byte floor(i*bits/8), starting at the least significant bit; the
 * array is compressed with DEFLATE in the ZLIB format (RFC 1950) and base64url-encoded as `lst`.
 * Values: 0 VALID, 1 INVALID (= revoked), 2 SUSPENDED, 3 application-specific (= cancelled, 注销).
 * "Expired" is not a status: it follows from the credential's validity window.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { decodeCompactJws, JwsError, JwsFormatError, signCompactJws, verifyDecodedJws } from '../../platform/crypto/jws.ts';
import type { SigningKey, VerificationKey } from '../../platform/crypto/keys.ts';

export const STATUS = { valid: 0, revoked: 1, suspended: 2, cancelled: 3 } as const;
export type StatusValue = (typeof STATUS)[keyof typeof STATUS];

export const STATUS_LIST_TYP = 'statuslist+jwt';
export const STATUS_BITS = 2;

// 2^26 entries at 8 bits: far above a province's 20 million licenses, and a bound against zip bombs.
const MAX_LIST_BYTES = 64 * 1024 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type StatusListErrorCode =
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'alg-mismatch'
  | 'wrong-typ'
  | 'expired'
  | 'uri-mismatch'
  | 'out-of-range';

export class StatusListError extends Error {
  readonly code: StatusListErrorCode;
  constructor(code: StatusListErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StatusListError';
    this.code = code;
  }
}

/** `lst` for `size` entries of 2 bits; unlisted entries are VALID (0). */
export function encodeStatusList(size: number, entries: Iterable<[idx: number, value: number]>): string {
  if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError('status list size must be a positive integer');
  const perByte = 8 / STATUS_BITS;
  const bytes = Buffer.alloc(Math.ceil(size / perByte));
  if (bytes.length > MAX_LIST_BYTES) throw new RangeError('status list too large');
  for (const [idx, value] of entries) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= size) throw new RangeError(`status index ${idx} outside 0..${size - 1}`);
    if (!Number.isInteger(value) || value < 0 || value > 3) throw new RangeError(`status value ${value} does not fit in 2 bits`);
    const byte = Math.floor(idx / perByte);
    const shift = (idx % perByte) * STATUS_BITS;
    bytes[byte] = (bytes[byte] & ~(0b11 << shift)) | (value << shift);
  }
  // Level 9 as the draft's examples (and the @sd-jwt library) use; zlib wrapper per the draft.
  return deflateSync(bytes, { level: 9 }).toString('base64url');
}

/** A lookup over a decoded `lst`. Throws StatusListError 'out-of-range' for an index past the list. */
export function decodeStatusList(lst: string, bits: number): (idx: number) => number {
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw new StatusListError('malformed', `bits must be 1, 2, 4 or 8, got ${bits}`);
  if (typeof lst !== 'string' || !BASE64URL.test(lst)) throw new StatusListError('malformed', 'lst is not base64url');
  let bytes: Buffer;
  try {
    bytes = inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: MAX_LIST_BYTES });
  } catch (err) {
    throw new StatusListError('malformed', 'lst is not ZLIB/DEFLATE data (or is too large)', { cause: err });
  }
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const count = bytes.length * perByte;
  return (idx: number): number => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= count) {
      throw new StatusListError('out-of-range', `status index ${idx} outside the list of ${count} entries`);
    }
    return (bytes[Math.floor(idx / perByte)] >> ((idx % perByte) * bits)) & mask;
  };
}

/**
 * Signs a Status List Token. `sub` is the list's URI (the `uri` that credentials reference);
 * `exp` = iat + expiresInSeconds, by default iat + ttlSeconds (a consumer must fetch a fresh copy
 * when its cached one expires anyway, so a longer exp only helps when the list is served late).
 */
export function signStatusListToken(p: {
  key: SigningKey;
  uri: string;
  size: number;
  entries: Iterable<[number, number]>;
  issuedAt: Date;
  ttlSeconds: number;
  expiresInSeconds?: number;
}): string {
  if (!Number.isSafeInteger(p.ttlSeconds) || p.ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');
  const lifetime = p.expiresInSeconds ?? p.ttlSeconds;
  if (!Number.isSafeInteger(lifetime) || lifetime < p.ttlSeconds) throw new RangeError('expiresInSeconds must be an integer >= ttlSeconds');
  const iat = Math.floor(p.issuedAt.getTime() / 1000);
  if (!Number.isFinite(iat)) throw new RangeError('issuedAt is not a valid date');
  return signCompactJws(
    p.key,
    { typ: STATUS_LIST_TYP },
    {
      sub: p.uri,
      iat,
      exp: iat + lifetime,
      ttl: p.ttlSeconds,
      status_list: { bits: STATUS_BITS, lst: encodeStatusList(p.size, p.entries) },
    },
  );
}

export interface VerifiedStatusList {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  uri: string;
  bits: number;
  /** Cache this (until iat + ttl) rather than verifying and inflating the token per credential. */
  lookup: (idx: number) => number;
}

/**
 * Verifies a Status List Token: signature, typ, shape; with `now`, also iat/exp; with `expectedUri`,
 * that `sub` is the URI the credential referenced (the draft requires both checks of a verifier).
 */
export function verifyStatusListToken(
  token: string,
  resolveKey: (kid: string) => VerificationKey | undefined,
  opts: { now?: Date; expectedUri?: string } = {},
): VerifiedStatusList {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    const decoded = decodeCompactJws(token);
    if (decoded.header.typ !== STATUS_LIST_TYP) {
      throw new StatusListError('wrong-typ', `typ must be ${STATUS_LIST_TYP}, got ${String(decoded.header.typ)}`);
    }
    ({ header, payload } = verifyDecodedJws(decoded, resolveKey));
  } catch (err) {
    if (err instanceof JwsFormatError || err instanceof JwsError) throw new StatusListError(err.code, err.message, { cause: err });
    throw err;
  }
  const sub = payload.sub;
  if (typeof sub !== 'string') throw new StatusListError('malformed', 'status list token has no sub');
  if (opts.expectedUri !== undefined && sub !== opts.expectedUri) {
    throw new StatusListError('uri-mismatch', `status list token is for ${sub}, not ${opts.expectedUri}`);
  }
  if (opts.now !== undefined) {
    const now = Math.floor(opts.now.getTime() / 1000);
    if (typeof payload.exp === 'number' && now >= payload.exp) throw new StatusListError('expired', 'status list token has expired');
  }
  const list = payload.status_list as { bits?: unknown; lst?: unknown } | undefined;
  if (list === null || typeof list !== 'object' || typeof list.bits !== 'number' || typeof list.lst !== 'string') {
    throw new StatusListError('malformed', 'status list token has no status_list { bits, lst }');
  }
  return { header, payload, uri: sub, bits: list.bits, lookup: decodeStatusList(list.lst, list.bits) };
}

/** The status of entry `idx` in a verified Status List Token (see verifyStatusListToken for caching). */
export function readStatusFromToken(
  token: string,
  idx: number,
  resolveKey: (kid: string) => VerificationKey | undefined,
  opts: { now?: Date; expectedUri?: string } = {},
): number {
  return verifyStatusListToken(token, resolveKey, opts).lookup(idx);
}
