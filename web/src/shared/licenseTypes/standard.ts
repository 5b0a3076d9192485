/**
 * License types as the console reads them (docs/license-types.md): the published types
 * (GET /api/v1/license-types), one type's runtime standard with its resolved printed layout
 * (GET /api/v1/standards/license-types/{key}), field titles in the user's language, and the
 * layout of a definition that is not published yet (a draft being previewed), with the same
 * defaults the platform applies. Nothing here names a particular type.
 */
import type { Answer } from '@certbridge/client';
import { useQueries, useQuery } from '@tanstack/react-query';
import { $api, queryClient, REFERENCE_DATA } from '../../app/api.ts';

type ServedStandard = Answer<'/api/v1/standards/license-types/{key}'>;
export type DataSchema = ServedStandard['dataSchema'];
export type FieldSchema = DataSchema['properties'][string];
export type Display = ServedStandard['display'];
export type DisplayEntry = Display['fields'][number];

/** What the console reads of a license type version: a served standard (a draft's preview is the platform's too: GET /api/v1/license-types/{key}/versions/{version}). */
export type LicenseTypeStandard = Pick<ServedStandard, 'key' | 'version' | 'name' | 'nameEn' | 'typeCode' | 'vct' | 'holder' | 'number' | 'dataSchema' | 'publicFields' | 'display'> & {
  defaults?: ServedStandard['defaults'];
};

/** A definition as drafted (display and the like optional). */
export type LicenseTypeDefinition = Omit<LicenseTypeStandard, 'display' | 'nameEn' | 'vct'> & { nameEn?: string; vct?: string; display?: Partial<Display>; issueDate?: string };

export type LicenseTypeSummary = Answer<'/api/v1/license-types'>[number];

// Reference data: every page asks for these under the same keys, so each loads once per session.
const typesQuery = () => $api.queryOptions('get', '/api/v1/license-types', undefined, REFERENCE_DATA);
const standardQuery = (key: string) => $api.queryOptions('get', '/api/v1/standards/license-types/{key}', { params: { path: { key } } }, REFERENCE_DATA);

/** The published types, from the console's cache (`refresh` after publishing one: every page showing them reloads). */
export async function licenseTypes(refresh = false): Promise<LicenseTypeSummary[]> {
  if (refresh) await queryClient.invalidateQueries({ queryKey: typesQuery().queryKey });
  return queryClient.fetchQuery(typesQuery());
}

/** A type's standard (public), from the console's cache. */
export const standardOf = (key: string): Promise<LicenseTypeStandard> => queryClient.fetchQuery(standardQuery(key));

/** A type's standard (undefined until it loads, or when it cannot: the fields then keep their names). */
export function useStandard(key: string | undefined | null): LicenseTypeStandard | undefined {
  const { data } = useQuery({ ...standardQuery(key ?? ''), enabled: !!key });
  return key ? data : undefined;
}

const NONE: never[] = [];

/** The standard of a credential's type (by its `vct` or `licenseTypeCode`); undefined until it loads, or when no type is the credential's. */
export function useStandardOfCredential(license: Record<string, unknown>): LicenseTypeStandard | undefined {
  const summary = useLicenseTypes().find((s) => s.vct === license.vct || s.typeCode === license.licenseTypeCode);
  return useStandard(summary?.key);
}

/**
 * The published types (empty until they load). `refresh` is no longer needed (publishing a type
 * refreshes them through `licenseTypes(true)`) and is taken only so that callers keep compiling.
 */
export function useLicenseTypes(_refresh = 0): LicenseTypeSummary[] {
  return useQuery(typesQuery()).data ?? NONE;
}

/** The title of a field in the user's language (its name when unknown). */
export function fieldTitle(standard: Pick<LicenseTypeStandard, 'dataSchema'> | undefined, name: string, language: string): string {
  const field = standard?.dataSchema.properties[name];
  return (language === 'en' ? field?.['x-title-en'] : field?.title) ?? field?.title ?? name;
}

/** The type's name in the user's language. */
export const typeName = (type: Pick<LicenseTypeSummary, 'name' | 'nameEn'> | undefined, language: string, fallback = ''): string =>
  type ? (language === 'en' ? type.nameEn || type.name : type.name) : fallback;

/**
 * The name of the holder's code a type takes first (统一社会信用代码, 公民身份号码, 组织机构代码), as
 * the platform's standard names it. Only the standard knows it: until it loads, a page shows a
 * placeholder (HolderCodeTitle), never a guessed title that may be wrong for the type.
 */
export function holderCodeTitle(standard: Pick<LicenseTypeStandard, 'holder'>, language: string): string {
  return language === 'en' ? standard.holder.codeTitleEn : standard.holder.codeTitle;
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
  const types = useLicenseTypes();
  return useQueries({ queries: types.map((type) => standardQuery(type.key)), combine: everyLoaded });
}

// Module level, so that the combined list keeps its identity while nothing changes.
const everyLoaded = (results: readonly { data?: LicenseTypeStandard }[]): LicenseTypeStandard[] =>
  results.length > 0 && results.every((r) => r.data) ? results.map((r) => r.data!) : NONE;

/** A field's title from the standard of `type` when given, else from the first type that has the field. */
export function fieldTitleIn(standards: readonly LicenseTypeStandard[], name: string, language: string, type?: unknown): string {
  const standard = standards.find((s) => s.key === type && name in s.dataSchema.properties) ?? standards.find((s) => name in s.dataSchema.properties);
  return fieldTitle(standard, name, language);
}
