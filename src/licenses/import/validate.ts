/**
 * Checks one imported row against the standard and reports every problem of it (at least the
 * first per field), not only the first: a department fixes a rejected row once, not once per
 * re-run. prepareLicenseData stays the authority on whether a row's data is valid; the
 * all-errors pass here only adds the problems it would not name.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { DomainError } from '../../platform/errors.ts';
import { badText } from '../../platform/http/edge.ts';
import { checkCreditCode, checkHolderCode, HOLDER_KINDS, type LicenseTypeStandard } from '../../standards/index.ts';
import type { ValidatedLicense } from '../lifecycle/bulk.ts';
import { licenseFacts, normaliseLicenseData, prepareLicenseData, schemaErrors, type LicenseData } from '../lifecycle/licenseData.ts';
import { describeField, holderFieldOf, HOLDER_NAME_FIELD, type RecordMapper } from './mapping.ts';
import type { SourceRow } from './readers.ts';
import type { RowProblem } from './report.ts';

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

/** What checking a row on its own needs (no `seen`: see RowCheck). */
export type RowCheckOptions = Omit<RowCheckContext, 'seen'>;

export interface RowOutcome {
  /** The holder's code as given. */
  holderCode?: string;
  /** Problems and warnings, for the report. */
  problems: RowProblem[];
  /** Set when the row is accepted (it may still carry warnings). */
  license?: ValidatedLicense;
}

/** The holder code's problems and the GB/T 36903 code type it was read as (the first kind the type accepts that it is). */
function holderCodeProblems(ctx: RowCheckOptions, code: string | undefined): { codeType: string; problems: RowProblem[] } {
  const field = holderFieldOf(ctx.standard);
  const base = { field, column: ctx.mapper.columnOf(field) };
  const kinds = ctx.standard.holder.codeTypes;
  const codeType: string = HOLDER_KINDS[kinds[0]];
  if (code === undefined) {
    return { codeType, problems: [{ ...base, severity: 'error', code: 'missing-field', reason: `${describeField(ctx.standard, field)} is required` }] };
  }
  if (kinds[0] !== 'uscc' || kinds.length > 1) {
    const fits = kinds.find((kind) => checkHolderCode(HOLDER_KINDS[kind], code).length === 0);
    if (fits) return { codeType: HOLDER_KINDS[fits], problems: [] };
    if (kinds[0] !== 'uscc') {
      const problems = checkHolderCode(codeType, code);
      return { codeType, problems: problems.map((p) => ({ ...base, severity: 'error', code: 'invalid-holder-code', reason: `${p.message} (${p.messageZh})` })) };
    }
  }
  return { codeType, problems: creditCodeProblems(ctx, code, base) };
}

function creditCodeProblems(ctx: RowCheckOptions, code: string, base: { field: string; column: string }): RowProblem[] {
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

function schemaProblem(ctx: RowCheckOptions, error: ErrorObject): RowProblem {
  const field = errorField(error);
  const column = ctx.mapper.columnOf(field);
  const described = describeField(ctx.standard, field);
  if (error.keyword === 'required') return { severity: 'error', field, column, code: 'missing-field', reason: `${described} is required` };
  if (error.keyword === 'additionalProperties') return { severity: 'error', field, column, code: 'unknown-field', reason: `${field} is not a field of ${ctx.standard.key}` };
  return { severity: 'error', field, column, code: 'invalid-license-data', reason: `${described} ${error.message ?? 'is invalid'}` };
}

interface DataCheck {
  /** The normalisers' refusals, then the schema's problems (one per field not already faulty). */
  problems: RowProblem[];
  /** Set when neither found a problem and no error came before: prepareLicenseData's data, or its refusal. */
  prepared?: { data: LicenseData } | { problem: RowProblem };
}

function dataProblems(ctx: RowCheckOptions, input: LicenseData, already: RowProblem[]): DataCheck {
  const problems: RowProblem[] = [];
  const faulty = new Set(already.map((p) => p.field));
  // The same normalising and defaults as prepareLicenseData, so that the all-errors pass judges the same data.
  const { data: candidate, problems: normalising } = normaliseLicenseData(ctx.standard, input, { issuerName: ctx.issuerName, today: ctx.today }, '');
  for (const problem of normalising) {
    const field = (problem.field ?? '').replace(/^\//, '');
    faulty.add(field);
    // A normaliser's refusal is named after it (invalid-registered-capital), as the report has always said.
    const code = typeof problem.details.normaliser === 'string' ? `invalid-${problem.details.normaliser}` : problem.code;
    problems.push({ severity: 'error', field, column: ctx.mapper.columnOf(field), code, reason: problem.message.replace(/^[^:]*: /, '') });
  }
  for (const error of schemaErrors(ctx.standard, candidate, 'all')) {
    const field = errorField(error);
    // A field a mapping check already rejected (a bad date) fails the schema too: say it once.
    if (faulty.has(field)) continue;
    faulty.add(field);
    problems.push(schemaProblem(ctx, error));
  }
  if (problems.length > 0 || already.length > 0) return { problems };
  try {
    return { problems, prepared: { data: prepareLicenseData(ctx.standard, input, { issuerName: ctx.issuerName, today: ctx.today }, '') } };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const field = (error.field ?? '').replace(/^\//, '').split('/')[0] || 'data';
    return { problems, prepared: { problem: { severity: 'error', field, column: ctx.mapper.columnOf(field), code: error.code, reason: error.message.replace(/^\//, '') } } };
  }
}

/**
 * A cell with text no database can hold (NUL) or no Unicode string is (an unpaired surrogate) is
 * the row's problem: it is reported like any other, and never reaches the store, where it would
 * fail the whole batch.
 */
function textProblems(ctx: RowCheckOptions, record: Record<string, unknown>): RowProblem[] {
  const problems: RowProblem[] = [];
  for (const [column, value] of Object.entries(record)) {
    const why = typeof value === 'string' ? badText(value) : undefined;
    if (why) problems.push({ severity: 'error', field: ctx.mapper.fieldOf(column) ?? column, column, code: 'invalid-characters', reason: `${column} ${why}` });
  }
  return problems;
}

/**
 * What one row's check finds on its own, without the rows before it: everything but the in-file
 * duplicate. Plain data, so that it runs on a worker thread (validation is most of the reading
 * thread's work) and the reading thread only settles duplicates, in file order (settleRow).
 */
export interface RowCheck {
  rowNumber: number;
  /** The holder's code as given. */
  holderCode?: string;
  /** The record could not be read: `problems` is the whole verdict, no duplicate check. */
  malformed?: true;
  /** The holder code's, the mapping's and the text's problems, then the data's. */
  problems: RowProblem[];
  /** How many of `problems` come before the data's (where a duplicate's problem goes). */
  leading: number;
  /** When nothing above is an error: prepareLicenseData's refusal, a missing holder name, or the license. */
  outcome?: { problem: RowProblem } | { license: ValidatedLicense };
}

/** Maps and checks one source row, but for duplicates in the file (see RowCheck). */
export function checkRowAlone(ctx: RowCheckOptions, row: SourceRow): RowCheck {
  const holderField = holderFieldOf(ctx.standard);
  if (row.malformed) {
    const holderCode = row.record[ctx.mapper.columnOf(holderField)];
    return {
      rowNumber: row.rowNumber,
      holderCode: typeof holderCode === 'string' ? holderCode : undefined,
      malformed: true,
      problems: [{ severity: 'error', field: 'record', column: '', code: 'malformed-record', reason: row.malformed }],
      leading: 1,
    };
  }
  const mapped = ctx.mapper.map(row.record);
  const code = mapped.holderCode;
  const mappedCode = mapped.problems.some((p) => p.field === holderField);
  const holder = holderCodeProblems(ctx, code);
  const leading = [...(mappedCode ? [] : holder.problems), ...mapped.problems, ...textProblems(ctx, row.record)];
  const checked = dataProblems(ctx, mapped.data, leading.filter((p) => p.severity === 'error'));
  const problems = [...leading, ...checked.problems];
  const base = { rowNumber: row.rowNumber, holderCode: code, problems, leading: leading.length };
  if (!checked.prepared) return base;
  if ('problem' in checked.prepared) return { ...base, outcome: checked.prepared };
  const data = checked.prepared.data;
  const name = mapped.holderName ?? licenseFacts(ctx.standard, data, code!).holderName;
  if (name === undefined) {
    return {
      ...base,
      outcome: {
        problem: { severity: 'error', field: HOLDER_NAME_FIELD, column: ctx.mapper.columnOf(HOLDER_NAME_FIELD), code: 'missing-field', reason: `${describeField(ctx.standard, HOLDER_NAME_FIELD)} is required` },
      },
    };
  }
  return { ...base, outcome: { license: { holder: { code: code!, codeType: holder.codeType, name }, data, source: row.rowNumber } } };
}

/**
 * A row's verdict once the rows before it are known: a holder code seen earlier in the file
 * rejects the row (its problem goes before the data's, as the report has always listed them).
 * Rows are settled in file order.
 */
export function settleRow(ctx: Pick<RowCheckContext, 'standard' | 'mapper' | 'seen'>, check: RowCheck): RowOutcome {
  const { holderCode, problems } = check;
  if (check.malformed || holderCode === undefined) return verdict(check);
  const first = ctx.seen.get(holderCode);
  if (first === undefined) {
    ctx.seen.set(holderCode, check.rowNumber);
    return verdict(check);
  }
  const holderField = holderFieldOf(ctx.standard);
  const duplicate: RowProblem = {
    severity: 'error',
    field: holderField,
    column: ctx.mapper.columnOf(holderField),
    code: 'duplicate-in-file',
    reason: `duplicate in file, first at row ${first}`,
  };
  // The holder's code is no data field, so the data's problems found without the duplicate stand.
  return { holderCode, problems: [...problems.slice(0, check.leading), duplicate, ...problems.slice(check.leading)] };
}

function verdict(check: RowCheck): RowOutcome {
  const { holderCode, problems, outcome } = check;
  if (!outcome) return { holderCode, problems };
  if ('problem' in outcome) return { holderCode, problems: [...problems, outcome.problem] };
  return { holderCode, problems, license: outcome.license };
}

/** Maps and checks one source row. Rows are checked in file order (duplicates depend on it). */
export function checkRow(ctx: RowCheckContext, row: SourceRow): RowOutcome {
  return settleRow(ctx, checkRowAlone(ctx, row));
}
