/**
 * License types as the console reads them (docs/license-types.md): the published types
 * (GET /api/v1/license-types), one type's runtime standard with its resolved printed layout
 * (GET /api/v1/standards/license-types/{key}), field titles in the user's language, and the
 * layout of a definition that is not published yet (a draft being previewed), with the same
 * defaults the platform applies. Nothing here names a particular type.
 */
import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';

export interface FieldSchema {
  title?: string;
  'x-title-en'?: string;
  description?: string;
  format?: string;
  type?: string | string[];
  enum?: unknown[];
  maxLength?: number;
  [k: string]: unknown;
}

export interface DataSchema {
  properties: Record<string, FieldSchema>;
  required?: string[];
  [k: string]: unknown;
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

/** What the console reads of a license type version. */
export interface LicenseTypeStandard {
  key: string;
  version: string;
  name: string;
  nameEn: string;
  typeCode: string;
  vct: string;
  holder: { codeTypes: string[]; nameField?: string };
  number?: { field: string; pattern?: string };
  dataSchema: DataSchema;
  publicFields: readonly string[];
  defaults?: Record<string, unknown>;
  display: Display;
}

/** A definition as drafted (display and the like optional). */
export type LicenseTypeDefinition = Omit<LicenseTypeStandard, 'display' | 'nameEn' | 'vct'> & { nameEn?: string; vct?: string; display?: Partial<Display>; issueDate?: string };

export interface LicenseTypeSummary {
  key: string;
  version: string;
  name: string;
  nameEn: string;
  typeCode: string;
  vct: string;
  publishedAt: string | null;
}

const standards = new Map<string, Promise<LicenseTypeStandard>>();
let summaries: Promise<LicenseTypeSummary[]> | undefined;

/** The published types, once per page load (`refresh` after publishing one). */
export function licenseTypes(refresh = false): Promise<LicenseTypeSummary[]> {
  if (refresh) summaries = undefined;
  summaries ??= api<LicenseTypeSummary[]>('/api/v1/license-types').catch((error: unknown) => {
    summaries = undefined;
    throw error;
  });
  return summaries;
}

/** A type's standard (public), once per page load. */
export function standardOf(key: string): Promise<LicenseTypeStandard> {
  let standard = standards.get(key);
  if (!standard) {
    standard = api<LicenseTypeStandard>(`/api/v1/standards/license-types/${encodeURIComponent(key)}`);
    standard.catch(() => standards.delete(key));
    standards.set(key, standard);
  }
  return standard;
}

/** The standard of a credential's type (by its `vct` or `licenseTypeCode`), or undefined. */
export async function standardOfCredential(license: Record<string, unknown>): Promise<LicenseTypeStandard | undefined> {
  const summary = (await licenseTypes()).find((s) => s.vct === license.vct || s.typeCode === license.licenseTypeCode);
  return summary ? standardOf(summary.key) : undefined;
}

export function useStandard(key: string | undefined | null): LicenseTypeStandard | undefined {
  const [standard, setStandard] = useState<LicenseTypeStandard>();
  useEffect(() => {
    if (!key) return;
    let live = true;
    standardOf(key)
      .then((s) => live && setStandard(s))
      .catch(() => undefined); // without it the fields keep their names
    return () => {
      live = false;
    };
  }, [key]);
  return key ? (standard?.key === key ? standard : undefined) : undefined;
}

/** The published types (empty until they load). */
export function useLicenseTypes(refresh = 0): LicenseTypeSummary[] {
  const [list, setList] = useState<LicenseTypeSummary[]>([]);
  useEffect(() => {
    let live = true;
    licenseTypes(refresh > 0)
      .then((l) => live && setList(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [refresh]);
  return list;
}

/** The title of a field in the user's language (its name when unknown). */
export function fieldTitle(standard: Pick<LicenseTypeStandard, 'dataSchema'> | undefined, name: string, language: string): string {
  const field = standard?.dataSchema.properties[name];
  return (language === 'en' ? field?.['x-title-en'] : field?.title) ?? field?.title ?? name;
}

/** The type's name in the user's language. */
export const typeName = (type: Pick<LicenseTypeSummary, 'name' | 'nameEn'> | undefined, language: string, fallback = ''): string =>
  type ? (language === 'en' ? type.nameEn || type.name : type.name) : fallback;

const HOLDER_TITLES: Record<string, [string, string]> = {
  'citizen-id': ['公民身份号码', 'Citizen ID number'],
  'organization-code': ['组织机构代码', 'Organisation code'],
  uscc: ['统一社会信用代码', 'Unified social credit code'],
};

/**
 * A definition's printed layout with the platform's defaults (src/standards/licenseType.ts,
 * docs/license-types.md "display"): the title is the name, the number the type's own or the
 * holder's code, the fields in the schema's order in two columns, long texts across the page.
 */
export function resolveDisplay(doc: LicenseTypeDefinition): Display {
  const given = doc.display ?? {};
  const number = given.number ?? doc.number?.field ?? '$holderCode';
  const numberSchema = number === '$holderCode' ? undefined : doc.dataSchema.properties[number];
  const holderTitle = HOLDER_TITLES[doc.holder?.codeTypes?.[0] ?? 'uscc'] ?? HOLDER_TITLES.uscc;
  const footer = given.footer ?? (doc.issueDate ? [doc.issueDate] : []);
  const fields =
    given.fields ??
    Object.entries(doc.dataSchema.properties)
      .filter(([name]) => name !== number && !footer.includes(name))
      .map(([name, schema], i): DisplayEntry => ({ field: name, placement: (schema.maxLength ?? 0) > 500 ? 'full' : i % 2 === 0 ? 'left' : 'right' }));
  return {
    title: given.title ?? doc.name,
    titleEn: given.titleEn ?? doc.nameEn ?? doc.name,
    number,
    numberTitle: given.numberTitle ?? numberSchema?.title ?? holderTitle[0],
    numberTitleEn: given.numberTitleEn ?? numberSchema?.['x-title-en'] ?? holderTitle[1],
    fields,
    footer,
  };
}

/** A drafted definition as the console shows it (preview). */
export const standardOfDefinition = (doc: LicenseTypeDefinition): LicenseTypeStandard => ({
  ...doc,
  nameEn: doc.nameEn ?? doc.name,
  vct: doc.vct ?? `urn:certbridge:license-type:${doc.key}`,
  publicFields: doc.publicFields ?? [],
  display: resolveDisplay(doc),
});

/** The name of the holder's code a type takes first (统一社会信用代码, 公民身份号码, 组织机构代码). */
export function holderCodeTitle(standard: Pick<LicenseTypeStandard, 'holder'> | undefined, language: string): string {
  const [zh, en] = HOLDER_TITLES[standard?.holder.codeTypes[0] ?? 'uscc'] ?? HOLDER_TITLES.uscc;
  return language === 'en' ? en : zh;
}

/** The problem the platform gave for a field: the number's own problems when it lists them, else its detail. */
export function fieldProblemText(problem: { detail?: string; problems?: unknown }, language: string): string | undefined {
  if (Array.isArray(problem.problems) && problem.problems.length > 0) {
    return (problem.problems as { message?: string; messageZh?: string }[]).map((p) => (language === 'en' ? p.message : (p.messageZh ?? p.message))).join('；');
  }
  return undefined;
}

/** Every published type's standard (empty until they load): to title fields whose type a record does not say. */
export function useAllStandards(): LicenseTypeStandard[] {
  const [list, setList] = useState<LicenseTypeStandard[]>([]);
  useEffect(() => {
    let live = true;
    licenseTypes()
      .then((types) => Promise.all(types.map((type) => standardOf(type.key))))
      .then((all) => live && setList(all))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return list;
}

/** A field's title from the standard of `type` when given, else from the first type that has the field. */
export function fieldTitleIn(standards: readonly LicenseTypeStandard[], name: string, language: string, type?: unknown): string {
  const standard = standards.find((s) => s.key === type && name in s.dataSchema.properties) ?? standards.find((s) => name in s.dataSchema.properties);
  return fieldTitle(standard, name, language);
}
