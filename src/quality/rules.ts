/**
 * Quality rules are data: each license type's definition lists its rules (its `quality`, in the
 * rule language of src/standards/qualityChecks.ts and docs/quality.md); a type that lists none
 * still has its schema and its number checked. This file is the interpreter of the checks that look
 * at one license version at a time. The checks across licenses (uniqueness) are set-based SQL in
 * findings.ts; consistency comes from departments' reports (index.ts).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chinaDate, isCalendarDate } from '../platform/chinaTime.ts';
import {
  checkHolderCode,
  checkLicenseNumber,
  DEMO_PROVINCE,
  DIMENSIONS,
  findDivision,
  isProvinceCode,
  isVersionCheckName,
  normalizeRegisteredCapital,
  type Check,
  type Dimension,
  type LicenseTypeStandard,
  type QualityRuleDefinition,
  type Severity,
} from '../standards/index.ts';

export { DIMENSIONS, type Check, type Dimension, type Severity };

export interface Rule extends QualityRuleDefinition {
  licenseType: string;
  params: Record<string, unknown>;
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
  /** The type version the license version was issued under; undefined when the platform does not serve it. */
  standard: LicenseTypeStandard | undefined;
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

/** The rules every type has unless its definition gives its own of the check: the schema, and the number. */
function implicitRules(standard: LicenseTypeStandard): QualityRuleDefinition[] {
  const given = new Set(standard.quality.map((r) => r.check));
  const rules: QualityRuleDefinition[] = [];
  if (!given.has('schema')) {
    rules.push({ id: 'AUTO-SCHEMA', dimension: 'validity', severity: 'error', check: 'schema', message: { 'zh-CN': `不符合${standard.name}数据标准：{fields}`, en: `Does not meet the ${standard.nameEn}'s data standard: {fields}` } });
  }
  if (standard.number && !given.has('license-number')) {
    rules.push({ id: 'AUTO-NUMBER', dimension: 'validity', severity: 'error', check: 'license-number', message: { 'zh-CN': '证照编号不符合编号规则：{problem}', en: 'The license number does not follow its rule: {problem}' } });
  }
  return rules;
}

const ruleSets = new WeakMap<LicenseTypeStandard, RuleSet>();

/** The rules of a type version (its definition's, and the implicit ones), made once per version. */
export function rulesOf(standard: LicenseTypeStandard): RuleSet {
  let set = ruleSets.get(standard);
  if (!set) {
    const rules = [...standard.quality, ...implicitRules(standard)].map((r): Rule => ({ ...r, licenseType: standard.key, params: r.params ?? {} }));
    set = { licenseType: standard.key, version: standard.version, rules };
    ruleSets.set(standard, set);
  }
  return set;
}

/** The rule of a type with that check (the first), for the set-based and report checks. */
export function ruleWithCheck(standard: LicenseTypeStandard, check: Check): Rule | undefined {
  return rulesOf(standard).rules.find((r) => r.check === check);
}

const propertiesOf = (standard: LicenseTypeStandard) => standard.dataSchema.properties as Record<string, { title?: string; 'x-title-en'?: string }>;

/** Fields as a person reads them: their titles in the type's standard, joined in each language (a field without one keeps its name). */
export function fieldTitles(standard: LicenseTypeStandard | undefined, fields: readonly string[]): { zh: string; en: string } {
  const props = standard ? propertiesOf(standard) : {};
  return { zh: fields.map((f) => props[f]?.title ?? f).join('、'), en: fields.map((f) => props[f]?.['x-title-en'] ?? f).join(', ') };
}

/** Fills `{name}` placeholders; `{fields}` is the fields' titles in the message's language. */
export function formatMessage(rule: Rule, standard: LicenseTypeStandard | undefined, fields: readonly string[], values: Record<string, string | number> = {}): { messageZh: string; messageEn: string } {
  const { zh, en } = fieldTitles(standard, fields);
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
const validators = new WeakMap<LicenseTypeStandard, { quick: Validate; full: Validate }>();
function validatorOf(standard: LicenseTypeStandard) {
  let validate = validators.get(standard);
  if (!validate) {
    // Missing fields are completeness's to report, not validity's.
    const schema = { ...standard.dataSchema, $id: undefined, required: [] };
    validate = { quick: ajvFirstError.compile(schema), full: ajv.compile(schema) };
    validators.set(standard, validate);
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

function failedWith(rule: Rule, standard: LicenseTypeStandard, fields: string[], values: Record<string, string | number> = {}): Failure {
  return { rule, fields, ...formatMessage(rule, standard, fields, values) };
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
      return missing ? failedWith(rule, standard, missing) : undefined;
    }
    case 'schema': {
      const { quick, full: validate } = validatorOf(standard);
      if (quick(v.data) || validate(v.data)) return undefined;
      const fields = [...new Set((validate.errors ?? []).map((e) => (e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : e.instancePath.split('/')[1] || '(data)')))];
      return failedWith(rule, standard, fields);
    }
    case 'holder-code': {
      const problems = checkHolderCode(v.holderCodeType, v.holderCode);
      return problems.length === 0 ? undefined : failedWith(rule, standard, ['holderCode'], { problem: problems.map((x) => x.rule).join(', ') });
    }
    case 'license-number': {
      const number = standard.number;
      const value = number ? v.data[number.field] : undefined;
      if (!number || typeof value !== 'string') return undefined;
      const check = checkLicenseNumber(number, value);
      return check.valid ? undefined : failedWith(rule, standard, [number.field], { problem: check.problems.map((x) => x.messageZh).join('；') });
    }
    case 'matches-holder-division': {
      // The division digits of the number and of the holder's credit code (its characters 3–8).
      const field = p.field as string;
      const value = v.data[field];
      if (v.holderCodeType !== '001' || typeof value !== 'string') return undefined;
      const length = p.length as number;
      const inNumber = value.slice(p.at as number, (p.at as number) + length);
      const inCode = v.holderCode.slice(2, 2 + length);
      return inNumber.length === length && inNumber !== inCode ? failedWith(rule, standard, [field, 'holderCode'], { value: inNumber, division: inCode }) : undefined;
    }
    case 'holder-division': {
      if (v.holderCodeType !== '001' || v.holderCode.length !== 18) return undefined;
      const division = v.holderCode.slice(2, 8);
      // Everywhere the province must exist; inside the platform's province (whose divisions it
      // knows) the prefecture must be one of its own.
      const known = /^\d{6}$/.test(division) && isProvinceCode(division.slice(0, 2)) && (division.slice(0, 2) !== DEMO_PROVINCE.code.slice(0, 2) || findDivision(`${division.slice(0, 4)}00`) !== undefined);
      return known ? undefined : failedWith(rule, standard, ['holderCode'], { division });
    }
    case 'date-order': {
      const wrong = new Set<string>();
      for (const [a, b] of p.pairs as [string, string][]) {
        const x = v.data[a];
        const y = v.data[b];
        if (isDate(x) && isDate(y) && (x > y || (p.strict === true && x === y))) {
          wrong.add(a);
          wrong.add(b);
        }
      }
      return wrong.size ? failedWith(rule, standard, [...wrong]) : undefined;
    }
    case 'registered-capital': {
      const field = p.field as string;
      const value = v.data[field];
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      const read = typeof value === 'string' ? capitalOf(value) : normalizeRegisteredCapital(value);
      return read.ok ? undefined : failedWith(rule, standard, [field], { problem: read.message });
    }
    case 'published-within': {
      const field = p.eventDate as string;
      const event = v.data[field];
      if (!isDate(event)) return undefined;
      const days = daysBetween(event, chinaDate(v.publishedAt));
      // A gap of more than historyAfterDays is the registry's history brought onto the platform
      // (an import of earlier licenses), not a late publication.
      const history = typeof p.historyAfterDays === 'number' ? p.historyAfterDays : Infinity;
      return days > (p.maxDays as number) && days <= history ? failedWith(rule, standard, [field], { days, maxDays: p.maxDays as number }) : undefined;
    }
    default:
      // Uniqueness and consistency are not about one version alone.
      return undefined;
  }
}

/** The per-version checks: those a single version decides. */
export const isVersionCheck = (rule: Rule) => isVersionCheckName(rule.check);

/** Every rule of the version's type that looks at one version, evaluated; the failures. */
export function evaluateVersion(v: CheckedVersion): Failure[] {
  const standard = v.standard;
  if (!standard) return [];
  const failures: Failure[] = [];
  for (const rule of rulesOf(standard).rules) {
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

/** The normalised values of the fields of a distinct-values rule; null when one is missing or the type has no such rule. */
export function identityKey(standard: LicenseTypeStandard | undefined, data: Record<string, unknown>): string | null {
  const rule = standard && ruleWithCheck(standard, 'distinct-values');
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
