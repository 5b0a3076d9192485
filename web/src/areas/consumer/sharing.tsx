/**
 * What the consumer's and the coordination office's pages share: the platform's data shapes
 * (catalog resources, agreements, purposes), tags for sharing classes, sensitivities and agreement
 * statuses, field titles from the license type's standard, department names, a loader hook, and the
 * platform's problems in the user's words.
 */
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, problemMessage } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';

export type SharingClass = 'unconditional' | 'conditional' | 'not-shared';
export type Sensitivity = 'public' | 'internal' | 'sensitive';
export type AgreementStatus = 'submitted' | 'approved' | 'rejected' | 'escalated' | 'active' | 'expired' | 'revoked' | 'suspended';
export const AGREEMENT_STATUSES: readonly AgreementStatus[] = ['submitted', 'escalated', 'approved', 'rejected', 'active', 'suspended', 'revoked', 'expired'];

export interface CatalogField {
  name: string;
  sensitivity: Sensitivity;
  title?: string;
  titleEn?: string;
}

export interface CatalogResource {
  id: string;
  ownerDepartment: string;
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  licenseType: string | null;
  dataset: string | null;
  fields: CatalogField[];
  sharingClass: SharingClass;
  conditions: string | null;
  legalBasis: string | null;
  updateCycle: string;
  accessModes: string[];
  version: number;
}

export interface Agreement {
  id: string;
  status: AgreementStatus;
  resourceId: string;
  resourceTitle: string;
  licenseType: string | null;
  sharingClass: SharingClass;
  ownerDepartment: string;
  consumerDepartment: string;
  requestedBy: string;
  purpose: string;
  purposeDescription: string;
  legalBasis: string;
  fields: string[];
  requestedFields: string[];
  grantedFields: string[] | null;
  expectedDailyVolume: number;
  validUntil: string;
  submittedAt: string;
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  escalatedAt: string | null;
  decision: { decision: 'approve' | 'reject'; reason: string | null; decidedBy: string; decidedAt: string } | null;
  appeal: { status: 'pending' | 'upheld' | 'overturned'; reason: string; appealedAt: string; decidedAt: string | null; decidedBy: string | null; decisionReason: string | null } | null;
  statusReason: string | null;
}

export interface Purpose {
  code: string;
  name: string;
  nameEn: string;
}

export interface Department {
  code: string;
  name: string;
  nameEn: string;
  level: string;
  region: string;
}

export const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

/** The platform's problem in the user's words: the area's own codes first, then the console's. */
export function sharingProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code) {
    const own = t(`consumer:problems.${error.code}`, { defaultValue: '' });
    if (own) return own;
  }
  return problemMessage(error, t);
}

/** Loads once per `deps` change (deps must be JSON values): the data (the last one while reloading), the error in the user's words, and a reload. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): { data?: T; error?: string; loading: boolean; reload: () => void } {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  const key = JSON.stringify([...deps, round]);
  const [state, setState] = useState<{ key?: string; data?: T; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((data) => setState({ key, data }))
      .catch((error: unknown) => {
        if (!isAbort(error)) setState((s) => ({ key, data: s.data, error: sharingProblem(error, t) }));
      });
    return () => controller.abort();
    // `load` is a new function every render; `key` says when what it loads changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, t]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.key === key ? state.error : undefined, loading: state.key !== key, reload };
}

let purposes: Promise<Purpose[]> | undefined;
/** The controlled list of purposes (GET /api/v1/purposes), once per page load. */
export function usePurposes(): Purpose[] {
  const [list, setList] = useState<Purpose[]>([]);
  useEffect(() => {
    let live = true;
    purposes ??= api<Purpose[]>('/api/v1/purposes');
    purposes.then((p) => live && setList(p)).catch(() => (purposes = undefined));
    return () => {
      live = false;
    };
  }, []);
  return list;
}

export function purposeName(list: readonly Purpose[], code: string): string {
  const p = list.find((x) => x.code === code);
  return p ? (currentLanguage() === 'en' ? p.nameEn : p.name) : code;
}

let departments: Promise<Department[]> | undefined;
/** The departments (GET /api/v1/departments, public), once per page load; `refresh` after registering one. */
export function useDepartments(): { list: Department[]; nameOf: (code: string) => string; refresh: () => void } {
  const [list, setList] = useState<Department[]>([]);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    departments ??= api<Department[]>('/api/v1/departments');
    departments.then((d) => live && setList(d)).catch(() => (departments = undefined));
    return () => {
      live = false;
    };
  }, [round]);
  const nameOf = useCallback(
    (code: string) => {
      const d = list.find((x) => x.code === code);
      return d ? (currentLanguage() === 'en' ? d.nameEn : d.name) : code;
    },
    [list],
  );
  const refresh = useCallback(() => {
    departments = undefined;
    setRound((r) => r + 1);
  }, []);
  return { list, nameOf, refresh };
}

interface FieldSchema {
  title?: string;
  'x-title-en'?: string;
}
const standards = new Map<string, Promise<{ dataSchema: { properties: Record<string, FieldSchema> } }>>();

/** Field titles of a license type (its standard) or of a dataset resource (its catalog entry), by name. */
export function useFieldTitles(resource: Pick<CatalogResource, 'licenseType' | 'fields'> | undefined | null, licenseType?: string | null): (name: string) => string {
  const key = resource?.licenseType ?? licenseType ?? null;
  const [schema, setSchema] = useState<Record<string, FieldSchema>>({});
  useEffect(() => {
    if (!key) return;
    let live = true;
    if (!standards.has(key)) {
      const p = api<{ dataSchema: { properties: Record<string, FieldSchema> } }>(`/api/v1/standards/license-types/${encodeURIComponent(key)}`);
      p.catch(() => standards.delete(key));
      standards.set(key, p);
    }
    standards
      .get(key)!
      .then((s) => live && setSchema(s.dataSchema.properties))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  const en = currentLanguage() === 'en';
  return useCallback(
    (name: string) => {
      const own = resource?.fields.find((f) => f.name === name);
      const fromResource = en ? own?.titleEn : own?.title;
      const fromStandard = en ? schema[name]?.['x-title-en'] : schema[name]?.title;
      return fromResource ?? fromStandard ?? name;
    },
    [resource, schema, en],
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
