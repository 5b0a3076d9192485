/**
 * The check-character algorithms a license type's number may name (docs/license-types.md), each
 * implemented once here and tested against its standard's own examples:
 *   gb32100           GB 32100-2015 统一社会信用代码, weights 3^(i-1) mod 31 over its 31-character alphabet
 *   gb11714           GB 11714-1997 组织机构代码, weights 3 7 9 10 5 8 4 2, mod 11 (10 → X, 11 → 0)
 *   gb11643           GB 11643-1999 公民身份号码: ISO 7064 MOD 11-2 over the 17 digits
 *   iso7064-mod11-2   ISO/IEC 7064 MOD 11-2 (pure system, check 0-9 or X)
 *   iso7064-mod11-10  ISO/IEC 7064 MOD 11,10 (hybrid system, GB/T 17710), digits only
 *   iso7064-mod37-36  ISO/IEC 7064 MOD 37,36 (hybrid system, GB/T 17710), digits and A-Z (GB/T 36904 identifiers)
 *   luhn              ISO/IEC 7812-1 Annex B (Luhn), digits only
 *   none              no check character
 */
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, organizationCodeCheckChar } from './creditCode.ts';
import { mod37_36CheckChar } from './licenseIdentifier.ts';

export const CHECK_ALGORITHMS = ['gb32100', 'gb11714', 'gb11643', 'iso7064-mod11-2', 'iso7064-mod11-10', 'iso7064-mod37-36', 'luhn', 'none'] as const;
export type CheckAlgorithm = (typeof CHECK_ALGORITHMS)[number];

interface AlgorithmSpec {
  standard: string;
  /** The characters the checked part may hold. */
  input: RegExp;
  inputName: { en: string; zh: string };
  /** The length the checked part must have, for algorithms defined on one length. */
  length?: number;
  /** The check character of `body` (every character already known to match `input`). */
  compute(body: string): string;
}

const DIGITS = { input: /^[0-9]$/, inputName: { en: 'a digit', zh: '数字' } };

/** ISO/IEC 7064 MOD 11-2: P ← ((P + a) × 2) mod 11 from the left; the check makes the sum ≡ 1. */
function mod11_2(body: string): string {
  let p = 0;
  for (let i = 0; i < body.length; i++) p = ((p + body.charCodeAt(i) - 48) * 2) % 11;
  const check = (12 - p) % 11;
  return check === 10 ? 'X' : String(check);
}

/** ISO/IEC 7064 MOD 11,10 (hybrid): S = (P + a) mod 10 (0 → 10), P = 2S mod 11, starting from P = 10. */
function mod11_10(body: string): string {
  let p = 10;
  for (let i = 0; i < body.length; i++) {
    const s = (p + body.charCodeAt(i) - 48) % 10 || 10;
    p = (s * 2) % 11;
  }
  return String((11 - p) % 10);
}

/** Luhn: from the right, every second digit (starting with the rightmost of the body) doubled. */
function luhn(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = body.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const SPECS: Record<CheckAlgorithm, AlgorithmSpec | undefined> = {
  gb32100: {
    standard: 'GB 32100-2015',
    input: new RegExp(`^[${CREDIT_CODE_ALPHABET}]$`),
    inputName: { en: 'a character of the credit code alphabet (0-9, A-Z without I O Z S V)', zh: '统一社会信用代码字符（数字及除 I、O、Z、S、V 外的大写字母）' },
    length: 17,
    compute: creditCodeCheckChar,
  },
  gb11714: {
    standard: 'GB 11714-1997',
    input: /^[0-9A-Z]$/,
    inputName: { en: 'a digit or an upper-case letter', zh: '数字或大写字母' },
    length: 8,
    compute: organizationCodeCheckChar,
  },
  gb11643: { standard: 'GB 11643-1999', ...DIGITS, length: 17, compute: mod11_2 },
  'iso7064-mod11-2': { standard: 'ISO/IEC 7064 MOD 11-2', ...DIGITS, compute: mod11_2 },
  'iso7064-mod11-10': { standard: 'ISO/IEC 7064 MOD 11,10 (GB/T 17710)', ...DIGITS, compute: mod11_10 },
  'iso7064-mod37-36': {
    standard: 'ISO/IEC 7064 MOD 37,36 (GB/T 17710)',
    input: /^[0-9A-Z]$/,
    inputName: { en: 'a digit or an upper-case letter', zh: '数字或大写字母' },
    compute: mod37_36CheckChar,
  },
  luhn: { standard: 'ISO/IEC 7812-1 (Luhn)', ...DIGITS, compute: luhn },
  none: undefined,
};

export const isCheckAlgorithm = (name: unknown): name is CheckAlgorithm => typeof name === 'string' && (CHECK_ALGORITHMS as readonly string[]).includes(name);

/** The standard an algorithm comes from (for messages and docs); undefined for `none`. */
export const algorithmStandard = (algorithm: CheckAlgorithm): string | undefined => SPECS[algorithm]?.standard;

/** The one length an algorithm is defined on (gb32100: 17), if it has one. */
export const algorithmLength = (algorithm: CheckAlgorithm): number | undefined => SPECS[algorithm]?.length;

export type CheckOutcome =
  | { ok: true; expected: string | undefined }
  | { ok: false; at: number; message: string; messageZh: string };

/**
 * The check character `algorithm` gives for `body`; or, when `body` holds a character the algorithm
 * cannot read, where (0-based, within `body`) and why. `none` expects nothing.
 */
export function checkCharacterOf(algorithm: CheckAlgorithm, body: string): CheckOutcome {
  const spec = SPECS[algorithm];
  if (!spec) return { ok: true, expected: undefined };
  for (let i = 0; i < body.length; i++) {
    if (!spec.input.test(body[i])) {
      return {
        ok: false,
        at: i,
        message: `'${body[i]}' is not ${spec.inputName.en}, which ${spec.standard} needs`,
        messageZh: `“${body[i]}”不是${spec.inputName.zh}，${spec.standard} 只接受${spec.inputName.zh}`,
      };
    }
  }
  if (spec.length !== undefined && body.length !== spec.length) {
    return { ok: false, at: Math.min(body.length, spec.length), message: `${spec.standard} checks ${spec.length} characters, not ${body.length}`, messageZh: `${spec.standard} 校验${spec.length}位字符，实为${body.length}位` };
  }
  return { ok: true, expected: spec.compute(body) };
}
