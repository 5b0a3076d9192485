/**
 * Checks one imported row against the standard and reports every problem of it (at least the
 * first per field), not only the first: a department fixes a rejected row once, not once per
 * re-run. prepareLicenseData stays the authority on whether a row's data is valid; the
 * all-errors pass here only adds the problems it would not name.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomainError } from '../../platform/errors.ts';
import { badText } from '../../platform/http/edge.ts';
import { checkCreditCode, normalizeRegisteredCapital, type LicenseTypeStandard } from '../../standards/index.ts';
import type { ValidatedLicense } from '../bulk.ts';
import { prepareLicenseData, type LicenseData } from '../licenseData.ts';
import { CREDIT_CODE_FIELD, describeField, type RecordMapper } from './mapping.ts';
import type { SourceRow } from './readers.ts';
import type { RowProblem } from './report.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>();

function allErrorsValidator(standard: LicenseTypeStandard): ValidateFunction {
  const key = `${standard.key}@${standard.version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(standard.dataSchema);
    validators.set(key, validate);
  }
  return validate;
}

export interface RowCheckContext {
  standard: LicenseTypeStandard;
  mapper: RecordMapper;
  issuerName: string;
  /** The issue date given to rows without one (YYYY-MM-DD, China time). */
  today: string;
  acceptLegacyCodes: boolean;
  /** Credit code → the row it first appeared in, to reject later duplicates. */
  seen: Map<string, number>;
}

export interface RowOutcome {
  creditCode?: string;
  /** Problems and warnings, for the report. */
  problems: RowProblem[];
  /** Set when the row is accepted (it may still carry warnings). */
  license?: ValidatedLicense;
}

function creditCodeProblems(ctx: RowCheckContext, code: string | undefined): RowProblem[] {
  const column = ctx.mapper.columnOf(CREDIT_CODE_FIELD);
  const base = { field: CREDIT_CODE_FIELD, column };
  if (code === undefined) {
    return [{ ...base, severity: 'error', code: 'missing-field', reason: `${describeField(ctx.standard, CREDIT_CODE_FIELD)} is required` }];
  }
  const check = checkCreditCode(code);
  if (check.valid) return [];
  if (check.legacy) {
    const [p] = check.problems;
    const what = `${p.message} (${p.messageZh})`;
    return ctx.acceptLegacyCodes
      ? [{ ...base, severity: 'warning', code: 'legacy-credit-code', reason: `${what}; accepted as an early code because of --accept-legacy-codes` }]
      : [
          {
            ...base,
            severity: 'error',
            code: 'legacy-credit-code',
            reason: `${what}; only the final check character is wrong, as in some early codes: re-run with --accept-legacy-codes to accept such codes with a warning`,
          },
        ];
  }
  return check.problems.map((p) => ({ ...base, severity: 'error', code: 'invalid-credit-code', reason: `${p.message} (${p.messageZh})` }));
}

/** The field a schema error is about, without the leading slash. */
function errorField(error: ErrorObject): string {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty);
  return error.instancePath.replace(/^\//, '').split('/')[0];
}

function schemaProblem(ctx: RowCheckContext, error: ErrorObject): RowProblem {
  const field = errorField(error);
  const column = ctx.mapper.columnOf(field);
  const described = describeField(ctx.standard, field);
  if (error.keyword === 'required') return { severity: 'error', field, column, code: 'missing-field', reason: `${described} is required` };
  if (error.keyword === 'additionalProperties') return { severity: 'error', field, column, code: 'unknown-field', reason: `${field} is not a field of ${ctx.standard.key}` };
  return { severity: 'error', field, column, code: 'invalid-license-data', reason: `${described} ${error.message ?? 'is invalid'}` };
}

function dataProblems(ctx: RowCheckContext, input: LicenseData, already: RowProblem[]): { data?: LicenseData; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const faulty = new Set(already.map((p) => p.field));
  const candidate: LicenseData = { ...input };
  const capital = candidate.registeredCapital;
  if (typeof capital === 'string' || typeof capital === 'number') {
    const normalized = normalizeRegisteredCapital(capital);
    if (normalized.ok) candidate.registeredCapital = normalized.value;
    else {
      faulty.add('registeredCapital');
      problems.push({
        severity: 'error',
        field: 'registeredCapital',
        column: ctx.mapper.columnOf('registeredCapital'),
        code: 'invalid-registered-capital',
        reason: normalized.message,
      });
    }
  }
  // The same defaults as prepareLicenseData, so that the all-errors pass judges the same data.
  candidate.issuedOn ??= ctx.today;
  candidate.registrationAuthority ??= ctx.issuerName;
  if (candidate.businessTermFrom === undefined && typeof candidate.establishedOn === 'string') candidate.businessTermFrom = candidate.establishedOn;
  if (candidate.businessTermTo === undefined) candidate.businessTermTo = null;
  const validate = allErrorsValidator(ctx.standard);
  if (!validate(candidate)) {
    for (const error of validate.errors ?? []) {
      const field = errorField(error);
      // A field a mapping check already rejected (a bad date) fails the schema too: say it once.
      if (faulty.has(field)) continue;
      faulty.add(field);
      problems.push(schemaProblem(ctx, error));
    }
  }
  if (problems.length > 0 || already.length > 0) return { problems };
  try {
    return { data: prepareLicenseData(ctx.standard, input, { registrationAuthority: ctx.issuerName, today: ctx.today }, ''), problems };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const field = (error.field ?? '').replace(/^\//, '').split('/')[0] || 'data';
    return { problems: [{ severity: 'error', field, column: ctx.mapper.columnOf(field), code: error.code, reason: error.message.replace(/^\//, '') }] };
  }
}

/**
 * A cell with text no database can hold (NUL) or no Unicode string is (an unpaired surrogate) is
 * the row's problem: it is reported like any other, and never reaches the store, where it would
 * fail the whole batch.
 */
function textProblems(ctx: RowCheckContext, record: Record<string, unknown>): RowProblem[] {
  const problems: RowProblem[] = [];
  for (const [column, value] of Object.entries(record)) {
    const why = typeof value === 'string' ? badText(value) : undefined;
    if (why) problems.push({ severity: 'error', field: ctx.mapper.fieldOf(column) ?? column, column, code: 'invalid-characters', reason: `${column} ${why}` });
  }
  return problems;
}

/** Maps and checks one source row. Rows are checked in file order (duplicates depend on it). */
export function checkRow(ctx: RowCheckContext, row: SourceRow): RowOutcome {
  if (row.malformed) {
    const creditCode = row.record[ctx.mapper.columnOf(CREDIT_CODE_FIELD)];
    return {
      creditCode: typeof creditCode === 'string' ? creditCode : undefined,
      problems: [{ severity: 'error', field: 'record', column: '', code: 'malformed-record', reason: row.malformed }],
    };
  }
  const mapped = ctx.mapper.map(row.record);
  const code = mapped.creditCode;
  const mappedCode = mapped.problems.some((p) => p.field === CREDIT_CODE_FIELD);
  const problems = [...(mappedCode ? [] : creditCodeProblems(ctx, code)), ...mapped.problems, ...textProblems(ctx, row.record)];
  if (code !== undefined) {
    const first = ctx.seen.get(code);
    if (first !== undefined) {
      problems.push({
        severity: 'error',
        field: CREDIT_CODE_FIELD,
        column: ctx.mapper.columnOf(CREDIT_CODE_FIELD),
        code: 'duplicate-in-file',
        reason: `duplicate in file, first at row ${first}`,
      });
    } else {
      ctx.seen.set(code, row.rowNumber);
    }
  }
  const errors = problems.filter((p) => p.severity === 'error');
  const checked = dataProblems(ctx, mapped.data, errors);
  problems.push(...checked.problems);
  if (!checked.data || problems.some((p) => p.severity === 'error')) return { creditCode: code, problems };
  return {
    creditCode: code,
    problems,
    license: { holder: { code: code!, codeType: '001', name: String(checked.data.name) }, data: checked.data, source: row.rowNumber },
  };
}
