/**
 * Quality rules are data: one JSON file per license type beside its standard
 * (src/standards/<type>.quality.json), read and checked once here. A rule names one of a small set
 * of checks and gives it parameters; this file is the interpreter that evaluates the checks that
 * look at one license version at a time. The checks across licenses (uniqueness) are set-based SQL
 * in uniqueness.ts; consistency comes from departments' reports (reports.ts). Adding a rule of a
 * known check is editing the file; a new kind of check is a case here.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chinaDate, isCalendarDate } from '../platform/chinaTime.ts';
import { checkCreditCode, DEMO_PROVINCE, findDivision, findLicenseType, isProvinceCode, normalizeRegisteredCapital, type LicenseTypeStandard } from '../standards/index.ts';

export const DIMENSIONS = ['completeness', 'validity', 'consistency', 'timeliness', 'uniqueness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Severity = 'error' | 'warning';

/** The checks a rule may name, and the dimension each belongs to. */
const CHECKS = {
  present: 'completeness',
  schema: 'validity',
  'holder-code': 'validity',
  'holder-division': 'validity',
  'date-order': 'validity',
  'registered-capital': 'validity',
  'published-within': 'timeliness',
  'one-current-per-holder': 'uniqueness',
  'distinct-name-and-domicile': 'uniqueness',
  'reported-by-department': 'consistency',
} as const satisfies Record<string, Dimension>;
export type Check = keyof typeof CHECKS;

export interface Rule {
  id: string;
  licenseType: string;
  dimension: Dimension;
  severity: Severity;
  check: Check;
  params: Record<string, unknown>;
  message: { 'zh-CN': string; en: string };
}

export interface RuleSet {
  licenseType: string;
  version: string;
  rules: Rule[];
}

/** One license version as the rules see it. */
export interface CheckedVersion {
  licenseId: number;
  version: number;
  identifier: string;
  licenseType: string;
  department: string;
  holderCode: string;
  holderCodeType: string;
  status: string;
  data: Record<string, unknown>;
  /** When the version was published on the platform. */
  publishedAt: Date;
}

/** A rule that failed on a version. */
export interface Failure {
  rule: Rule;
  fields: string[];
  messageZh: string;
  messageEn: string;
}

const RULE_FILES: Record<string, URL> = {
  'business-license': new URL('../standards/businessLicense.quality.json', import.meta.url),
};

function fail(where: string, problem: string): never {
  throw new Error(`quality rules ${where}: ${problem}`);
}

/** Reads and checks a rule file's content (unknown checks, dimensions or duplicate ids refuse to load). */
export function parseRuleSet(json: unknown, where: string): RuleSet {
  const file = json as Partial<RuleSet> | null;
  if (!file || typeof file.licenseType !== 'string' || !Array.isArray(file.rules)) fail(where, 'expected {"licenseType", "version", "rules": [...]}');
  const standard = findLicenseType(file.licenseType) ?? fail(where, `unknown license type ${file.licenseType}`);
  const seen = new Set<string>();
  const rules = file.rules.map((r: Partial<Rule>, i) => {
    const at = `${where} rules[${i}]`;
    if (typeof r.id !== 'string' || !/^[A-Z0-9-]{1,32}$/.test(r.id)) fail(at, 'id must be 1-32 of A-Z, 0-9 and -');
    if (seen.has(r.id)) fail(at, `duplicate id ${r.id}`);
    seen.add(r.id);
    if (!r.check || !(r.check in CHECKS)) fail(at, `unknown check ${String(r.check)} (known: ${Object.keys(CHECKS).join(', ')})`);
    if (CHECKS[r.check] !== r.dimension) fail(at, `check ${r.check} belongs to the dimension ${CHECKS[r.check]}, not ${String(r.dimension)}`);
    if (r.severity !== 'error' && r.severity !== 'warning') fail(at, 'severity must be error or warning');
    if (typeof r.message?.['zh-CN'] !== 'string' || typeof r.message.en !== 'string') fail(at, 'message needs zh-CN and en');
    const params = r.params ?? {};
    for (const field of fieldsOf(params)) if (!(field in propertiesOf(standard))) fail(at, `${field} is not a field of ${standard.key}`);
    return { id: r.id, licenseType: standard.key, dimension: r.dimension, severity: r.severity, check: r.check, params, message: r.message } as Rule;
  });
  return { licenseType: standard.key, version: String(file.version ?? ''), rules };
}

function fieldsOf(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(params.fields)) out.push(...(params.fields as string[]));
  if (Array.isArray(params.pairs)) for (const pair of params.pairs as string[][]) out.push(...pair);
  for (const key of ['field', 'eventDate']) if (typeof params[key] === 'string') out.push(params[key]);
  return out;
}

const propertiesOf = (standard: LicenseTypeStandard) => (standard.dataSchema.properties ?? {}) as Record<string, { title?: string; 'x-title-en'?: string }>;

const ruleSets = new Map<string, RuleSet>();

/** The rules of a license type (read once per process); undefined for a type without a rule file. */
export function rulesOf(licenseType: string): RuleSet | undefined {
  let set = ruleSets.get(licenseType);
  if (!set && RULE_FILES[licenseType]) {
    set = parseRuleSet(JSON.parse(readFileSync(RULE_FILES[licenseType], 'utf8')), RULE_FILES[licenseType].pathname);
    ruleSets.set(licenseType, set);
  }
  return set;
}

const byCheck = new Map<string, Rule | null>();

/** The rule of a type with that check (the first), for the set-based and report checks. */
export function ruleWithCheck(licenseType: string, check: Check): Rule | undefined {
  const key = `${licenseType}\u0000${check}`;
  let rule = byCheck.get(key);
  if (rule === undefined) {
    const set = rulesOf(licenseType);
    rule = set?.rules.find((r) => r.check === check) ?? null;
    // Only once the type's rules are known (a type without a rule file stays unknown).
    if (set) byCheck.set(key, rule);
  }
  return rule ?? undefined;
}

/** Fills `{name}` placeholders; `{fields}` is the fields' titles in the message's language. */
export function formatMessage(rule: Rule, fields: readonly string[], values: Record<string, string | number> = {}): { messageZh: string; messageEn: string } {
  const standard = findLicenseType(rule.licenseType);
  const props = standard ? propertiesOf(standard) : {};
  const zh = fields.map((f) => props[f]?.title ?? f).join('、');
  const en = fields.map((f) => props[f]?.['x-title-en'] ?? f).join(', ');
  const fill = (text: string, fieldText: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => (key === 'fields' ? fieldText : key in values ? String(values[key]) : whole));
  return { messageZh: fill(rule.message['zh-CN'], zh), messageEn: fill(rule.message.en, en) };
}

// Two validators of the same schema: one that stops at the first error (most versions are valid,
// and it is the cheaper), and one that collects every error, run only on a version that failed, for
// the fields the finding names.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const ajvFirstError = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(ajvFirstError);
type Validate = ReturnType<typeof ajv.compile>;
const validators = new Map<string, { quick: Validate; full: Validate }>();
function validatorOf(standard: LicenseTypeStandard) {
  let validate = validators.get(standard.key);
  if (!validate) {
    // Missing fields are completeness's to report, not validity's.
    const schema = { ...standard.dataSchema, $id: `${String(standard.dataSchema.$id)}:quality`, required: [] };
    validate = { quick: ajvFirstError.compile(schema), full: ajv.compile(schema) };
    validators.set(standard.key, validate);
  }
  return validate;
}

/**
 * Memos of pure checks on values that repeat across licenses (dates, registered capitals): a full
 * pass meets the same few thousand of them a million times. Bounded: emptied when full.
 */
function memo<T>(compute: (value: string) => T, limit = 50_000): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    let result = seen.get(value);
    if (result === undefined && !seen.has(value)) {
      if (seen.size >= limit) seen.clear();
      result = compute(value);
      seen.set(value, result);
    }
    return result as T;
  };
}
const calendarDate = memo(isCalendarDate);
const isDate = (value: unknown): value is string => typeof value === 'string' && calendarDate(value);
const capitalOf = memo((value: string) => normalizeRegisteredCapital(value));

function failedWith(rule: Rule, fields: string[], values: Record<string, string | number> = {}): Failure {
  return { rule, fields, ...formatMessage(rule, fields, values) };
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Evaluates one rule that looks at one version; the failure, or undefined when it passes. */
function evaluate(rule: Rule, v: CheckedVersion, standard: LicenseTypeStandard): Failure | undefined {
  const p = rule.params;
  switch (rule.check) {
    case 'present': {
      let missing: string[] | undefined;
      for (const f of p.fields as string[]) if (isBlank(v.data[f])) (missing ??= []).push(f);
      return missing ? failedWith(rule, missing) : undefined;
    }
    case 'schema': {
      const { quick, full: validate } = validatorOf(standard);
      if (quick(v.data) || validate(v.data)) return undefined;
      const fields = [...new Set((validate.errors ?? []).map((e) => (e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : e.instancePath.split('/')[1] || '(data)')))];
      return failedWith(rule, fields);
    }
    case 'holder-code': {
      if (v.holderCodeType !== '001') return undefined;
      const check = checkCreditCode(v.holderCode);
      return check.valid ? undefined : failedWith(rule, ['holderCode'], { problem: check.problems.map((x) => x.rule).join(', ') });
    }
    case 'holder-division': {
      if (v.holderCodeType !== '001' || v.holderCode.length !== 18) return undefined;
      const division = v.holderCode.slice(2, 8);
      // Everywhere the province must exist; inside the platform's province (whose divisions it
      // knows) the prefecture must be one of its own.
      const known = /^\d{6}$/.test(division) && isProvinceCode(division.slice(0, 2)) && (division.slice(0, 2) !== DEMO_PROVINCE.code.slice(0, 2) || findDivision(`${division.slice(0, 4)}00`) !== undefined);
      return known ? undefined : failedWith(rule, ['holderCode'], { division });
    }
    case 'date-order': {
      const wrong = new Set<string>();
      for (const [a, b] of p.pairs as [string, string][]) {
        const x = v.data[a];
        const y = v.data[b];
        if (isDate(x) && isDate(y) && x > y) {
          wrong.add(a);
          wrong.add(b);
        }
      }
      return wrong.size ? failedWith(rule, [...wrong]) : undefined;
    }
    case 'registered-capital': {
      const field = p.field as string;
      const value = v.data[field];
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      const read = typeof value === 'string' ? capitalOf(value) : normalizeRegisteredCapital(value);
      return read.ok ? undefined : failedWith(rule, [field], { problem: read.message });
    }
    case 'published-within': {
      const field = p.eventDate as string;
      const event = v.data[field];
      if (!isDate(event)) return undefined;
      const days = daysBetween(event, chinaDate(v.publishedAt));
      // A gap of more than historyAfterDays is the registry's history brought onto the platform
      // (an import of earlier licenses), not a late publication.
      const history = typeof p.historyAfterDays === 'number' ? p.historyAfterDays : Infinity;
      return days > (p.maxDays as number) && days <= history ? failedWith(rule, [field], { days, maxDays: p.maxDays as number }) : undefined;
    }
    default:
      // Uniqueness and consistency are not about one version alone.
      return undefined;
  }
}

/** The per-version checks: the dimensions a single version decides. */
export const isVersionCheck = (rule: Rule) => rule.dimension !== 'uniqueness' && rule.dimension !== 'consistency';

/** Every rule of the version's type that looks at one version, evaluated; the failures. */
export function evaluateVersion(v: CheckedVersion): Failure[] {
  const set = rulesOf(v.licenseType);
  const standard = findLicenseType(v.licenseType);
  if (!set || !standard) return [];
  const failures: Failure[] = [];
  for (const rule of set.rules) {
    if (!isVersionCheck(rule)) continue;
    const failure = evaluate(rule, v, standard);
    if (failure) failures.push(failure);
  }
  return failures;
}

/** The value a report is compared on: spaces dropped, full-width letters and digits as half-width, case ignored. */
export function normalizeValue(value: unknown): string {
  const text = String(value ?? '');
  // Most values have nothing to replace: one test instead of two replacements.
  if (!NEEDS_NORMALIZING.test(text)) return text.toLowerCase();
  return text.replace(/[\uFF01-\uFF5E]/g, toHalfWidth).replace(/[\s\u3000]/g, '').toLowerCase();
}
const NEEDS_NORMALIZING = /[\uFF01-\uFF5E\s\u3000]/;
function toHalfWidth(c: string): string {
  return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
}

/** The entity behind a holder code, for one-current-per-holder: a credit code's 主体标识码 (organisation code, GB 11714), else the code. */
export function holderKey(holderCode: string, holderCodeType: string): string {
  return holderCodeType === '001' && holderCode.length === 18 ? holderCode.slice(8, 17) : holderCode;
}

/** The normalised name and domicile, for distinct-name-and-domicile; null when either is missing. */
export function identityKey(licenseType: string, data: Record<string, unknown>): string | null {
  const rule = ruleWithCheck(licenseType, 'distinct-name-and-domicile');
  if (!rule) return null;
  let key = '';
  const fields = rule.params.fields as string[];
  for (let i = 0; i < fields.length; i++) {
    const part = normalizeValue(data[fields[i]]);
    if (part === '') return null;
    key = i === 0 ? part : `${key}\u0001${part}`;
  }
  return key;
}
