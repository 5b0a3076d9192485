import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCompactJws, signCompactJws } from '../../platform/crypto/jws.ts';
import { generateSigningKey, verificationKeyFromJwk } from '../../platform/crypto/keys.ts';
import {
  decodeStatusList,
  encodeStatusList,
  readStatusFromToken,
  signStatusListToken,
  STATUS,
  StatusListError,
  verifyStatusListToken,
} from './statusList.ts';

const masterKey = randomBytes(32);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as StatusListError).code;
  }
  return undefined;
}

describe('status list encoding', () => {
  // draft-ietf-oauth-status-list, examples of §4 (1-bit and 2-bit lists)
  it('decodes the 1-bit example of the draft', () => {
    const at = decodeStatusList('eNrbuRgAAhcBXQ', 1);
    const expected = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    expect(expected.map((_, i) => at(i))).toEqual(expected);
  });

  const twoBit = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];

  it('decodes the 2-bit example of the draft', () => {
    const at = decodeStatusList('eNo76fITAAPfAgc', 2);
    expect(twoBit.map((_, i) => at(i))).toEqual(twoBit);
  });

  it('packs 2-bit entries from the least significant bit, as the draft does', () => {
    const lst = encodeStatusList(12, twoBit.map((v, i) => [i, v] as [number, number]));
    // bytes of the draft's example: 0xC9 0x44 0xF9
    expect([...inflateSync(Buffer.from(lst, 'base64url'))]).toEqual([0xc9, 0x44, 0xf9]);
    expect(lst).toBe('eNo76fITAAPfAgc'); // zlib level 9, byte for byte the draft's lst
  });

  it('round-trips a sparse large list; unlisted entries are VALID', () => {
    const size = 100_000;
    const entries: [number, number][] = [
      [0, STATUS.revoked],
      [1, STATUS.suspended],
      [2, STATUS.cancelled],
      [99_999, STATUS.revoked],
      [50_001, STATUS.suspended],
    ];
    const lst = encodeStatusList(size, entries);
    expect(lst.length).toBeLessThan(200); // compresses: 25,000 bytes of mostly zeros
    const at = decodeStatusList(lst, 2);
    for (const [i, v] of entries) expect(at(i)).toBe(v);
    expect(at(3)).toBe(STATUS.valid);
    expect(at(50_000)).toBe(STATUS.valid);
    expect(at(50_002)).toBe(STATUS.valid);
  });

  it('lets a later entry overwrite an earlier one for the same index', () => {
    const at = decodeStatusList(encodeStatusList(8, [[5, STATUS.cancelled], [5, STATUS.suspended]]), 2);
    expect(at(5)).toBe(STATUS.suspended);
  });

  it('refuses out-of-range indexes and values', () => {
    expect(() => encodeStatusList(8, [[8, 1]])).toThrow(RangeError);
    expect(() => encodeStatusList(8, [[-1, 1]])).toThrow(RangeError);
    expect(() => encodeStatusList(8, [[1, 4]])).toThrow(RangeError);
    expect(() => encodeStatusList(0, [])).toThrow(RangeError);
    const at = decodeStatusList(encodeStatusList(8, []), 2);
    expect(codeOf(() => at(8))).toBe('out-of-range');
  });

  it('refuses lists that are not zlib data or bits that are not 1, 2, 4, 8', () => {
    expect(codeOf(() => decodeStatusList(Buffer.from('plain').toString('base64url'), 2))).toBe('malformed');
    expect(codeOf(() => decodeStatusList('eNo76fITAAPfAgc', 3))).toBe('malformed');
  });
});

describe('status list token', () => {
  const { key } = generateSigningKey('EdDSA', masterKey);
  const verifier = verificationKeyFromJwk(key.publicJwk);
  const resolve = (kid: string) => (kid === key.kid ? verifier : undefined);
  const uri = 'https://certbridge.example/status/7';
  const issuedAt = new Date('2025-03-01T00:00:00Z');
  const token = signStatusListToken({
    key,
    uri,
    size: 1024,
    entries: [
      [10, STATUS.revoked],
      [11, STATUS.suspended],
      [12, STATUS.cancelled],
    ],
    issuedAt,
    ttlSeconds: 300,
  });

  it('has the header and payload of the draft', () => {
    const { header, payload } = decodeCompactJws(token);
    expect(header).toEqual({ typ: 'statuslist+jwt', alg: 'EdDSA', kid: key.kid });
    const iat = issuedAt.getTime() / 1000;
    expect(payload).toMatchObject({ sub: uri, iat, exp: iat + 300, ttl: 300, status_list: { bits: 2 } });
  });

  it('reads statuses after verifying the token', () => {
    expect(readStatusFromToken(token, 10, resolve)).toBe(STATUS.revoked);
    expect(readStatusFromToken(token, 11, resolve)).toBe(STATUS.suspended);
    expect(readStatusFromToken(token, 12, resolve)).toBe(STATUS.cancelled);
    expect(readStatusFromToken(token, 13, resolve)).toBe(STATUS.valid);
    expect(readStatusFromToken(token, 10, resolve, { expectedUri: uri, now: new Date('2025-03-01T00:04:59Z') })).toBe(1);
  });

  it('rejects expiry, another list, unknown keys, tampering and the wrong typ', () => {
    expect(codeOf(() => readStatusFromToken(token, 10, resolve, { now: new Date('2025-03-01T00:05:00Z') }))).toBe('expired');
    expect(codeOf(() => readStatusFromToken(token, 10, resolve, { expectedUri: `${uri}x` }))).toBe('uri-mismatch');
    expect(codeOf(() => readStatusFromToken(token, 10, () => undefined))).toBe('unknown-key');
    const [h, , s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: uri, iat: 1, status_list: { bits: 2, lst: encodeStatusList(1024, []) } }),
    ).toString('base64url');
    expect(codeOf(() => readStatusFromToken(`${h}.${forged}.${s}`, 10, resolve))).toBe('bad-signature');
    const notAList = signCompactJws(key, { typ: 'JWT' }, { sub: uri, status_list: { bits: 2, lst: encodeStatusList(8, []) } });
    expect(codeOf(() => readStatusFromToken(notAList, 1, resolve))).toBe('wrong-typ');
    expect(codeOf(() => readStatusFromToken('a.b', 1, resolve))).toBe('malformed');
    expect(codeOf(() => readStatusFromToken(token, 4096, resolve))).toBe('out-of-range');
  });

  it('exposes a lookup to cache between fetches', () => {
    const verified = verifyStatusListToken(token, resolve);
    expect(verified.uri).toBe(uri);
    expect(verified.bits).toBe(2);
    expect(verified.lookup(10)).toBe(STATUS.revoked);
  });

  it('supports an exp later than the ttl', () => {
    const t = signStatusListToken({ key, uri, size: 8, entries: [], issuedAt, ttlSeconds: 60, expiresInSeconds: 3600 });
    expect(decodeCompactJws(t).payload).toMatchObject({ ttl: 60, exp: issuedAt.getTime() / 1000 + 3600 });
    expect(() => signStatusListToken({ key, uri, size: 8, entries: [], issuedAt, ttlSeconds: 60, expiresInSeconds: 30 })).toThrow(
      RangeError,
    );
  });
});
