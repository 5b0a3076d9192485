/**
 * Validation on the field before the request (issue 18, part 6): the rules a form item shares with
 * the platform's own checks, so that what the platform would refuse is said under the field at
 * once. The limits are the platform's (its route schemas); the credit code is checked as the
 * platform checks it (GB 32100-2015: 18 characters of its alphabet, the organisation code's check
 * character at position 17 by GB 11714, the final check character by ISO 7064 MOD 31-3).
 */
import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/** The platform's longest texts, by what they are (its route schemas). */
export const TEXT_MAX = {
  /** POST /api/v1/quality/findings/{id}/note */
  qualityNote: 2000,
  /** POST /api/v1/quality/reports/dismissals */
  qualityDismissal: 2000,
  /** suspend, revoke, reinstate, amend a license */
  licenseReason: 2000,
  /** decide, appeal, escalate an agreement */
  agreementReason: 4000,
  /** an objection's reason, decision and escalation */
  objectionReason: 2000,
  /** a change of the evaluation's weights */
  weightsReason: 500,
  /** authorise or withdraw an issuing department */
  issuerReason: 2000,
  /** the enterprise revokes an authorisation (optional) */
  authorisationRevoke: 2000,
} as const;

/** Required, not only spaces, and no longer than the platform takes. */
export function textRules(t: TFunction, field: string, max: number): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('common:textRequired', { field }) },
    { max, message: t('common:textTooLong', { field, max }) },
  ];
}

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** What is wrong with a credit code, or undefined when it passes the platform's character checks. */
export type CreditCodeFault = { kind: 'shape' } | { kind: 'organisation-check' | 'check'; expected: string; found: string };

export function creditCodeFault(input: string): CreditCodeFault | undefined {
  const code = input.trim().toUpperCase();
  if (!SHAPE.test(code)) return { kind: 'shape' };
  // GB 11714: the organisation code (positions 9-17) has its own check character.
  if (/^[0-9A-Z]{8}$/.test(code.slice(8, 16))) {
    let sum = 0;
    for (let i = 0; i < 8; i++) {
      const c = code.charCodeAt(8 + i);
      sum += (c <= 57 ? c - 48 : c - 55) * ORG_WEIGHTS[i];
    }
    const r = 11 - (sum % 11);
    const expected = r === 10 ? 'X' : r === 11 ? '0' : String(r);
    if (expected !== code[16]) return { kind: 'organisation-check', expected, found: code[16] };
  }
  // ISO 7064 MOD 31-3 over the first 17, weights 3^(i-1) mod 31.
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += ALPHABET.indexOf(code[i]) * weight;
    weight = (weight * 3) % 31;
  }
  const expected = ALPHABET[(31 - (sum % 31)) % 31];
  return expected === code[17] ? undefined : { kind: 'check', expected, found: code[17] };
}

/** The sentence for a credit code's fault, in the console's words. */
export function creditCodeFaultText(fault: CreditCodeFault, t: TFunction): string {
  if (fault.kind === 'shape') return t('common:creditCodeShape');
  return t(fault.kind === 'check' ? 'common:creditCodeCheckChar' : 'common:creditCodeOrgCheck', { expected: fault.expected, found: fault.found });
}

/** A form rule: a credit code the platform would accept (an empty value is left to `required`). */
export function creditCodeRule(t: TFunction): FormRule {
  return {
    validator: (_, value: unknown) => {
      if (typeof value !== 'string' || value.trim() === '') return Promise.resolve();
      const fault = creditCodeFault(value);
      return fault ? Promise.reject(new Error(creditCodeFaultText(fault, t))) : Promise.resolve();
    },
  };
}
