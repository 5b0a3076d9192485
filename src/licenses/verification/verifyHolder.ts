/**
 * Public look-up by credit code (no account): for a holder's current licenses only the verdict —
 * which type, its status, its validity dates — never a business field. A counterparty who has only
 * the enterprise's 统一社会信用代码 learns whether it holds a license in force, nothing more.
 */
import { DomainError } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { isPracticeCode } from '../../platform/practiceCodes.ts';
import { chinaDate } from '../../platform/chinaTime.ts';
import { checkCreditCode, findLicenseType, type CreditCodeCheck } from '../../standards/index.ts';
import type { LicenseStatus } from '../lifecycle/lifecycle.ts';
import { listHolderLicenses } from '../lifecycle/licenseRecords.ts';

export interface HolderLicenseVerdict {
  /** The license type's key and name. */
  type: string;
  licenseName: string;
  licenseNameEn?: string;
  /** The current version's identifier (verifiable on its own: GET /api/v1/verify/{identifier}). */
  identifier: string;
  /** In force: status valid, within its validity. */
  valid: boolean;
  status: LicenseStatus;
  validFrom: string;
  validUntil: string | null;
}

export interface HolderVerification {
  holderCode: string;
  licenses: HolderLicenseVerdict[];
}

/** A holder holds few licenses (one per type, in practice): the public answer lists at most this many. */
const MAX_LISTED = 50;

/**
 * The failure for a code that fails GB 32100, naming the expected check character when that is
 * what is wrong (a typo most often is): a person can correct the code instead of being told the
 * holder has no license.
 */
export function creditCodeFailure(check: CreditCodeCheck, field: string): DomainError {
  const wrongCheck = check.problems.find((p) => p.rule === 'check-char');
  const expectedCheckChar = wrongCheck ? /should be '(.)'/.exec(wrongCheck.message)?.[1] : undefined;
  return new DomainError('invalid', 'invalid-credit-code', check.problems.map((p) => p.message).join('; '), {
    field,
    details: { problems: check.problems, ...(expectedCheckChar ? { expectedCheckChar } : {}) },
  });
}

/** Whether an 18-character holder code should be read as a credit code for a lookup of this type (not when it is a citizen id the type accepts). */
export function readsAsCreditCode(platform: Platform, type: string, code: string): boolean {
  const kinds = findLicenseType(platform, type)?.holder.codeTypes ?? [];
  if (!kinds.includes('uscc') || code.length !== 18) return false;
  return !(kinds.includes('citizen-id') && /^\d{17}[\dX]$/.test(code));
}

/** GET /api/v1/verify/holders/{creditCode}: the verdicts of the holder's current licenses. */
export async function verifyHolder(platform: Platform, creditCode: string, today = chinaDate()): Promise<HolderVerification> {
  const check = checkCreditCode(creditCode);
  // Only a wrong check character can be a real holder's (early codes, imported with a warning): refused when it holds nothing.
  if (!check.valid && !check.legacy) throw creditCodeFailure(check, '/creditCode');
  // Practice data (练习模式) is never public: a practice code holds nothing here.
  const held = isPracticeCode(creditCode) ? [] : await listHolderLicenses(platform.store, creditCode, MAX_LISTED);
  if (!check.valid && held.length === 0) throw creditCodeFailure(check, '/creditCode');
  const licenses = held.map((l): HolderLicenseVerdict => {
    // As the exchange reads it: a license whose term ended is expired even before the expiry job ran.
    const ended = l.validUntil !== null && l.validUntil < today;
    const status: LicenseStatus = ended && (l.status === 'valid' || l.status === 'suspended') ? 'expired' : l.status;
    const standard = findLicenseType(platform, l.type);
    return {
      type: l.type,
      licenseName: standard?.name ?? l.type,
      ...(standard?.nameEn ? { licenseNameEn: standard.nameEn } : {}),
      identifier: l.identifier,
      valid: status === 'valid',
      status,
      validFrom: l.validFrom,
      validUntil: l.validUntil,
    };
  });
  return { holderCode: creditCode, licenses };
}
