/**
 * What the consumer's and the coordination office's pages share: the platform's data shapes
 * (catalog resources, agreements, purposes), tags for sharing classes, sensitivities and agreement
 * statuses, field titles from the license type's standard, department names, a loader hook, and the
 * platform's problems in the user's words.
 */
import type { Answer } from '@certbridge/client';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, ApiError, problemMessage, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { useStandard } from '../../shared/licenseTypes/standard.ts';

export type CatalogResource = Answer<'/api/v1/catalog'>['items'][number];
export type CatalogField = CatalogResource['fields'][number];
export type SharingClass = CatalogResource['sharingClass'];
export type Sensitivity = CatalogField['sensitivity'];
export type Agreement = Answer<'/api/v1/agreements'>['items'][number];
export type AgreementStatus = Agreement['status'];
export const AGREEMENT_STATUSES: readonly AgreementStatus[] = ['submitted', 'escalated', 'approved', 'rejected', 'active', 'suspended', 'revoked', 'expired'];
export type Purpose = Answer<'/api/v1/purposes'>[number];
export type Department = Answer<'/api/v1/departments'>[number];

export const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

/** The platform's problem in the user's words: the area's own codes first, then the console's. */
export function sharingProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code) {
    const own = t(`consumer:problems.${error.code}`, { defaultValue: '' });
    if (own) return own;
  }
  return problemMessage(error, t);
}

/** A query as the sharing pages show it: its data (the last one while another loads), its error in the user's words, whether it loads, and a reload. */
export function useShown<T, E>(query: UseQueryResult<T, E>): { data?: T; error?: string; loading: boolean; reload: () => void } {
  const { t } = useTranslation();
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error: query.error ? sharingProblem(query.error, t) : undefined, loading: query.isFetching, reload };
}

const NONE: never[] = [];

// Reference data, under the same keys on every page (the enterprise portal's included): loaded once per session.
export const purposesQuery = () => $api.queryOptions('get', '/api/v1/purposes', undefined, REFERENCE_DATA);
export const departmentsQuery = () => $api.queryOptions('get', '/api/v1/departments', undefined, REFERENCE_DATA);

/** The controlled list of purposes (GET /api/v1/purposes), empty until it loads. */
export function usePurposes(): Purpose[] {
  return useQuery(purposesQuery()).data ?? NONE;
}

export function purposeName(list: readonly Purpose[], code: string): string {
  const p = list.find((x) => x.code === code);
  return p ? (currentLanguage() === 'en' ? p.nameEn : p.name) : code;
}

/** The departments (GET /api/v1/departments, public), empty until they load; `refresh` after registering one. */
export function useDepartments(): { list: Department[]; nameOf: (code: string) => string; refresh: () => void } {
  const list = useQuery(departmentsQuery()).data ?? NONE;
  const nameOf = useCallback(
    (code: string) => {
      const d = list.find((x) => x.code === code);
      return d ? (currentLanguage() === 'en' ? d.nameEn : d.name) : code;
    },
    [list],
  );
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: departmentsQuery().queryKey }), []);
  return { list, nameOf, refresh };
}

/** Field titles of a license type (its standard) or of a dataset resource (its catalog entry), by name. */
export function useFieldTitles(resource: Pick<CatalogResource, 'licenseType' | 'fields'> | undefined | null, licenseType?: string | null): (name: string) => string {
  const standard = useStandard(resource?.licenseType ?? licenseType ?? null);
  const en = currentLanguage() === 'en';
  return useCallback(
    (name: string) => {
      const own = resource?.fields.find((f) => f.name === name);
      const fromResource = en ? own?.titleEn : own?.title;
      const field = standard?.dataSchema.properties[name];
      const fromStandard = en ? field?.['x-title-en'] : field?.title;
      return fromResource ?? fromStandard ?? name;
    },
    [resource, standard, en],
  );
}

// Darker shades than antd's presets: the words keep a 4.5:1 contrast on the tag's background.
const LOOK = {
  green: { color: '#135200', background: '#f6ffed', border: '#95de64' },
  blue: { color: '#003a8c', background: '#e6f4ff', border: '#91caff' },
  orange: { color: '#873800', background: '#fff7e6', border: '#ffc069' },
  red: { color: '#820014', background: '#fff1f0', border: '#ff7875' },
  grey: { color: '#262626', background: '#f5f5f5', border: '#bfbfbf' },
  purple: { color: '#22075e', background: '#f9f0ff', border: '#d3adf7' },
} as const;
type Look = keyof typeof LOOK;

function LookTag({ look, children, ...rest }: { look: Look; children: React.ReactNode; 'data-value'?: string }) {
  const l = LOOK[look];
  return (
    <Tag {...rest} style={{ color: l.color, background: l.background, borderColor: l.border, marginInlineEnd: 4 }}>
      {children}
    </Tag>
  );
}

const CLASS_LOOK: Record<SharingClass, Look> = { unconditional: 'green', conditional: 'orange', 'not-shared': 'red' };
export function SharingClassTag({ value }: { value: SharingClass }) {
  const { t } = useTranslation('consumer');
  return (
    <LookTag look={CLASS_LOOK[value]} data-value={value}>
      {t(`sharingClasses.${value}`)}
    </LookTag>
  );
}

const SENSITIVITY_LOOK: Record<Sensitivity, Look> = { public: 'green', internal: 'blue', sensitive: 'red' };
export function SensitivityTag({ value }: { value: Sensitivity }) {
  const { t } = useTranslation('consumer');
  return (
    <LookTag look={SENSITIVITY_LOOK[value]} data-value={value}>
      {t(`sensitivities.${value}`)}
    </LookTag>
  );
}

const STATUS_LOOK: Record<AgreementStatus, Look> = {
  submitted: 'blue',
  approved: 'green',
  rejected: 'red',
  escalated: 'purple',
  active: 'green',
  expired: 'grey',
  revoked: 'red',
  suspended: 'orange',
};
export function AgreementStatusTag({ value }: { value: AgreementStatus }) {
  const { t } = useTranslation('consumer');
  return (
    <LookTag look={STATUS_LOOK[value]} data-value={value}>
      {t(`statuses.${value}`)}
    </LookTag>
  );
}

export function OverdueTag() {
  const { t } = useTranslation('consumer');
  return <LookTag look="red">{t('agreements.overdue')}</LookTag>;
}

export const localTitle = (r: { title: string; titleEn: string }) => (currentLanguage() === 'en' ? r.titleEn : r.title);

export { EmptyText } from '../../shared/EmptyText.tsx';
