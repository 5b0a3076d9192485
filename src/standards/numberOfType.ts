/**
 * A license's number as its type defines it: the type's own number rule, or, for a type numbered by
 * its holder (the business license's number is the credit code), the holder code of a kind the type
 * accepts. The same judgement serves issuance, import, GET /api/v1/license-types/{key}/numbers/{n}
 * and `certbridge check number`.
 */
import { checkHolderCode, HOLDER_KINDS } from './holderCodeTypes.ts';
import { checkLicenseNumber, normaliseNumber, type NumberCheck } from './licenseNumbers.ts';
import type { LicenseTypeStandard } from './licenseType.ts';

export function checkNumberOfType(standard: Pick<LicenseTypeStandard, 'number' | 'holder'>, input: string): NumberCheck {
  if (standard.number) return checkLicenseNumber(standard.number, input);
  const normalised = normaliseNumber(input).replace(/-/g, '');
  let first: NumberCheck | undefined;
  for (const kind of standard.holder.codeTypes) {
    const problems = checkHolderCode(HOLDER_KINDS[kind], normalised).map((p) => ({
      code: p.rule,
      message: p.message,
      messageZh: p.messageZh,
      ...(p.position !== undefined ? { at: p.position - 1 } : {}),
    }));
    if (problems.length === 0) return { valid: true, normalised, problems };
    first ??= { valid: false, normalised, problems };
  }
  return first!;
}
