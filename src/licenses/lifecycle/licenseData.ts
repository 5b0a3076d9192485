import { addDays, chinaDate } from '../../platform/chinaTime.ts';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomainError } from '../../platform/errors.ts';
import { checkLicenseNumber, DEFAULT_EXPRESSION, normaliseNumber, NORMALISERS, type LicenseTypeStandard } from '../../standards/index.ts';

/** The business fields of a license, as the type's standard names them. */
export type LicenseData = Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(ajv);
const ajvAll = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajvAll);

// Compiled once per type version (a published version never changes): kept on the standard object.
const validators = new WeakMap<LicenseTypeStandard, { first: ReturnType<typeof ajv.compile>; partial: ReturnType<typeof ajv.compile>; all: ReturnType<typeof ajv.compile> }>();

function validatorsOf(standard: LicenseTypeStandard) {
  let compiled = validators.get(standard);
  if (!compiled) {
    const schema = { ...standard.dataSchema, $id: undefined };
    compiled = {
      first: ajv.compile(schema),
      // A selectively disclosed credential shows only some fields: each must still be valid.
      partial: ajv.compile({ ...schema, required: [] }),
      all: ajvAll.compile(schema),
    };
    validators.set(standard, compiled);
  }
  return compiled;
}

/** A schema error as a problem pointing at the field, e.g. `/data/issuedOn`. */
export function dataProblem(error: ErrorObject, prefix: string): DomainError {
  if (error.keyword === 'additionalProperties') {
    const field = `${prefix}${error.instancePath}/${String(error.params.additionalProperty)}`;
    return new DomainError('invalid', 'unknown-field', `${field} is not a field of this license type`, { field });
  }
  if (error.keyword === 'required') {
    const field = `${prefix}${error.instancePath}/${String(error.params.missingProperty)}`;
    return new DomainError('invalid', 'missing-field', `${field} is required`, { field });
  }
  const field = `${prefix}${error.instancePath}`;
  return new DomainError('invalid', 'invalid-license-data', `${field} ${error.message ?? 'is invalid'}`, { field });
}

/** Every schema error of the data (`all`), or the first (for a yes/no). */
export function schemaErrors(standard: LicenseTypeStandard, data: unknown, mode: 'first' | 'partial' | 'all' = 'first'): ErrorObject[] {
  const validate = validatorsOf(standard)[mode];
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

export interface DataContext {
  /** The issuing department's name ($issuerName). */
  issuerName: string;
  /** The date of issue given to data without one ($today; China date). */
  today?: string;
}

const isNullable = (schema: { type?: unknown }) => Array.isArray(schema.type) && schema.type.includes('null');

/** "+5y-1d" applied to a date (the years keep the day; 29 February becomes 28 February). */
function shiftDate(date: string, shifts: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  let result = date;
  for (const [, sign, amount, unit] of shifts.matchAll(/([+-])(\d+)([yd])/g)) {
    const n = Number(amount) * (sign === '-' ? -1 : 1);
    if (unit === 'd') result = addDays(result, n);
    else {
      const year = Number(result.slice(0, 4)) + n;
      const day = result.slice(5) === '02-29' && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? '02-28' : result.slice(5);
      result = `${String(year).padStart(4, '0')}-${day}`;
    }
  }
  return result;
}

/**
 * What the platform does to data before judging it, the same for an API call and an imported row:
 * empty text in a field that may be null (an open-ended term) becomes null; fields with a normaliser
 * take its canonical text; the number is normalised (docs/license-types.md); absent fields get the
 * type's defaults, in the order the definition lists them. The problems of the normalisers.
 */
export function normaliseLicenseData(standard: LicenseTypeStandard, input: LicenseData, ctx: DataContext, prefix: string): { data: LicenseData; problems: DomainError[] } {
  const data: LicenseData = { ...input };
  const problems: DomainError[] = [];
  const properties = standard.dataSchema.properties;
  for (const [name, schema] of Object.entries(properties)) {
    const value = data[name];
    if (value === '' && isNullable(schema)) data[name] = null;
    const normaliser = schema['x-normalise'];
    if (normaliser && (typeof value === 'string' || typeof value === 'number')) {
      const result = NORMALISERS[normaliser](value);
      if (result.ok) data[name] = result.value;
      else problems.push(new DomainError('invalid', 'invalid-license-data', `${prefix}/${name}: ${result.message}`, { field: `${prefix}/${name}`, details: { normaliser } }));
    }
  }
  if (standard.number && typeof data[standard.number.field] === 'string') data[standard.number.field] = normaliseNumber(data[standard.number.field] as string);
  for (const [name, value] of Object.entries(standard.defaults)) {
    if (data[name] !== undefined && !(data[name] === null && !isNullable(properties[name]))) continue;
    const expression = typeof value === 'string' ? DEFAULT_EXPRESSION.exec(value) : null;
    if (!expression) data[name] = value;
    else if (expression[1] === 'issuerName') data[name] = ctx.issuerName;
    else {
      const base = expression[1] === 'today' ? (ctx.today ?? chinaDate()) : data[expression[2]];
      const shifted = typeof base === 'string' ? shiftDate(base, expression[3]) : undefined;
      if (shifted !== undefined) data[name] = shifted;
      else if (expression[3] === '' && base !== undefined) data[name] = base;
    }
  }
  return { data, problems };
}

/** The checks beyond the schema: the number's rule, and validity that does not end before it starts. */
export function ruleProblems(standard: LicenseTypeStandard, data: LicenseData, prefix: string): DomainError[] {
  const problems: DomainError[] = [];
  const number = standard.number;
  if (number && typeof data[number.field] === 'string') {
    const check = checkLicenseNumber(number, data[number.field] as string);
    if (!check.valid) {
      problems.push(
        new DomainError('invalid', 'invalid-license-number', `${prefix}/${number.field}: ${check.problems.map((p) => p.message).join('; ')}`, {
          field: `${prefix}/${number.field}`,
          details: { problems: check.problems },
        }),
      );
    }
  }
  const { from, to } = standard.validity;
  const start = from ? data[from] : undefined;
  const end = to ? data[to] : undefined;
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    problems.push(new DomainError('invalid', 'invalid-license-data', `${prefix}/${to} is before ${from}`, { field: `${prefix}/${to}` }));
  }
  return problems;
}

/**
 * Checks license data against its type and fills what the platform may default. Throws a problem
 * naming the first field at fault.
 */
export function prepareLicenseData(standard: LicenseTypeStandard, input: unknown, ctx: DataContext, prefix = '/data'): LicenseData {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainError('invalid', 'invalid-license-data', `${prefix} must be an object`, { field: prefix });
  }
  const { data, problems } = normaliseLicenseData(standard, input as LicenseData, ctx, prefix);
  if (problems[0]) throw problems[0];
  const [first] = schemaErrors(standard, data);
  if (first) throw dataProblem(first, prefix);
  const [rule] = ruleProblems(standard, data, prefix);
  if (rule) throw rule;
  return data;
}

/** Whether data fits a type version (an amendment moving a license to a newer version). */
export function fitsType(standard: LicenseTypeStandard, data: LicenseData): boolean {
  return schemaErrors(standard, data).length === 0 && ruleProblems(standard, data, '').length === 0;
}

/** The values the credential's GB/T 36903 metadata and the registry take from the data. */
export function licenseFacts(standard: Pick<LicenseTypeStandard, 'issueDate' | 'validity' | 'number' | 'holder'>, data: LicenseData, holderCode: string, today = chinaDate()) {
  const text = (field: string | undefined) => (field !== undefined && typeof data[field] === 'string' ? (data[field] as string) : undefined);
  const issuedOn = text(standard.issueDate) ?? today;
  return {
    issuedOn,
    validFrom: text(standard.validity.from) ?? issuedOn,
    validUntil: text(standard.validity.to) ?? null,
    licenseNumber: standard.number ? (text(standard.number.field) ?? holderCode) : holderCode,
    holderName: text(standard.holder.nameField),
  };
}
