/**
 * The codes of a practice copy, in the reserved range (src/platform/practiceCodes.ts): valid
 * unified social credit codes (GB 32100) whose division is the province's prefecture and county 99
 * (`xx9999`, which GB/T 2260 does not have), and whose organisation code is `PRA`, the copy's
 * serial in four characters, and one character for the department's slot or the enterprise's number.
 */
import { PRACTICE_DIVISION_SUFFIX, PRACTICE_MARKER } from '../platform/practiceCodes.ts';
import { checkCreditCode, CREDIT_CODE_ALPHABET, creditCodeCheckChar, organizationCodeCheckChar } from '../standards/index.ts';

/** The three departments of a copy, in this order in `practice_copies.departments`. */
export const SLOTS = ['issuer', 'consumer', 'coordinator'] as const;
export type Slot = (typeof SLOTS)[number];
/** Who a copy is for: a member of staff in their role (a slot of the copy), or an enterprise (its copy's example enterprise). */
export type CopyRole = Slot | 'enterprise';

/** How many enterprises a copy can have (one character of the alphabet). */
export const MAX_ENTERPRISES = CREDIT_CODE_ALPHABET.length;

/** The copy's serial as four characters of the credit-code alphabet. */
export function serialChars(serial: number): string {
  const base = CREDIT_CODE_ALPHABET.length;
  if (!Number.isInteger(serial) || serial < 0 || serial >= base ** 4) throw new RangeError(`practice copy serial ${serial} is out of range`);
  let out = '';
  for (let n = serial, i = 0; i < 4; i++, n = Math.floor(n / base)) out = CREDIT_CODE_ALPHABET[n % base] + out;
  return out;
}

function code(authority: string, category: string, division: string, body: string): string {
  const first17 = authority + category + division + body + organizationCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}

/** The practice division of the real department's province (or the demo province's): `xx9999`. */
export function codeDivision(region: string): string {
  const division = /^\d{6}$/.test(region) ? `${region.slice(0, 2)}${PRACTICE_DIVISION_SUFFIX}` : '';
  return division && checkCreditCode(code('1', '1', division, `${PRACTICE_MARKER}00000`)).valid ? division : `37${PRACTICE_DIVISION_SUFFIX}`;
}

/** The code of a copy's department (机关: 1 1). */
export const departmentCode = (serial: number, slot: Slot, division: string): string => code('1', '1', division, `${PRACTICE_MARKER}${serialChars(serial)}${SLOTS.indexOf(slot) + 1}`);

/** The code of a copy's enterprise number `n` (0 ≤ n < 31), of a credit category of registration authority 9. */
export const enterpriseCode = (serial: number, n: number, category: string, division: string): string =>
  code('9', category, division, `${PRACTICE_MARKER}${serialChars(serial)}${CREDIT_CODE_ALPHABET[n]}`);

/** The serial part of a practice code (the same for every department and enterprise of a copy). */
export const serialOf = (practiceCode: string): string => practiceCode.slice(11, 15);
