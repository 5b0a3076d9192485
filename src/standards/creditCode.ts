// 统一社会信用代码 (GB 32100-2015, with amendment No.1 adding A and N): 18 characters
//   1      登记管理部门代码 registration authority
//   2      机构类别代码     category
//   3-8    登记管理机关行政区划码 division code (GB/T 2260)
//   9-17   主体标识码（组织机构代码） organisation code, GB 11714, 17th char is its own check
//   18     校验码 check character, ISO 7064 MOD 31-3
import { divisions, isProvinceCode } from './divisions.ts';

/** 31 characters: digits and upper-case letters without I, O, Z, S, V (easily confused). */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export interface CodeProblem {
  /** Stable kebab-case id, e.g. 'length', 'charset', 'check-char'. */
  rule: string;
  /** 1-based character position in the checked string, when the problem has one. */
  position?: number;
  message: string;
  messageZh: string;
}

export interface CreditCodeParts {
  registrationAuthority: string;
  category: string;
  divisionCode: string;
  organizationCode: string;
  checkChar: string;
}

export interface CreditCodeCheck {
  valid: boolean;
  code: string;
  problems: CodeProblem[];
  /** True iff the only problem is the final check character (early codes; accept with a warning on import). */
  legacy: boolean;
  parts?: CreditCodeParts;
}

export interface RegistrationAuthority {
  name: string;
  nameEn: string;
  categories: Readonly<Record<string, { name: string; nameEn: string }>>;
}

/** GB 32100-2015 table of 登记管理部门代码 and the 机构类别代码 each may use. */
export const REGISTRATION_AUTHORITIES: Readonly<Record<string, RegistrationAuthority>> = {
  '1': {
    name: '机构编制',
    nameEn: 'Institutional establishment (public sector organisation)',
    categories: {
      '1': { name: '机关', nameEn: 'Government organ' },
      '2': { name: '事业单位', nameEn: 'Public institution' },
      '3': { name: '中央编办直接管理机构编制的群众团体', nameEn: 'Mass organisation staffed directly by the central establishment office' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '2': {
    name: '外交',
    nameEn: 'Foreign affairs',
    categories: {
      '1': { name: '外国常驻新闻机构', nameEn: 'Resident foreign news agency' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '3': {
    name: '司法行政',
    nameEn: 'Judicial administration',
    categories: {
      '1': { name: '律师执业机构', nameEn: 'Law firm' },
      '2': { name: '公证处', nameEn: 'Notary office' },
      '3': { name: '基层法律服务所', nameEn: 'Grassroots legal service office' },
      '4': { name: '司法鉴定机构', nameEn: 'Forensic appraisal institution' },
      '5': { name: '仲裁委员会', nameEn: 'Arbitration commission' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '4': {
    name: '文化',
    nameEn: 'Culture',
    categories: {
      '1': { name: '外国在华文化中心', nameEn: 'Foreign cultural centre in China' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '5': {
    name: '民政',
    nameEn: 'Civil affairs',
    categories: {
      '1': { name: '社会团体', nameEn: 'Social organisation' },
      '2': { name: '民办非企业单位', nameEn: 'Private non-enterprise unit' },
      '3': { name: '基金会', nameEn: 'Foundation' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '6': {
    name: '旅游',
    nameEn: 'Tourism',
    categories: {
      '1': { name: '外国旅游部门常驻代表机构', nameEn: 'Resident representative office of a foreign tourism authority' },
      '2': { name: '港澳台地区旅游部门常驻内地（大陆）代表机构', nameEn: 'Resident mainland office of a Hong Kong, Macao or Taiwan tourism authority' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '7': {
    name: '宗教',
    nameEn: 'Religious affairs',
    categories: {
      '1': { name: '宗教活动场所', nameEn: 'Venue for religious activities' },
      '2': { name: '宗教院校', nameEn: 'Religious school' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '8': {
    name: '工会',
    nameEn: 'Trade unions',
    categories: {
      '1': { name: '基层工会', nameEn: 'Grassroots trade union' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  '9': {
    name: '工商',
    nameEn: 'Industry and commerce (market regulation)',
    categories: {
      '1': { name: '企业', nameEn: 'Enterprise' },
      '2': { name: '个体工商户', nameEn: 'Individual business' },
      '3': { name: '农民专业合作社', nameEn: 'Farmers’ specialised cooperative' },
    },
  },
  A: {
    name: '中央军委改革和编制办公室',
    nameEn: 'Reform and Establishment Office of the Central Military Commission',
    categories: {
      '1': { name: '军队事业单位', nameEn: 'Military public institution' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  N: {
    name: '农业',
    nameEn: 'Agriculture (rural collective economic organisations)',
    categories: {
      '1': { name: '组级集体经济组织', nameEn: 'Group-level collective economic organisation' },
      '2': { name: '村级集体经济组织', nameEn: 'Village-level collective economic organisation' },
      '3': { name: '乡镇级集体经济组织', nameEn: 'Township-level collective economic organisation' },
      '9': { name: '其他', nameEn: 'Other' },
    },
  },
  Y: {
    name: '其他',
    nameEn: 'Other',
    // 不再具体划分机构类别，统一用 1
    categories: { '1': { name: '其他', nameEn: 'Other' } },
  },
};

const ALPHABET_VALUE = new Map([...CREDIT_CODE_ALPHABET].map((c, i) => [c, i] as const));

// Weights 3^(i-1) mod 31 for positions 1..17: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
const CREDIT_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

const ORG_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

/** ISO 7064 MOD 31-3 check character over the first 17 characters (GB 32100 §4.5). */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError(`creditCodeCheckChar needs 17 characters, got ${first17.length}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET_VALUE.get(first17[i]);
    if (v === undefined) {
      throw new RangeError(`creditCodeCheckChar: '${first17[i]}' at position ${i + 1} is not in the credit code alphabet`);
    }
    sum += v * CREDIT_WEIGHTS[i];
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 organisation code check character for the 8-character body (本体代码). */
export function organizationCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) {
    throw new RangeError(`organizationCodeCheckChar needs 8 characters [0-9A-Z], got '${first8}'`);
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    // digits keep their value; letters A=10 … Z=35
    const v = c <= 57 ? c - 48 : c - 55;
    sum += v * ORG_WEIGHTS[i];
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

const RULE_NAMES_ZH: Record<string, string> = {
  length: '长度',
  charset: '字符集',
  'registration-authority': '登记管理部门代码',
  category: '机构类别代码',
  'division-code': '登记管理机关行政区划码',
  'organization-code-check': '组织机构代码校验码',
  'check-char': '校验码',
};

function problem(rule: string, position: number | undefined, en: string, zh: string): CodeProblem {
  const where = position === undefined ? '' : ` at position ${position}`;
  const whereZh = position === undefined ? '' : `（第${position}位）`;
  const p: CodeProblem = { rule, message: `${rule}${where}: ${en}`, messageZh: `${RULE_NAMES_ZH[rule] ?? rule}${whereZh}：${zh}` };
  if (position !== undefined) p.position = position;
  return p;
}

function isPlausibleDivision(code: string): boolean {
  // 100000 marks national-level (中央) registration authorities.
  return code === '100000' || isProvinceCode(code.slice(0, 2));
}

/**
 * Check a unified social credit code. Nothing is trimmed or upper-cased: the caller
 * decides whether to normalise input, so what is stored is exactly what was checked.
 */
export function checkCreditCode(code: string): CreditCodeCheck {
  const problems: CodeProblem[] = [];

  if (code.length !== 18) {
    problems.push(problem('length', undefined, `must be 18 characters, got ${code.length}`, `应为18位，实为${code.length}位`));
  }
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (!ALPHABET_VALUE.has(ch)) {
      const lower = ch !== ch.toUpperCase() && ALPHABET_VALUE.has(ch.toUpperCase());
      problems.push(
        problem(
          'charset',
          i + 1,
          lower
            ? `'${ch}' must be upper-case`
            : `'${ch}' is not allowed (digits and upper-case letters except I, O, Z, S, V)`,
          lower ? `“${ch}”应为大写字母` : `不允许的字符“${ch}”（只允许数字和除I、O、Z、S、V外的大写字母）`,
        ),
      );
    }
  }
  // Structural checks only make sense on a full-length code in the right alphabet.
  if (problems.length > 0) return { valid: false, code, problems, legacy: false };

  const parts: CreditCodeParts = {
    registrationAuthority: code[0],
    category: code[1],
    divisionCode: code.slice(2, 8),
    organizationCode: code.slice(8, 17),
    checkChar: code[17],
  };

  const authority = REGISTRATION_AUTHORITIES[parts.registrationAuthority];
  if (!authority) {
    problems.push(
      problem(
        'registration-authority',
        1,
        `'${parts.registrationAuthority}' is not a registration authority code (1-9, A, N, Y)`,
        `“${parts.registrationAuthority}”不是有效的登记管理部门代码（1-9、A、N、Y）`,
      ),
    );
  } else if (!authority.categories[parts.category]) {
    const allowed = Object.keys(authority.categories).join(', ');
    problems.push(
      problem(
        'category',
        2,
        `'${parts.category}' is not a category of registration authority '${parts.registrationAuthority}' (${authority.nameEn}); allowed: ${allowed}`,
        `“${parts.category}”不是登记管理部门“${parts.registrationAuthority}”（${authority.name}）的机构类别代码，允许：${allowed}`,
      ),
    );
  }

  const nonDigit = parts.divisionCode.search(/\D/);
  if (nonDigit >= 0) {
    problems.push(
      problem('division-code', 3 + nonDigit, `'${parts.divisionCode}' must be 6 digits`, `“${parts.divisionCode}”应为6位数字`),
    );
  } else if (!isPlausibleDivision(parts.divisionCode)) {
    problems.push(
      problem(
        'division-code',
        3,
        `'${parts.divisionCode}' is not a GB/T 2260 division code (unknown province prefix '${parts.divisionCode.slice(0, 2)}')`,
        `“${parts.divisionCode}”不是有效的GB/T 2260行政区划代码（省级代码“${parts.divisionCode.slice(0, 2)}”不存在）`,
      ),
    );
  }

  const orgCheck = organizationCodeCheckChar(parts.organizationCode.slice(0, 8));
  if (orgCheck !== parts.organizationCode[8]) {
    problems.push(
      problem(
        'organization-code-check',
        17,
        `organisation code check character should be '${orgCheck}', found '${parts.organizationCode[8]}'`,
        `应为“${orgCheck}”，实为“${parts.organizationCode[8]}”`,
      ),
    );
  }

  const check = creditCodeCheckChar(code.slice(0, 17));
  if (check !== parts.checkChar) {
    problems.push(
      problem('check-char', 18, `check character should be '${check}', found '${parts.checkChar}'`, `应为“${check}”，实为“${parts.checkChar}”`),
    );
  }

  return {
    valid: problems.length === 0,
    code,
    problems,
    legacy: problems.length === 1 && problems[0].rule === 'check-char',
    parts,
  };
}

function pick(alphabet: string, random: () => number): string {
  // Clamp so a random() that returns exactly 1 cannot index past the end.
  const i = Math.min(alphabet.length - 1, Math.floor(random() * alphabet.length));
  return alphabet[i];
}

/**
 * A valid synthetic code for demos and tests. Defaults: 9 (工商) / 1 (企业), a division
 * from the demo province. Pass `random` for reproducible output.
 */
export function generateCreditCode(
  opts: { registrationAuthority?: string; category?: string; divisionCode?: string; random?: () => number } = {},
): string {
  const random = opts.random ?? Math.random;
  const authorityCode = opts.registrationAuthority ?? '9';
  const category = opts.category ?? '1';
  const authority = REGISTRATION_AUTHORITIES[authorityCode];
  if (!authority) throw new RangeError(`unknown registration authority code '${authorityCode}'`);
  if (!authority.categories[category]) {
    throw new RangeError(`category '${category}' is not allowed for registration authority '${authorityCode}'`);
  }
  const divisionCode = opts.divisionCode ?? divisions[Math.min(divisions.length - 1, Math.floor(random() * divisions.length))].code;
  if (!/^\d{6}$/.test(divisionCode) || !isPlausibleDivision(divisionCode)) {
    throw new RangeError(`'${divisionCode}' is not a plausible GB/T 2260 division code`);
  }
  let body = '';
  for (let i = 0; i < 8; i++) body += pick(CREDIT_CODE_ALPHABET, random);
  const first17 = authorityCode + category + divisionCode + body + organizationCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}
