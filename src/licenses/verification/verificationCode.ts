/**
 * The verification code (核验码) of a license version: printed with the QR code and carried in the
 * public verification link, so that whoever holds the license, on paper or on a phone, can show
 * its public fields to a counterparty. Identifiers are sequential and their check character is
 * computable: the identifier alone answers only the verdict. The code is an HMAC of the version's
 * identifier under a key derived from the master key: unguessable (80 bits), the same in every
 * process, and never stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyStore } from '../../platform/crypto/keyStore.ts';

// RFC 4648 base32 without padding, lower case: no characters that read alike in print are mixed with 0/1.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const LENGTH = 16;

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function verificationCode(keys: KeyStore, identifier: string): string {
  return base32(createHmac('sha256', keys.derivedSecret('verification-code')).update(identifier).digest().subarray(0, 10)).slice(0, LENGTH);
}

/** Whether `code` is the version's code (compared in constant time; case and spaces forgiven, as people type it). */
export function isVerificationCode(keys: KeyStore, identifier: string, code: string): boolean {
  const given = Buffer.from(code.replace(/[\s-]/g, '').toLowerCase());
  const expected = Buffer.from(verificationCode(keys, identifier));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The public verification link of a version, with its code. */
export function verificationUrl(publicUrl: string, keys: KeyStore, identifier: string): string {
  return `${publicUrl}/api/v1/verify/${identifier}?code=${verificationCode(keys, identifier)}`;
}
