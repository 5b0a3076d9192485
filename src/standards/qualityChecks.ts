/**
 * The quality rule language as a type definition uses it (its `quality` list; docs/quality.md): the
 * checks a rule may name, the dimension each belongs to, and the parameters each takes. The
 * standards capability checks a definition's rules against this when the type is validated; the
 * quality capability (src/quality/rules.ts) evaluates them.
 */
export const DIMENSIONS = ['completeness', 'validity', 'consistency', 'timeliness', 'uniqueness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Severity = 'error' | 'warning';

type ParamKind = 'field' | 'fields' | 'pairs' | 'integer' | 'text' | 'boolean';

interface CheckSpec {
  dimension: Dimension;
  /** Parameters: their kind, and whether they are required. */
  params: Record<string, { kind: ParamKind; required?: boolean }>;
  /** Set-based checks look across licenses (or at departments' reports), not at one version. */
  acrossLicenses?: boolean;
  /** Needs the type to have a number of its own. */
  needsNumber?: boolean;
}

export const QUALITY_CHECKS = {
  present: { dimension: 'completeness', params: { fields: { kind: 'fields', required: true } } },
  schema: { dimension: 'validity', params: {} },
  'holder-code': { dimension: 'validity', params: { standard: { kind: 'text' } } },
  'holder-division': { dimension: 'validity', params: { standard: { kind: 'text' } } },
  'license-number': { dimension: 'validity', params: {}, needsNumber: true },
  'date-order': { dimension: 'validity', params: { pairs: { kind: 'pairs', required: true }, strict: { kind: 'boolean' } } },
  'registered-capital': { dimension: 'validity', params: { field: { kind: 'field', required: true } } },
  'published-within': {
    dimension: 'timeliness',
    params: { eventDate: { kind: 'field', required: true }, maxDays: { kind: 'integer', required: true }, historyAfterDays: { kind: 'integer' } },
  },
  'matches-holder-division': {
    dimension: 'consistency',
    params: { field: { kind: 'field', required: true }, at: { kind: 'integer', required: true }, length: { kind: 'integer', required: true } },
  },
  'one-current-per-holder': { dimension: 'uniqueness', params: { key: { kind: 'text' } }, acrossLicenses: true },
  'distinct-values': { dimension: 'uniqueness', params: { fields: { kind: 'fields', required: true } }, acrossLicenses: true },
  'reported-by-department': { dimension: 'consistency', params: { fields: { kind: 'fields', required: true } }, acrossLicenses: true },
} as const satisfies Record<string, CheckSpec>;
export type Check = keyof typeof QUALITY_CHECKS;

export interface QualityRuleDefinition {
  id: string;
  dimension: Dimension;
  severity: Severity;
  check: Check;
  params?: Record<string, unknown>;
  message: { 'zh-CN': string; en: string };
}

export const isCheck = (name: unknown): name is Check => typeof name === 'string' && Object.hasOwn(QUALITY_CHECKS, name);

/** Whether a check is decided by one license version alone (the others are set-based). */
export const isVersionCheckName = (check: Check): boolean => !(QUALITY_CHECKS[check] as CheckSpec).acrossLicenses;

/** The data fields a rule's parameters name. */
export function ruleFields(rule: Pick<QualityRuleDefinition, 'check' | 'params'>): string[] {
  const spec = QUALITY_CHECKS[rule.check] as CheckSpec | undefined;
  const params = rule.params ?? {};
  const out: string[] = [];
  for (const [name, { kind }] of Object.entries(spec?.params ?? {})) {
    const value = params[name];
    if (kind === 'field' && typeof value === 'string') out.push(value);
    if (kind === 'fields' && Array.isArray(value)) out.push(...value.filter((v): v is string => typeof v === 'string'));
    if (kind === 'pairs' && Array.isArray(value)) for (const pair of value) if (Array.isArray(pair)) out.push(...pair.filter((v): v is string => typeof v === 'string'));
  }
  return out;
}

/**
 * What is wrong with one rule of a definition, each with the JSON pointer below the rule:
 * an unknown check, a dimension that is not the check's, a parameter of the wrong kind, a field
 * that is not in the type's data.
 */
export function ruleProblems(rule: QualityRuleDefinition, fields: ReadonlySet<string>, hasNumber: boolean): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  if (!isCheck(rule.check)) return [{ pointer: '/check', message: `unknown check ${String(rule.check)} (known: ${Object.keys(QUALITY_CHECKS).join(', ')})` }];
  const spec = QUALITY_CHECKS[rule.check] as CheckSpec;
  if (spec.dimension !== rule.dimension) problems.push({ pointer: '/dimension', message: `check ${rule.check} belongs to the dimension ${spec.dimension}, not ${rule.dimension}` });
  if (spec.needsNumber && !hasNumber) problems.push({ pointer: '/check', message: `check ${rule.check} needs the type to have a number` });
  const params = rule.params ?? {};
  for (const name of Object.keys(params)) if (!Object.hasOwn(spec.params, name)) problems.push({ pointer: `/params/${name}`, message: `check ${rule.check} takes no parameter ${name}` });
  for (const [name, { kind, required }] of Object.entries(spec.params)) {
    const value = params[name];
    const at = `/params/${name}`;
    if (value === undefined) {
      if (required) problems.push({ pointer: '/params', message: `check ${rule.check} needs the parameter ${name}` });
      continue;
    }
    const field = (f: unknown, pointer: string) => {
      if (typeof f !== 'string' || !fields.has(f)) problems.push({ pointer, message: `${String(f)} is not a field of the type's dataSchema` });
    };
    if (kind === 'field') field(value, at);
    else if (kind === 'fields') {
      if (!Array.isArray(value) || value.length === 0) problems.push({ pointer: at, message: 'must be a non-empty list of field names' });
      else value.forEach((f, i) => field(f, `${at}/${i}`));
    } else if (kind === 'pairs') {
      if (!Array.isArray(value) || value.length === 0) problems.push({ pointer: at, message: 'must be a non-empty list of [earlier, later] field pairs' });
      else
        value.forEach((pair, i) => {
          if (!Array.isArray(pair) || pair.length !== 2) problems.push({ pointer: `${at}/${i}`, message: 'must be a pair of field names' });
          else pair.forEach((f, j) => field(f, `${at}/${i}/${j}`));
        });
    } else if (kind === 'integer') {
      if (!Number.isSafeInteger(value) || (value as number) < 0) problems.push({ pointer: at, message: 'must be a whole number, 0 or more' });
    } else if (kind === 'boolean') {
      if (typeof value !== 'boolean') problems.push({ pointer: at, message: 'must be true or false' });
    } else if (typeof value !== 'string' || value.length > 200) problems.push({ pointer: at, message: 'must be a text of at most 200 characters' });
  }
  return problems;
}
