/**
 * A license type's own number (证照编号), as its definition describes it: a pattern, a check
 * character computed by a named algorithm over a range of the number, and parts whose values are
 * closed lists or GB/T 2260 division codes. `at` and `over` count characters from 0; `over` is
 * half-open and the check character is the one right after it.
 *
 * Typed numbers are normalised before they are judged, everywhere a number is entered (issuance,
 * amendment, import, the check endpoint and CLI): full-width characters become half-width, white
 * space (including the ideographic space) is dropped and letters are upper-cased. A clerk copying
 * "ｊｙ１３７…" from a scanned form means JY137…; what remains wrong is refused with its reason.
 */
import { checkCharacterOf, type CheckAlgorithm } from './checkAlgorithms.ts';
import { DEMO_PROVINCE, findDivision, isProvinceCode } from './divisions.ts';

export interface NumberPart {
  at: number;
  length: number;
  title: string;
  titleEn?: string;
  /** The values this part may take: plain strings, or values with their meaning. */
  oneOf?: (string | { value: string; title: string; titleEn?: string })[];
  /** A GB/T 2260 division code of that level. */
  division?: 'province' | 'city' | 'county';
}

export interface NumberRule {
  /** The data field that holds the number. */
  field: string;
  pattern?: string;
  check?: { algorithm: CheckAlgorithm; over: [number, number] };
  parts?: NumberPart[];
}

export interface NumberProblem {
  /** Stable: empty, length, pattern, character, part, division, check-character. */
  code: string;
  message: string;
  messageZh: string;
  /** 0-based position in the normalised number, when the problem has one. */
  at?: number;
}

export interface NumberCheck {
  valid: boolean;
  normalised: string;
  problems: NumberProblem[];
}

/** Full-width to half-width, white space dropped, letters upper-cased. */
export function normaliseNumber(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u00A0\u200B-\u200D\uFEFF]/g, '')
    .toUpperCase();
}

/** The length the rule's positions imply (the check character and the parts), 0 when they imply none. */
export function impliedLength(rule: Omit<NumberRule, 'field'>): number {
  let length = rule.check && rule.check.algorithm !== 'none' ? rule.check.over[1] + 1 : 0;
  for (const part of rule.parts ?? []) length = Math.max(length, part.at + part.length);
  return length;
}

const patterns = new Map<string, RegExp>();
/** Patterns compiled once (a definition's pattern is checked for catastrophic backtracking when the type is validated). */
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    if (patterns.size > 1000) patterns.clear();
    re = new RegExp(source, 'u');
    patterns.set(source, re);
  }
  return re;
}

const partValues = (part: NumberPart) => (part.oneOf ?? []).map((v) => (typeof v === 'string' ? v : v.value));

/** Whether `code` (2, 4 or 6 digits, right-padded with zeros to 6) is a division of that level. */
function isDivision(code: string, level: NonNullable<NumberPart['division']>): boolean {
  if (!/^\d+$/.test(code) || !isProvinceCode(code.slice(0, 2))) return false;
  const full = code.padEnd(6, '0');
  if (level === 'province') return full.slice(2) === '0000';
  // The platform ships the prefectures of its own province only: elsewhere the province is checked.
  if (level === 'city' && full.slice(0, 2) === DEMO_PROVINCE.code.slice(0, 2)) return full.slice(4) === '00' && findDivision(full) !== undefined;
  return true;
}

const LEVEL_ZH = { province: '省级', city: '地市级', county: '县级' } as const;

/** Judges a typed number against a type's number rule; the number as normalised, and every problem found. */
export function checkLicenseNumber(rule: Omit<NumberRule, 'field'>, input: string): NumberCheck {
  const number = normaliseNumber(input);
  const problems: NumberProblem[] = [];
  if (number === '') return { valid: false, normalised: number, problems: [{ code: 'empty', message: 'the number is empty', messageZh: '编号为空' }] };
  const length = impliedLength(rule);
  const patternOk = rule.pattern === undefined || patternOf(rule.pattern).test(number);
  if (!patternOk) {
    if (length > 0 && number.length !== length) {
      problems.push({ code: 'length', message: `the number has ${number.length} characters, it should have ${length}`, messageZh: `编号应为${length}位，实为${number.length}位` });
    }
    problems.push({ code: 'pattern', message: `the number does not have the form ${rule.pattern}`, messageZh: `编号不符合格式 ${rule.pattern}` });
  }
  for (const part of rule.parts ?? []) {
    if (part.at + part.length > number.length) continue;
    const value = number.slice(part.at, part.at + part.length);
    const allowed = partValues(part);
    if (allowed.length > 0 && !allowed.includes(value)) {
      problems.push({
        code: 'part',
        at: part.at,
        message: `${part.titleEn ?? part.title} '${value}' at ${part.at} is not one of ${allowed.join(', ')}`,
        messageZh: `第${part.at + 1}位起的${part.title}“${value}”不是允许的值（${allowed.join('、')}）`,
      });
    }
    if (part.division && !isDivision(value, part.division)) {
      problems.push({
        code: 'division',
        at: part.at,
        message: `${part.titleEn ?? part.title} '${value}' at ${part.at} is not a GB/T 2260 ${part.division} code`,
        messageZh: `第${part.at + 1}位起的${part.title}“${value}”不是 GB/T 2260 ${LEVEL_ZH[part.division]}行政区划代码`,
      });
    }
  }
  if (rule.check && rule.check.algorithm !== 'none') {
    const [from, to] = rule.check.over;
    if (number.length > to) {
      const outcome = checkCharacterOf(rule.check.algorithm, number.slice(from, to));
      if (!outcome.ok) {
        problems.push({ code: 'character', at: from + outcome.at, message: `at ${from + outcome.at}: ${outcome.message}`, messageZh: `第${from + outcome.at + 1}位：${outcome.messageZh}` });
      } else if (outcome.expected !== number[to]) {
        problems.push({
          code: 'check-character',
          at: to,
          message: `the check character at ${to} should be '${outcome.expected}', found '${number[to]}'`,
          messageZh: `第${to + 1}位校验码应为“${outcome.expected}”，实为“${number[to]}”`,
        });
      }
    } else if (patternOk) {
      problems.push({ code: 'length', message: `the number is too short for its check character at ${to}`, messageZh: `编号太短，缺少第${to + 1}位校验码` });
    }
  }
  return { valid: problems.length === 0, normalised: number, problems };
}

/** The check character the rule gives a number's checked range (to make valid numbers: demo, tests, benchmarks). */
export function numberCheckCharacter(rule: Omit<NumberRule, 'field'>, numberWithoutCheck: string): string {
  if (!rule.check || rule.check.algorithm === 'none') return '';
  const outcome = checkCharacterOf(rule.check.algorithm, numberWithoutCheck.slice(rule.check.over[0], rule.check.over[1]));
  if (!outcome.ok) throw new RangeError(outcome.message);
  return outcome.expected ?? '';
}
