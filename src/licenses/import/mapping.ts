/**
 * The mapping file: how a department's own column names, code values and date format map
 * onto the standard. Without one, the file's columns must be the standard's field names
 * plus the holder's code (`creditCode` for types held under credit codes, else `holderCode`;
 * and `holderName` for a type that carries the holder's name in no field), holding values as a
 * department prints them.
 *
 *   {
 *     "fields":   { "统一社会信用代码": "creditCode", "企业名称": "name", "内部编号": null },
 *     "values":   { "<field>": { "1110": "有限责任公司（自然人投资或控股）" } },
 *     "dateFormat": "YYYYMMDD",
 *     "defaults": { "<field>": "济南市市场监督管理局" }
 *   }
 *
 * A column mapped to null is ignored on purpose. A column named like a standard field needs
 * no entry. Any other column refuses the file: silently dropping a column could lose data.
 */
import { readFile } from 'node:fs/promises';
import type { LicenseTypeStandard } from '../../standards/index.ts';
import { ImportFileError } from './errors.ts';
import type { RowProblem } from './report.ts';

export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD', 'YYYY年MM月DD日'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export interface Mapping {
  /** Source column → standard field, or null to ignore the column. */
  fields?: Record<string, string | null>;
  /** Standard field → (code as the department writes it → text as the standard wants it). */
  values?: Record<string, Record<string, string>>;
  /** How the department writes dates; when absent every format of DATE_FORMATS is read. */
  dateFormat?: DateFormat;
  /** Standard field → value used when a row has none (written as the standard wants it). */
  defaults?: Record<string, string | number | null>;
}

/** The field that holds the holder's code (not part of the license data): its credit code, for types held under credit codes. */
export const CREDIT_CODE_FIELD = 'creditCode';
const HOLDER_CODE_FIELD = 'holderCode';
/** The holder's name, for a type whose data carries it in no field. */
export const HOLDER_NAME_FIELD = 'holderName';

export const holderFieldOf = (standard: LicenseTypeStandard): string => (standard.holder.codeTypes[0] === 'uscc' ? CREDIT_CODE_FIELD : HOLDER_CODE_FIELD);

/** What a row may map onto: the holder's code (and name, where no field carries it) and the standard's data fields. */
export function targetFields(standard: LicenseTypeStandard): string[] {
  return [holderFieldOf(standard), ...(standard.holder.nameField ? [] : [HOLDER_NAME_FIELD]), ...Object.keys(standard.dataSchema.properties as Record<string, unknown>)];
}

const HOLDER_TITLES: Record<string, string> = { uscc: '统一社会信用代码', 'citizen-id': '公民身份号码', 'organization-code': '组织机构代码' };

function fieldTitle(standard: LicenseTypeStandard, field: string): string {
  if (field === holderFieldOf(standard)) return standard.holder.codeTypes.map((kind) => HOLDER_TITLES[kind]).join('或');
  if (field === HOLDER_NAME_FIELD && !standard.holder.nameField) return '持证主体名称';
  const property = (standard.dataSchema.properties as Record<string, { title?: string }>)[field];
  return property?.title ?? field;
}

/** `name (名称)`: the standard's name with the title a department's staff recognise. */
export function describeField(standard: LicenseTypeStandard, field: string): string {
  const title = fieldTitle(standard, field);
  return title === field ? field : `${field} (${title})`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed mapping file; every mistake is named by its entry, before any row is read. */
export function validateMapping(input: unknown, standard: LicenseTypeStandard, source = 'the mapping'): Mapping {
  const fail = (message: string): never => {
    throw new ImportFileError(`${source}: ${message}`);
  };
  if (!isObject(input)) fail('must be a JSON object with "fields", and optionally "values", "dateFormat" and "defaults"');
  const mapping = input as Record<string, unknown>;
  const known = new Set(targetFields(standard));
  const knownList = [...known].join(', ');
  for (const key of Object.keys(mapping)) {
    if (!['fields', 'values', 'dateFormat', 'defaults'].includes(key)) fail(`unknown entry "${key}" (expected fields, values, dateFormat, defaults)`);
  }
  const result: Mapping = {};

  if (mapping.fields !== undefined) {
    if (!isObject(mapping.fields)) fail('"fields" must be an object of column name → field name');
    const fields = mapping.fields as Record<string, unknown>;
    const sourceOf = new Map<string, string>();
    for (const [column, target] of Object.entries(fields)) {
      if (target === null) continue;
      if (typeof target !== 'string') fail(`fields["${column}"] must be a field name or null, not ${JSON.stringify(target)}`);
      if (!known.has(target as string)) fail(`fields["${column}"]: "${String(target)}" is not a field of ${standard.key} (fields: ${knownList})`);
      const other = sourceOf.get(target as string);
      if (other !== undefined) fail(`fields["${other}"] and fields["${column}"] both map onto ${target}`);
      sourceOf.set(target as string, column);
    }
    result.fields = fields as Record<string, string | null>;
  }

  if (mapping.values !== undefined) {
    if (!isObject(mapping.values)) fail('"values" must be an object of field name → { code: text }');
    const values: Record<string, Record<string, string>> = {};
    for (const [field, table] of Object.entries(mapping.values as Record<string, unknown>)) {
      if (!known.has(field)) fail(`values["${field}"]: "${field}" is not a field of ${standard.key} (fields: ${knownList})`);
      if (!isObject(table)) fail(`values["${field}"] must be an object of code → text`);
      values[field] = {};
      for (const [code, text] of Object.entries(table as Record<string, unknown>)) {
        if (typeof text !== 'string' || text.trim() === '') fail(`values["${field}"]["${code}"] must be a non-empty string`);
        values[field][code] = (text as string).trim();
      }
    }
    result.values = values;
  }

  if (mapping.dateFormat !== undefined) {
    if (!(DATE_FORMATS as readonly unknown[]).includes(mapping.dateFormat)) {
      fail(`dateFormat must be one of ${DATE_FORMATS.join(', ')}, not ${JSON.stringify(mapping.dateFormat)}`);
    }
    result.dateFormat = mapping.dateFormat as DateFormat;
  }

  if (mapping.defaults !== undefined) {
    if (!isObject(mapping.defaults)) fail('"defaults" must be an object of field name → value');
    for (const [field, value] of Object.entries(mapping.defaults as Record<string, unknown>)) {
      if (!known.has(field)) fail(`defaults["${field}"]: "${field}" is not a field of ${standard.key} (fields: ${knownList})`);
      if (field === holderFieldOf(standard)) fail(`defaults["${field}"]: every row must carry its own holder code`);
      if (value !== null && typeof value !== 'string' && typeof value !== 'number') fail(`defaults["${field}"] must be a string, a number or null`);
    }
    result.defaults = mapping.defaults as Record<string, string | number | null>;
  }
  return result;
}

export async function loadMapping(path: string, standard: LicenseTypeStandard): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImportFileError(`cannot read the mapping file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ImportFileError(`the mapping file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateMapping(parsed, standard, `the mapping file ${path}`);
}

const DATE_PATTERNS: Record<DateFormat, RegExp> = {
  'YYYY-MM-DD': /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  'YYYY/MM/DD': /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  YYYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
  'YYYY年MM月DD日': /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/,
};

/**
 * A date in one of the accepted formats (or only `format`, when given) as YYYY-MM-DD, or
 * undefined when it is not one, or not a day of the calendar (2023-02-30).
 */
export function normalizeDate(value: string, format?: DateFormat): string | undefined {
  const formats = format ? [format] : DATE_FORMATS;
  for (const f of formats) {
    const m = DATE_PATTERNS[f].exec(value);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
    return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return undefined;
}

/** How departments print an open-ended term (长期) instead of leaving a date empty that may be. */
const OPEN_ENDED = new Set(['长期', '永久', '长期有效', '无固定期限', '不约定期限']);

export interface MappedRow {
  holderCode?: string;
  holderName?: string;
  data: Record<string, unknown>;
  problems: RowProblem[];
}

/** Turns a department's record into the standard's fields, normalising dates and code values. */
export class RecordMapper {
  private readonly targetOf = new Map<string, string | null>();
  private readonly columnOfField = new Map<string, string>();
  private readonly known: Set<string>;
  private readonly dateFields: Set<string>;
  /** Date fields that may be null: 长期 and the like mean null there. */
  private readonly openEnded: Set<string>;
  /** Fields a normaliser reads (a JSON number keeps its meaning there, e.g. 万元 of registered capital). */
  private readonly normalised: Set<string>;
  private readonly holderField: string;
  private readonly tableTexts = new Map<string, Set<string>>();

  constructor(
    private readonly standard: LicenseTypeStandard,
    private readonly mapping: Mapping = {},
  ) {
    this.known = new Set(targetFields(standard));
    const properties = standard.dataSchema.properties;
    this.dateFields = new Set(Object.keys(properties).filter((f) => properties[f].format === 'date'));
    this.openEnded = new Set([...this.dateFields].filter((f) => [properties[f].type ?? []].flat().includes('null')));
    this.normalised = new Set(Object.keys(properties).filter((f) => properties[f]['x-normalise'] !== undefined));
    this.holderField = holderFieldOf(standard);
    for (const [column, target] of Object.entries(mapping.fields ?? {})) {
      this.targetOf.set(column, target);
      if (target !== null) this.columnOfField.set(target, column);
    }
    for (const [field, table] of Object.entries(mapping.values ?? {})) this.tableTexts.set(field, new Set(Object.values(table)));
  }

  /** The column of the department's file that holds a field, for the report. */
  columnOf(field: string): string {
    return this.columnOfField.get(field) ?? field;
  }

  /** The field a column of the department's file feeds (undefined when it is ignored). */
  fieldOf(column: string): string | undefined {
    return this.targetOfColumn(column) ?? undefined;
  }

  private targetOfColumn(column: string): string | null {
    const mapped = this.targetOf.get(column);
    return mapped !== undefined ? mapped : column;
  }

  /**
   * Refuses a file whose columns the import would not understand, before any row is issued:
   * unknown columns, two columns for one field, and (`complete`: the columns are a header that
   * every row has) a required field that no column and no default provides.
   */
  checkColumns(columns: readonly string[], options: { complete: boolean; required: readonly string[] }): void {
    const mapped = this.mapping.fields !== undefined;
    const unknown = columns.filter((c) => !this.targetOf.has(c) && !this.known.has(c));
    if (unknown.length > 0) {
      throw new ImportFileError(
        mapped
          ? `unknown column(s) ${unknown.join(', ')}: add them to the mapping's "fields" (map a column to null to ignore it)`
          : `unknown column(s) ${unknown.join(', ')}: without --mapping the columns must be the standard's field names (${[...this.known].join(', ')}); give a mapping file (--mapping map.json) to map a department's own column names`,
      );
    }
    const columnFor = new Map<string, string>();
    for (const column of columns) {
      const target = this.targetOfColumn(column);
      if (target === null) continue;
      const other = columnFor.get(target);
      if (other !== undefined) throw new ImportFileError(`columns ${other} and ${column} both give ${describeField(this.standard, target)}`);
      columnFor.set(target, column);
    }
    if (options.complete) {
      const missing = options.required.filter((f) => !columnFor.has(f) && this.mapping.defaults?.[f] === undefined);
      if (missing.length > 0) {
        throw new ImportFileError(
          `no column for the required field(s) ${missing.map((f) => describeField(this.standard, f)).join(', ')}${mapped ? ' (check the mapping\'s "fields")' : ''}`,
        );
      }
    }
  }

  map(record: Record<string, unknown>): MappedRow {
    const data: Record<string, unknown> = {};
    const problems: RowProblem[] = [];
    for (const [column, raw] of Object.entries(record)) {
      const field = this.targetOfColumn(column);
      if (field === null) continue;
      if (!this.known.has(field)) {
        // checkColumns saw only the first JSON/XML record; a later one may bring other keys.
        problems.push({ severity: 'error', field: column, column, code: 'unknown-field', reason: `${column} is not a field of ${this.standard.key} and not in the mapping` });
        continue;
      }
      let value = typeof raw === 'string' ? raw.trim() : raw;
      // Empty means absent: an empty optional field is not given, an empty required one is missing.
      if (value === '' || value === null || value === undefined) continue;
      const table = this.mapping.values?.[field];
      if (table) {
        const key = String(value);
        if (Object.hasOwn(table, key)) value = table[key];
        else if (!this.tableTexts.get(field)!.has(key)) {
          problems.push({
            severity: 'error',
            field,
            column,
            code: 'unknown-code-value',
            reason: `'${key}' is not a code in the mapping's value table for ${describeField(this.standard, field)}`,
          });
          continue;
        }
      }
      if (field === this.holderField && typeof value !== 'string') {
        // A JSON number of 18 digits has already lost its last digits: never guess them.
        problems.push({ severity: 'error', field, column, code: field === CREDIT_CODE_FIELD ? 'invalid-credit-code' : 'invalid-holder-code', reason: `the holder's code must be text, not ${typeof value} ${String(value)}` });
        continue;
      }
      if (this.dateFields.has(field)) {
        const text = String(value);
        if (this.openEnded.has(field) && OPEN_ENDED.has(text)) {
          data[field] = null;
          continue;
        }
        const date = normalizeDate(text, this.mapping.dateFormat);
        if (!date) {
          problems.push({
            severity: 'error',
            field,
            column,
            code: 'invalid-date',
            reason: `'${text}' is not a date ${this.mapping.dateFormat ? `in the mapping's format ${this.mapping.dateFormat}` : `(expected ${DATE_FORMATS.join(', ')})`}`,
          });
          continue;
        }
        value = date;
      } else if ((typeof value === 'number' || typeof value === 'boolean') && !this.normalised.has(field)) {
        // JSON numbers in text fields; a field with a normaliser reads numbers itself (registered capital: 万元).
        value = String(value);
      }
      data[field] = value;
    }
    for (const [field, value] of Object.entries(this.mapping.defaults ?? {})) {
      if (data[field] === undefined && !problems.some((p) => p.field === field) && value !== null) data[field] = value;
    }
    const code = data[this.holderField];
    delete data[this.holderField];
    const name = this.standard.holder.nameField ? undefined : data[HOLDER_NAME_FIELD];
    delete data[HOLDER_NAME_FIELD];
    return { holderCode: code === undefined ? undefined : String(code), holderName: name === undefined ? undefined : String(name), data, problems };
  }
}
