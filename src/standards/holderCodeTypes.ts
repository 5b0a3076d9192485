// 持证主体代码类型 (GB/T 36903 metadata): which identifier the holder code is.
import { checkCharacterOf } from './checkAlgorithms.ts';
import { checkCreditCode, organizationCodeCheckChar } from './creditCode.ts';
import type { CodeProblem } from './creditCode.ts';
import { isProvinceCode } from './divisions.ts';

export const HOLDER_CODE_TYPES = {
  '001': { name: '统一社会信用代码', nameEn: 'Unified social credit code' },
  '002': { name: '组织机构代码', nameEn: 'Organisation code' },
  '111': { name: '居民身份证', nameEn: 'Resident identity card' },
} as const;

export type HolderCodeType = keyof typeof HOLDER_CODE_TYPES;

/**
 * The kinds of holder identifier a license type may accept (its definition's holder.codeTypes) and
 * the GB/T 36903 持证主体代码类型 each is recorded as. GB/T 36903 lists 001 and 111; 002 is the
 * platform's code for a GB 11714 organisation code of an entity without a credit code.
 */
export const HOLDER_KINDS = { uscc: '001', 'organization-code': '002', 'citizen-id': '111' } as const satisfies Record<string, HolderCodeType>;
export type HolderKind = keyof typeof HOLDER_KINDS;

/** What a holder's code of each kind is called on a form and a printed license (the console reads it from the served standard). */
export const HOLDER_KIND_TITLES: Record<HolderKind, { title: string; titleEn: string }> = {
  uscc: { title: '统一社会信用代码', titleEn: 'Unified social credit code' },
  'organization-code': { title: '组织机构代码', titleEn: 'Organisation code' },
  'citizen-id': { title: '公民身份号码', titleEn: 'Citizen ID number' },
};

const RULE_NAMES_ZH: Record<string, string> = {
  'holder-code-type': '持证主体代码类型',
  length: '长度',
  charset: '字符集',
  'division-code': '行政区划代码',
  'birth-date': '出生日期码',
  'check-char': '校验码',
};

function problem(rule: string, position: number | undefined, en: string, zh: string): CodeProblem {
  const where = position === undefined ? '' : ` at position ${position}`;
  const whereZh = position === undefined ? '' : `（第${position}位）`;
  const p: CodeProblem = { rule, message: `${rule}${where}: ${en}`, messageZh: `${RULE_NAMES_ZH[rule]}${whereZh}：${zh}` };
  if (position !== undefined) p.position = position;
  return p;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function checkCitizenId(code: string): CodeProblem[] {
  if (code.length !== 18) {
    return [problem('length', undefined, `citizen id must be 18 characters, got ${code.length}`, `公民身份号码应为18位，实为${code.length}位`)];
  }
  const problems: CodeProblem[] = [];
  for (let i = 0; i < 17; i++) {
    if (code[i] < '0' || code[i] > '9') {
      problems.push(problem('charset', i + 1, `'${code[i]}' must be a digit`, `“${code[i]}”应为数字`));
    }
  }
  if (!/^[0-9X]$/.test(code[17])) {
    problems.push(
      problem(
        'charset',
        18,
        code[17] === 'x' ? `check character must be upper-case 'X'` : `'${code[17]}' must be a digit or 'X'`,
        code[17] === 'x' ? `校验码应为大写“X”` : `“${code[17]}”应为数字或“X”`,
      ),
    );
  }
  if (problems.length > 0) return problems;

  if (!isProvinceCode(code.slice(0, 2))) {
    problems.push(
      problem('division-code', 1, `'${code.slice(0, 6)}' does not start with a GB/T 2260 province code`, `“${code.slice(0, 6)}”的省级代码不存在`),
    );
  }
  const y = Number(code.slice(6, 10));
  const m = Number(code.slice(10, 12));
  const d = Number(code.slice(12, 14));
  // Only calendar plausibility: a "not in the future" test would make this impure (clock-dependent).
  if (y < 1900 || !isCalendarDate(y, m, d)) {
    problems.push(problem('birth-date', 7, `'${code.slice(6, 14)}' is not a valid birth date`, `“${code.slice(6, 14)}”不是有效的出生日期`));
  }
  const expected = (checkCharacterOf('gb11643', code.slice(0, 17)) as { expected: string }).expected;
  if (expected !== code[17]) {
    problems.push(problem('check-char', 18, `check character should be '${expected}', found '${code[17]}'`, `应为“${expected}”，实为“${code[17]}”`));
  }
  return problems;
}

// GB 11714-1997 组织机构代码: 8 digits or upper-case letters and a check character (0-9 or X),
// often printed with a hyphen before the check character (12345678-9).
function checkOrganizationCode(code: string): CodeProblem[] {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) {
    return [problem('charset', undefined, `an organisation code is 8 digits or upper-case letters and a check character (0-9 or X), got '${code}'`, `组织机构代码应为8位数字或大写字母加1位校验码（0-9或X），实为“${code}”`)];
  }
  const expected = organizationCodeCheckChar(code.slice(0, 8));
  return expected === code[8] ? [] : [problem('check-char', 9, `check character should be '${expected}', found '${code[8]}'`, `应为“${expected}”，实为“${code[8]}”`)];
}

/**
 * Problems with a holder code of the given type; empty means valid. Credit codes are
 * checked strictly (a legacy code reports its 'check-char' problem; callers that accept
 * legacy codes can filter on that rule).
 */
export function checkHolderCode(type: HolderCodeType | (string & {}), code: string): CodeProblem[] {
  switch (type) {
    case '001':
      return checkCreditCode(code).problems;
    case '002':
      return checkOrganizationCode(code);
    case '111':
      return checkCitizenId(code);
    default:
      return [
        problem(
          'holder-code-type',
          undefined,
          `unknown holder code type '${type}' (expected 001, 002 or 111)`,
          `未知的持证主体代码类型“${type}”（应为001、002或111）`,
        ),
      ];
  }
}
