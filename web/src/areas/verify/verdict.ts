/**
 * From the platform's verification (POST /api/v1/verify, GET /api/v1/verify/{identifier}; see
 * docs/verify.md) to the one word a person reads: 有效 / 已暂停 / 已吊销 / 已注销 / 已过期 /
 * 无效（伪造或被篡改）. What the credential claims is worth nothing when it is not genuine, so a
 * failed signature (or key, issuer, schema) check wins over whatever its status says.
 */
import type { Answer } from '@certbridge/client';

/** The platform's verification: `current` is false for an older version of an amended license (absent when the platform holds no such license). */
export type Verification = Answer<'/api/v1/verify', 'post'>;
export type LicenseStatus = Verification['status'];

/** `changed`: a genuine but older version (变更): its particulars are no longer the license's. */
export type Verdict = LicenseStatus | 'changed' | 'invalid';

/** The checks that say whether the credential is what the issuer signed, by an issuer that could sign it. */
const GENUINE: readonly string[] = ['format', 'signature', 'issuer-key', 'issuer-authorised', 'schema'];

export function verdictOf(verification: Verification): Verdict {
  const failed = (name: string) => verification.checks.some((c) => c.check === name && !c.passed);
  if (GENUINE.some(failed)) return 'invalid';
  // Never 有效 for an older version: what it says (a former capital, a former domicile) is not the license now.
  if (isSuperseded(verification)) return 'changed';
  if (verification.status !== 'valid') return verification.status;
  // Valid status but not valid: a binding check failed (no usable status list, not yet in force).
  return verification.valid ? 'valid' : 'invalid';
}

/** The failed check that decided an `invalid` verdict, to say why in a sentence. */
export function decidingFailure(verification: Verification): string | undefined {
  return verification.checks.find((c) => !c.passed && c.check !== 'current-version')?.check;
}

/** Whether this is an older version (the platform says so in `current`, and in the `current-version` check). */
export function isSuperseded(verification: Verification): boolean {
  return verification.current === false || verification.checks.some((c) => c.check === 'current-version' && !c.passed);
}

/** The identifier of the newer version when this one was superseded (an amendment, 变更). */
export function supersededBy(verification: Verification): string | undefined {
  if (verification.supersededBy) return verification.supersededBy;
  const check = verification.checks.find((c) => c.check === 'current-version');
  if (!check || check.passed) return undefined;
  return /superseded by (\S+)/.exec(check.detail)?.[1];
}

export interface VerifyTarget {
  identifier: string;
  code?: string;
}

const IDENTIFIER = /^1\.2\.156\.3005\.2\.[0-9A-Z.]+$/i;

/**
 * What a person typed or pasted: a verification link (from a QR code: …/api/v1/verify/{id}?code=…,
 * or the console's /verify/{id}?code=…), or a bare identifier. Undefined when it is neither.
 */
export function parseVerifyInput(text: string): VerifyTarget | undefined {
  const value = text.trim();
  if (!value) return undefined;
  if (IDENTIFIER.test(value)) return { identifier: value.toUpperCase() };
  let url: URL;
  try {
    url = new URL(value, 'https://certbridge.invalid');
  } catch {
    return undefined;
  }
  const match = /\/verify\/([^/?#]+)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  const identifier = decodeURIComponent(match[1]);
  if (!IDENTIFIER.test(identifier)) return undefined;
  const code = url.searchParams.get('code') ?? undefined;
  return { identifier: identifier.toUpperCase(), code: code || undefined };
}

/** A credential is the compact SD-JWT: `<jwt>~<disclosure>~…~`. */
export function looksLikeCredential(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~/.test(text.trim());
}
