/**
 * A license type as data (证照类型定义, docs/license-types.md): the document the coordination office
 * publishes, how it is validated (its JSON Schema, then what a schema cannot say, each error with
 * its JSON pointer), and the runtime form every capability reads (LicenseTypeStandard). Nothing in
 * code names a particular type: the shipped types are documents in ./types.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import safeRegex from 'safe-regex2';
import { algorithmLength, type CheckAlgorithm } from './checkAlgorithms.ts';
import { checkCreditCode } from './creditCode.ts';
import { HOLDER_KIND_TITLES, HOLDER_KINDS, type HolderKind } from './holderCodeTypes.ts';
import type { NumberPart, NumberRule } from './licenseNumbers.ts';
import { metadataSchemaOf, RESERVED_FIELD_NAMES } from './metadata.ts';
import { ruleProblems, type QualityRuleDefinition } from './qualityChecks.ts';
import definitionSchema from './typeDefinition.schema.json' with { type: 'json' };

export { definitionSchema };

export type FieldSharing = 'unconditional' | 'conditional' | 'none';
export type LifecycleStep = 'issue' | 'amend' | 'suspend' | 'reinstate' | 'revoke' | 'cancel' | 'expire';
export interface Label {
  name: string;
  nameEn: string;
}

export interface DisplayEntry {
  field?: string;
  range?: [string, string];
  title?: string;
  titleEn?: string;
  placement?: 'left' | 'right' | 'full';
}

export interface Display {
  title: string;
  titleEn: string;
  /** A data field, or "$holderCode". */
  number: string;
  numberTitle: string;
  numberTitleEn: string;
  fields: DisplayEntry[];
  footer: string[];
}

/** The document, as published (docs/license-types.md field by field). */
export interface LicenseTypeDefinition {
  key: string;
  version: string;
  name: string;
  nameEn?: string;
  typeCode: string;
  legalBasis?: string;
  vct?: string;
  holder: { codeTypes: HolderKind[]; nameField?: string };
  number?: NumberRule;
  dataSchema: { type: 'object'; properties: Record<string, FieldSchema>; required?: string[]; [k: string]: unknown };
  publicFields: string[];
  validity?: { from?: string; to?: string };
  issueDate?: string;
  defaults?: Record<string, string | number | boolean | null>;
  issuers: { department: string; legalBasis: string }[];
  sharing?: Record<string, FieldSharing>;
  quality?: QualityRuleDefinition[];
  display?: Partial<Display>;
  lifecycle?: Partial<Record<LifecycleStep, Label>>;
}

export interface FieldSchema {
  title: string;
  'x-title-en': string;
  'x-normalise'?: 'registered-capital';
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  [k: string]: unknown;
}

/** What every capability reads of a license type version. */
export interface LicenseTypeStandard {
  key: string;
  version: string;
  name: string;
  nameEn: string;
  /** SD-JWT VC type of its credentials (the same for every version). */
  vct: string;
  /** GB/T 36902 证照类型代码. */
  typeCode: string;
  legalBasis: string | null;
  /** JSON Schema (2020-12) of the data; unknown fields are always refused. */
  dataSchema: LicenseTypeDefinition['dataSchema'];
  /** GB/T 36903 metadata of its credentials, as JSON Schema. */
  metadataSchema: Record<string, unknown>;
  lifecycle: Record<LifecycleStep, Label>;
  /** The fields anyone holding the verification code sees; the others only under an agreement or the holder's authorisation. */
  publicFields: readonly string[];
  /** Who may hold it, and what the holder's code is called (its first kind's title: 统一社会信用代码, 公民身份号码 …). */
  holder: { codeTypes: HolderKind[]; nameField?: string; codeTitle: string; codeTitleEn: string };
  number?: NumberRule;
  validity: { from?: string; to?: string };
  issueDate?: string;
  defaults: Record<string, string | number | boolean | null>;
  issuers: { department: string; legalBasis: string }[];
  /** Every field's sharing class (conditional where the definition says nothing). */
  sharing: Record<string, FieldSharing>;
  quality: QualityRuleDefinition[];
  display: Display;
  /** The document as published. */
  definition: LicenseTypeDefinition;
}

export interface DefinitionError {
  /** JSON pointer into the document. */
  pointer: string;
  message: string;
}

export type DefinitionCheck = { ok: true; definition: LicenseTypeDefinition } | { ok: false; errors: DefinitionError[] };

// The definitions' schema is our own file (typeDefinition.schema.json), not checked against the meta-schema
// at every start; the data schemas a definition brings are (dataAjv).
const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
addFormats.default(ajv);
// Compiled at the first definition checked, not when the module loads: a process that checks none
// (a command that opens no platform) does not pay ~0.2 s for it.
let shapeValidator: ValidateFunction | undefined;
/** A separate instance compiles the definitions' own data schemas (each once, by the runtime). */
const dataAjv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(dataAjv);

const DEFAULT_LIFECYCLE: Record<LifecycleStep, Label> = {
  issue: { name: '颁发', nameEn: 'Issue' },
  amend: { name: '变更', nameEn: 'Amendment' },
  suspend: { name: '暂停', nameEn: 'Suspension' },
  reinstate: { name: '恢复', nameEn: 'Reinstatement' },
  revoke: { name: '吊销', nameEn: 'Revocation' },
  cancel: { name: '注销', nameEn: 'Cancellation' },
  expire: { name: '到期', nameEn: 'Expiry' },
};

const schemaError = (e: ErrorObject): DefinitionError => {
  if (e.keyword === 'required') return { pointer: `${e.instancePath}/${String(e.params.missingProperty)}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') return { pointer: `${e.instancePath}/${String(e.params.additionalProperty)}`, message: 'is not a member of a license type definition here' };
  if (e.keyword === 'enum') return { pointer: e.instancePath, message: `must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')}` };
  return { pointer: e.instancePath, message: e.message ?? 'is invalid' };
};

/** A default's value: "$today", "$issuerName", "$data.<field>" with an optional "+Ny"/"+Nd" and "-Nd", or a literal. */
export const DEFAULT_EXPRESSION = /^\$(today|issuerName|data\.([a-zA-Z][a-zA-Z0-9]{0,63}))((?:[+-]\d{1,4}[yd]){0,2})$/;

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks a definition: its shape (the JSON Schema served at /api/v1/license-types/definition-schema),
 * then every cross-reference, code and expression. `previous` is the newest published version of the
 * same key, which the new one must keep compatible with (same type code and vct, no field removed).
 */
export function validateTypeDefinition(input: unknown, previous?: LicenseTypeDefinition): DefinitionCheck {
  const validateShape = (shapeValidator ??= ajv.compile(definitionSchema));
  if (!validateShape(input)) {
    const seen = new Set<string>();
    const errors = (validateShape.errors ?? []).map(schemaError).filter((e) => {
      const key = `${e.pointer}\u0000${e.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    return { ok: false, errors };
  }
  const doc = input as unknown as LicenseTypeDefinition;
  const errors: DefinitionError[] = [];
  const add = (pointer: string, message: string) => errors.push({ pointer, message });
  const props = doc.dataSchema.properties;
  const fields = new Set(Object.keys(props));
  const field = (name: string | undefined, pointer: string, want?: 'date' | 'string') => {
    if (name === undefined) return;
    const schema = props[name];
    if (!schema) return add(pointer, `${name} is not a field of dataSchema`);
    const types = [schema.type ?? []].flat();
    if (want === 'date' && schema.format !== 'date') add(pointer, `${name} must be a date field (format: date)`);
    if (want === 'string' && !types.includes('string') && schema.enum === undefined) add(pointer, `${name} must be a text field (type: string)`);
  };

  const typeCode = checkCreditCode(doc.typeCode.slice(0, 18));
  if (!typeCode.valid) add('/typeCode', `the first 18 characters are not a valid unified social credit code: ${typeCode.problems.map((p) => p.message).join('; ')}`);

  try {
    dataAjv.compile({ ...doc.dataSchema, $id: undefined });
  } catch (error) {
    add('/dataSchema', `is not a valid JSON Schema 2020-12: ${(error as Error).message}`);
  }
  for (const [i, name] of (doc.dataSchema.required ?? []).entries()) field(name, `/dataSchema/required/${i}`);
  for (const [name, schema] of Object.entries(props)) {
    if (RESERVED_FIELD_NAMES.has(name)) add(`/dataSchema/properties/${escapePointer(name)}`, `${name} is the name of a claim every credential carries (its GB/T 36903 metadata): name the field otherwise`);
    if (schema['x-normalise'] === 'registered-capital' && ![schema.type ?? []].flat().includes('string')) add(`/dataSchema/properties/${escapePointer(name)}/x-normalise`, 'registered-capital needs a text field');
  }

  doc.publicFields.forEach((name, i) => field(name, `/publicFields/${i}`));
  field(doc.holder.nameField, '/holder/nameField', 'string');
  field(doc.validity?.from, '/validity/from', 'date');
  field(doc.validity?.to, '/validity/to', 'date');
  field(doc.issueDate, '/issueDate', 'date');
  for (const name of Object.keys(doc.sharing ?? {})) field(name, `/sharing/${escapePointer(name)}`);
  for (const [name, value] of Object.entries(doc.defaults ?? {})) {
    const at = `/defaults/${escapePointer(name)}`;
    field(name, at);
    if (typeof value === 'string' && value.startsWith('$')) {
      const m = DEFAULT_EXPRESSION.exec(value);
      if (!m) add(at, `${value} is not a default the platform knows ($today, $issuerName, $data.<field>, with +Ny, +Nd or -Nd)`);
      else if (m[2] !== undefined) field(m[2], at);
      if (m && m[3] && m[1] === 'issuerName') add(at, '$issuerName takes no date arithmetic');
    }
  }
  const issuers = new Set<string>();
  doc.issuers.forEach((issuer, i) => {
    const check = checkCreditCode(issuer.department);
    if (!check.valid) add(`/issuers/${i}/department`, `not a valid unified social credit code: ${check.problems.map((p) => p.message).join('; ')}`);
    if (issuers.has(issuer.department)) add(`/issuers/${i}/department`, 'is listed twice');
    issuers.add(issuer.department);
  });

  if (doc.number) numberErrors(doc.number, add, field);

  const ids = new Set<string>();
  (doc.quality ?? []).forEach((rule, i) => {
    if (ids.has(rule.id)) add(`/quality/${i}/id`, `duplicate rule id ${rule.id}`);
    ids.add(rule.id);
    for (const p of ruleProblems(rule, fields, doc.number !== undefined)) add(`/quality/${i}${p.pointer}`, p.message);
  });

  const display = doc.display ?? {};
  if (display.number !== undefined && display.number !== '$holderCode') field(display.number, '/display/number');
  (display.fields ?? []).forEach((entry, i) => {
    field(entry.field, `/display/fields/${i}/field`);
    entry.range?.forEach((name, j) => field(name, `/display/fields/${i}/range/${j}`, 'date'));
  });
  (display.footer ?? []).forEach((name, i) => field(name, `/display/footer/${i}`));

  if (previous) {
    if (previous.typeCode !== doc.typeCode) add('/typeCode', `must stay ${previous.typeCode}, the type code of version ${previous.version}`);
    if (vctOf(previous) !== vctOf(doc)) add('/vct', `must stay ${vctOf(previous)}, the vct of version ${previous.version}`);
    for (const name of Object.keys(previous.dataSchema.properties)) {
      if (!fields.has(name)) add(`/dataSchema/properties/${escapePointer(name)}`, `version ${previous.version} has this field: a new version may add fields, not remove them`);
    }
    if (compareVersions(doc.version, previous.version) <= 0) add('/version', `must be newer than the published version ${previous.version}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, definition: doc };
}

function numberErrors(rule: NumberRule, add: (pointer: string, message: string) => void, field: (name: string, pointer: string, want?: 'string') => void): void {
  field(rule.field, '/number/field', 'string');
  if (rule.pattern !== undefined) {
    try {
      new RegExp(rule.pattern, 'u');
      if (!safeRegex(rule.pattern)) add('/number/pattern', 'may take exponential time (nested repetition): write it without repetition inside repetition');
    } catch (error) {
      add('/number/pattern', `is not a regular expression: ${(error as Error).message}`);
    }
  }
  if (rule.check) {
    const algorithm: CheckAlgorithm = rule.check.algorithm;
    if (algorithm !== 'none') {
      if (!rule.check.over) add('/number/check/over', `is required with ${algorithm}`);
      else {
        const [from, to] = rule.check.over;
        if (from >= to) add('/number/check/over', 'must be [start, end) with start < end');
        const fixed = algorithmLength(algorithm);
        if (fixed !== undefined && to - from !== fixed) add('/number/check/over', `${algorithm} checks exactly ${fixed} characters, this range has ${to - from}`);
      }
    }
  }
  (rule.parts ?? []).forEach((part: NumberPart, i) => {
    const at = `/number/parts/${i}`;
    for (const [j, v] of (part.oneOf ?? []).entries()) {
      const value = typeof v === 'string' ? v : v.value;
      if (value.length !== part.length) add(`${at}/oneOf/${j}`, `'${value}' does not have the part's length ${part.length}`);
    }
    if (part.division && ![2, 4, 6].includes(part.length)) add(`${at}/length`, 'a division code part has 2 (province), 4 (city) or 6 (county) digits');
    if (part.division === 'city' && part.length < 4) add(`${at}/length`, 'a city code has 4 or 6 digits');
    if (part.division === 'county' && part.length !== 6) add(`${at}/length`, 'a county code has 6 digits');
    if (rule.check?.over && rule.check.algorithm !== 'none' && part.at <= rule.check.over[1] && part.at + part.length > rule.check.over[1]) {
      add(at, 'overlaps the check character');
    }
  });
}

/** Semantic versions compared numerically (1.10.0 after 1.9.0). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export const vctOf = (d: Pick<LicenseTypeDefinition, 'key' | 'vct'>) => d.vct ?? `urn:certbridge:license-type:${d.key}`;

function defaultDisplay(doc: LicenseTypeDefinition): Display {
  const given = doc.display ?? {};
  const number = given.number ?? doc.number?.field ?? '$holderCode';
  const numberSchema = number === '$holderCode' ? undefined : doc.dataSchema.properties[number];
  const holderTitle = HOLDER_KIND_TITLES[doc.holder.codeTypes[0] ?? 'uscc'];
  const footer = given.footer ?? (doc.issueDate ? [doc.issueDate] : []);
  // Without a layout: the schema's order, long texts across the whole width, the rest in two columns.
  const fields =
    given.fields ??
    Object.entries(doc.dataSchema.properties)
      .filter(([name]) => name !== number && !footer.includes(name))
      .map(([name, schema], i): DisplayEntry => ({ field: name, placement: (schema.maxLength ?? 0) > 500 ? 'full' : i % 2 === 0 ? 'left' : 'right' }));
  return {
    title: given.title ?? doc.name,
    titleEn: given.titleEn ?? doc.nameEn ?? doc.name,
    number,
    numberTitle: given.numberTitle ?? numberSchema?.title ?? holderTitle.title,
    numberTitleEn: given.numberTitleEn ?? numberSchema?.['x-title-en'] ?? holderTitle.titleEn,
    fields,
    footer,
  };
}

/** The runtime form of a valid definition. */
export function compileLicenseType(doc: LicenseTypeDefinition): LicenseTypeStandard {
  const sharing: Record<string, FieldSharing> = {};
  for (const name of Object.keys(doc.dataSchema.properties)) sharing[name] = doc.sharing?.[name] ?? 'conditional';
  const codeTitle = HOLDER_KIND_TITLES[doc.holder.codeTypes[0] ?? 'uscc'];
  const holder = {
    codeTypes: [...doc.holder.codeTypes],
    ...(doc.holder.nameField ? { nameField: doc.holder.nameField } : {}),
    codeTitle: codeTitle.title,
    codeTitleEn: codeTitle.titleEn,
  };
  return {
    key: doc.key,
    version: doc.version,
    name: doc.name,
    nameEn: doc.nameEn ?? doc.name,
    vct: vctOf(doc),
    typeCode: doc.typeCode,
    legalBasis: doc.legalBasis ?? null,
    // Unknown fields are never stored: minimisation and the schema check rely on knowing every field.
    dataSchema: { ...doc.dataSchema, additionalProperties: false },
    metadataSchema: metadataSchemaOf(doc.key, doc.version, doc.typeCode, holder.codeTypes, doc.number?.pattern),
    lifecycle: { ...DEFAULT_LIFECYCLE, ...doc.lifecycle },
    publicFields: [...doc.publicFields],
    holder,
    ...(doc.number ? { number: doc.number } : {}),
    validity: { ...doc.validity },
    ...(doc.issueDate ? { issueDate: doc.issueDate } : {}),
    defaults: { ...doc.defaults },
    issuers: [...doc.issuers],
    sharing,
    quality: [...(doc.quality ?? [])],
    display: defaultDisplay(doc),
    definition: doc,
  };
}

/** Compiles a definition known to be valid (the shipped documents, the store's published versions); throws naming every error otherwise. */
export function loadLicenseType(input: unknown, where: string): LicenseTypeStandard {
  const check = validateTypeDefinition(input);
  if (!check.ok) throw new Error(`license type definition ${where}: ${check.errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`);
  return compileLicenseType(check.definition);
}

export { HOLDER_KINDS };
