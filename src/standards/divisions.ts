// GB/T 2260 行政区划代码 for the demo province (山东省) and the province-level
// prefixes used to sanity-check division codes inside other identifiers.
import data from './data/divisions.json' with { type: 'json' };

export interface Division {
  code: string;
  name: string;
  nameEn: string;
  level: 'province' | 'prefecture';
}

interface RawDivision {
  code: string;
  name: string;
  nameEn: string;
  level: string;
}

// The JSON is typed loosely by TypeScript (level: string), so narrow it once at load
// and fail loudly if someone edits the data file badly.
function toDivision(raw: RawDivision): Division {
  if (!/^\d{6}$/.test(raw.code)) throw new Error(`divisions.json: bad code ${raw.code}`);
  if (raw.level !== 'province' && raw.level !== 'prefecture') {
    throw new Error(`divisions.json: bad level ${raw.level} for ${raw.code}`);
  }
  return Object.freeze({ code: raw.code, name: raw.name, nameEn: raw.nameEn, level: raw.level });
}

export const DEMO_PROVINCE: Division = toDivision(data.province);

/** The demo province followed by its 16 prefecture-level cities (地级市). */
export const divisions: Division[] = [DEMO_PROVINCE, ...data.prefectures.map(toDivision)];

const byCode = new Map(divisions.map((d) => [d.code, d]));

/** Only current codes: 371200 (莱芜市, abolished 2019) is deliberately absent. */
export function findDivision(code: string): Division | undefined {
  return byCode.get(code);
}

// 省级行政区划代码前两位 (GB/T 2260): 31 mainland provinces/regions/municipalities,
// plus 71 台湾省, 81 香港特别行政区, 82 澳门特别行政区.
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

export function isProvinceCode(twoDigits: string): boolean {
  return PROVINCE_PREFIXES.has(twoDigits);
}
