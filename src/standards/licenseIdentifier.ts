// 电子证照标识 (GB/T 36904-2018):
//   1.2.156.3005.2.<证照类型代码>.<证照颁发机构代码>.<流水号>.<版本号>.<校验位>
// The check character is ISO/IEC 7064 MOD 37,36 (GB/T 17710) over type code + issuer
// code + serial + version, concatenated without dots and without the root.
import { checkCreditCode } from './creditCode.ts';
import type { CodeProblem } from './creditCode.ts';

export const LICENSE_ID_ROOT = '1.2.156.3005.2';

export interface LicenseIdentifierParts {
  typeCode: string;
  issuerCode: string;
  serial: string;
  version: number;
  check: string;
}

const MOD37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = /^[0-9A-Z]+$/;
const TYPE_CODE = /^[0-9A-Z]{1,32}$/;
const SERIAL = /^[0-9A-Z]{1,32}$/;
const VERSION = /^\d{3}$/;

/**
 * ISO/IEC 7064 MOD 37,36 hybrid system (M = 36, M+1 = 37): one check character from
 * the same 36 characters as the input, so it never needs a supplementary '*'.
 */
export function mod37_36CheckChar(s: string): string {
  if (s !== '' && !ALNUM.test(s)) {
    throw new RangeError(`mod37_36CheckChar accepts only 0-9 and A-Z, got '${s}'`);
  }
  const M = 36;
  let p = M;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const a = c <= 57 ? c - 48 : c - 55;
    // S_j = (P_{j-1} mod (M+1)) + a_j ; P_j = ((S_j mod M) or M if 0) * 2
    const t = ((p % (M + 1)) + a) % M || M;
    p = t * 2;
  }
  // Choose the check char so that the final step leaves S mod M == 1.
  return MOD37_36_ALPHABET[(M + 1 - (p % (M + 1))) % M];
}

function formatSerial(serial: string | number): string {
  if (typeof serial === 'number') {
    if (!Number.isSafeInteger(serial) || serial < 0) {
      throw new RangeError(`serial number must be a non-negative integer, got ${serial}`);
    }
    // Numeric serials are zero-padded to 8 digits so identifiers sort and look uniform.
    return String(serial).padStart(8, '0');
  }
  if (!SERIAL.test(serial)) throw new RangeError(`serial must match [0-9A-Z]{1,32}, got '${serial}'`);
  return serial;
}

/** Build a full identifier; throws RangeError on any input that parseLicenseIdentifier would reject. */
export function buildLicenseIdentifier(p: {
  typeCode: string;
  issuerCode: string;
  serial: string | number;
  version: number;
}): string {
  if (!TYPE_CODE.test(p.typeCode)) throw new RangeError(`typeCode must match [0-9A-Z]{1,32}, got '${p.typeCode}'`);
  const issuer = checkCreditCode(p.issuerCode);
  if (!issuer.valid && !issuer.legacy) {
    throw new RangeError(`issuerCode '${p.issuerCode}' is not a valid credit code: ${issuer.problems.map((x) => x.message).join('; ')}`);
  }
  const serial = formatSerial(p.serial);
  if (!Number.isInteger(p.version) || p.version < 1 || p.version > 999) {
    throw new RangeError(`version must be an integer 1..999, got ${p.version}`);
  }
  const version = String(p.version).padStart(3, '0');
  const check = mod37_36CheckChar(p.typeCode + p.issuerCode + serial + version);
  return `${LICENSE_ID_ROOT}.${p.typeCode}.${p.issuerCode}.${serial}.${version}.${check}`;
}

const RULE_NAMES_ZH: Record<string, string> = {
  root: '根代码',
  segments: '段数',
  'type-code': '证照类型代码',
  'issuer-code': '证照颁发机构代码',
  serial: '流水号',
  version: '版本号',
  'check-char': '校验位',
};

function problem(rule: string, position: number | undefined, en: string, zh: string): CodeProblem {
  const where = position === undefined ? '' : ` at position ${position}`;
  const whereZh = position === undefined ? '' : `（第${position}位）`;
  const p: CodeProblem = { rule, message: `${rule}${where}: ${en}`, messageZh: `${RULE_NAMES_ZH[rule]}${whereZh}：${zh}` };
  if (position !== undefined) p.position = position;
  return p;
}

/**
 * Parse and fully check an identifier. `position` in problems is the 1-based character
 * position where the offending segment starts.
 */
export function parseLicenseIdentifier(
  id: string,
): { ok: true; parts: LicenseIdentifierParts } | { ok: false; problems: CodeProblem[] } {
  const prefix = LICENSE_ID_ROOT + '.';
  if (!id.startsWith(prefix)) {
    return {
      ok: false,
      problems: [problem('root', 1, `identifier must start with '${prefix}'`, `标识应以“${prefix}”开头`)],
    };
  }
  const segs = id.slice(prefix.length).split('.');
  if (segs.length !== 5) {
    return {
      ok: false,
      problems: [
        problem(
          'segments',
          prefix.length + 1,
          `expected 5 segments after the root (type code, issuer code, serial, version, check), got ${segs.length}`,
          `根代码后应有5段（证照类型代码、颁发机构代码、流水号、版本号、校验位），实为${segs.length}段`,
        ),
      ],
    };
  }
  const [typeCode, issuerCode, serial, versionText, check] = segs;
  // Start positions (1-based) of each segment, for messages.
  const pos: number[] = [];
  let at = prefix.length + 1;
  for (const s of segs) {
    pos.push(at);
    at += s.length + 1;
  }

  const problems: CodeProblem[] = [];
  if (!TYPE_CODE.test(typeCode)) {
    problems.push(
      problem('type-code', pos[0], `'${typeCode}' must be 1-32 characters 0-9/A-Z`, `“${typeCode}”应为1至32位数字或大写字母`),
    );
  }
  const issuer = checkCreditCode(issuerCode);
  // Early issuers' codes can fail only the final check char: they still issue valid licenses.
  if (!issuer.valid && !issuer.legacy) {
    problems.push(
      problem(
        'issuer-code',
        pos[1],
        `'${issuerCode}' is not a valid unified social credit code (${issuer.problems.map((x) => x.message).join('; ')})`,
        `“${issuerCode}”不是有效的统一社会信用代码（${issuer.problems.map((x) => x.messageZh).join('；')}）`,
      ),
    );
  }
  if (!SERIAL.test(serial)) {
    problems.push(problem('serial', pos[2], `'${serial}' must be 1-32 characters 0-9/A-Z`, `“${serial}”应为1至32位数字或大写字母`));
  }
  if (!VERSION.test(versionText) || versionText === '000') {
    problems.push(
      problem('version', pos[3], `'${versionText}' must be exactly 3 digits from 001`, `“${versionText}”应为3位数字且不小于001`),
    );
  }
  if (!/^[0-9A-Z]$/.test(check)) {
    problems.push(problem('check-char', pos[4], `'${check}' must be one character 0-9/A-Z`, `“${check}”应为1位数字或大写字母`));
  } else {
    const body = typeCode + issuerCode + serial + versionText;
    // Only compute when the body is in the MOD 37,36 alphabet; otherwise the segment problems above say why.
    if (ALNUM.test(body)) {
      const expected = mod37_36CheckChar(body);
      if (expected !== check) {
        problems.push(problem('check-char', pos[4], `should be '${expected}', found '${check}'`, `应为“${expected}”，实为“${check}”`));
      }
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, parts: { typeCode, issuerCode, serial, version: Number(versionText), check } };
}
