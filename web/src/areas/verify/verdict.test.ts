import { describe, expect, it } from 'vitest';
import { decidingFailure, looksLikeCredential, parseVerifyInput, supersededBy, verdictOf, type Verification } from './verdict.ts';

const CHECKS = ['format', 'signature', 'issuer-key', 'issuer-authorised', 'status-list', 'validity-window', 'schema'];

function verification(overrides: Partial<Verification> = {}, failed: string[] = []): Verification {
  return {
    valid: failed.length === 0 && (overrides.status ?? 'valid') === 'valid',
    status: 'valid',
    disclosure: 'public',
    checks: CHECKS.map((check) => ({ check, passed: !failed.includes(check), code: failed.includes(check) ? `${check}-failed` : 'ok', detail: '' })),
    license: {},
    ...overrides,
  };
}

describe('the verdict', () => {
  it('is the status when the credential is genuine', () => {
    expect(verdictOf(verification())).toBe('valid');
    for (const status of ['suspended', 'revoked', 'cancelled', 'expired'] as const) {
      expect(verdictOf(verification({ status }, status === 'expired' ? ['validity-window'] : ['status-list']))).toBe(status);
    }
  });

  it('is invalid (forged or altered) when the signature, key, issuer or schema fails, whatever the status says', () => {
    for (const check of ['signature', 'issuer-key', 'issuer-authorised', 'schema', 'format']) {
      expect(verdictOf(verification({}, [check]))).toBe('invalid');
      expect(verdictOf(verification({ status: 'revoked' }, [check, 'status-list']))).toBe('invalid');
    }
    expect(decidingFailure(verification({}, ['signature']))).toBe('signature');
  });

  it('is invalid when a binding check fails with a valid status (no usable status list)', () => {
    expect(verdictOf(verification({}, ['status-list']))).toBe('invalid');
  });

  it('names the newer version of a superseded one', () => {
    const v = verification();
    v.checks.push({ check: 'current-version', passed: false, code: 'superseded', detail: 'superseded by 1.2.156.3005.2.X.Y.00000001.002.Z' });
    // Genuine, but never 有效: its particulars are no longer the license's.
    expect(verdictOf(v)).toBe('changed');
    expect(supersededBy(v)).toBe('1.2.156.3005.2.X.Y.00000001.002.Z');
  });

  it('is changed (已变更) for an older version, whatever the status; forged still wins', () => {
    const older = { current: false, supersededBy: '1.2.156.3005.2.X.Y.00000001.002.Z' };
    expect(verdictOf(verification({ ...older, currentStatus: 'valid' }))).toBe('changed');
    expect(verdictOf(verification({ ...older, status: 'suspended', currentStatus: 'suspended' }, ['status-list']))).toBe('changed');
    expect(supersededBy(verification(older))).toBe(older.supersededBy);
    expect(verdictOf(verification(older, ['signature']))).toBe('invalid');
    expect(verdictOf(verification({ current: true, currentStatus: 'valid' }))).toBe('valid');
  });
});

describe('what a person pastes', () => {
  const id = '1.2.156.3005.2.11100000MB0143028R001.113700009DXQJL251Y.00000001.001.R';

  it('reads identifiers and verification links (the QR code and the console)', () => {
    expect(parseVerifyInput(` ${id} `)).toEqual({ identifier: id });
    expect(parseVerifyInput(`https://certbridge.example.gov.cn/api/v1/verify/${id}?code=k3x7abc`)).toEqual({ identifier: id, code: 'k3x7abc' });
    expect(parseVerifyInput(`http://192.168.1.20:3000/verify/${id}`)).toEqual({ identifier: id });
    expect(parseVerifyInput(`/api/v1/verify/${id}?code=`)).toEqual({ identifier: id });
    expect(parseVerifyInput('https://example.com/other')).toBeUndefined();
    expect(parseVerifyInput('hello')).toBeUndefined();
    expect(parseVerifyInput('')).toBeUndefined();
  });

  it('tells a credential from the rest', () => {
    expect(looksLikeCredential('eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln~WyJhIiwibmFtZSIsIngiXQ~')).toBe(true);
    expect(looksLikeCredential(id)).toBe(false);
  });
});
