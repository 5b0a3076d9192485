/**
 * Compact JWS (RFC 7515), synchronous, for the two algorithms of keys.ts.
 * Small on purpose: it sits on the issuing and verification hot paths.
 */
import type { SigningKey, VerificationKey } from './keys.ts';

export type JwsErrorCode = 'malformed' | 'unknown-key' | 'bad-signature' | 'alg-mismatch';

export class JwsError extends Error {
  readonly code: JwsErrorCode;
  constructor(code: JwsErrorCode, message: string) {
    super(message);
    this.name = 'JwsError';
    this.code = code;
  }
}

export class JwsFormatError extends JwsError {
  constructor(message: string) {
    super('malformed', message);
    this.name = 'JwsFormatError';
  }
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** ASCII bytes of `<header>.<payload>`, what the signature covers. */
  signingInput: Buffer;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeJsonSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs `<encodedHeader>.<encodedPayload>` whose segments the caller already encoded (lets hot paths cache the header). */
export function signEncodedJws(key: SigningKey, encodedHeader: string, encodedPayload: string): string {
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  const signature = key.sign(Buffer.from(signingInput, 'latin1'));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The header gets `alg` and `kid` from the key; the caller's header cannot override them. */
export function signCompactJws(key: SigningKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return signEncodedJws(key, encodeJsonSegment({ ...header, alg: key.alg, kid: key.kid }), encodeJsonSegment(payload));
}

function decodeJsonSegment(segment: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) throw new JwsFormatError(`JWS ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwsFormatError(`JWS ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JwsFormatError(`JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function decodeCompactJws(jws: string): DecodedJws {
  if (typeof jws !== 'string') throw new JwsFormatError('JWS is not a string');
  const first = jws.indexOf('.');
  const second = first < 0 ? -1 : jws.indexOf('.', first + 1);
  if (first < 0 || second < 0 || jws.indexOf('.', second + 1) >= 0) {
    throw new JwsFormatError('compact JWS must have exactly three segments');
  }
  const encodedSignature = jws.slice(second + 1);
  if (!BASE64URL.test(encodedSignature)) throw new JwsFormatError('JWS signature is empty or not base64url');
  const header = decodeJsonSegment(jws.slice(0, first), 'header');
  const payload = decodeJsonSegment(jws.slice(first + 1, second), 'payload');
  return {
    header,
    payload,
    signingInput: Buffer.from(jws.slice(0, second), 'latin1'),
    signature: Buffer.from(encodedSignature, 'base64url'),
  };
}

/** Checks the signature of an already decoded JWS (lets callers that decoded it for other reasons skip a second decode). */
export function verifyDecodedJws(
  decoded: DecodedJws,
  resolveKey: (kid: string) => VerificationKey | undefined,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const { header } = decoded;
  if (typeof header.alg !== 'string') throw new JwsFormatError('JWS header has no alg');
  if (typeof header.kid !== 'string' || header.kid === '') throw new JwsFormatError('JWS header has no kid');
  // RFC 7515 §4.1.11: we understand no critical extension, so any `crit` must be rejected.
  if (header.crit !== undefined) throw new JwsFormatError('JWS header has crit extensions we do not understand');
  const key = resolveKey(header.kid);
  if (!key) throw new JwsError('unknown-key', `no verification key for kid ${header.kid}`);
  // The key decides the algorithm, never the token (no alg confusion, no "none").
  if (header.alg !== key.alg) throw new JwsError('alg-mismatch', `JWS alg ${header.alg} does not match key ${key.kid} (${key.alg})`);
  if (!key.verify(decoded.signingInput, decoded.signature)) throw new JwsError('bad-signature', 'JWS signature does not verify');
  return { header, payload: decoded.payload };
}

export function verifyCompactJws(
  jws: string,
  resolveKey: (kid: string) => VerificationKey | undefined,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  return verifyDecodedJws(decodeCompactJws(jws), resolveKey);
}
