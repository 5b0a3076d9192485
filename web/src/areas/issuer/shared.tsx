/** What the issuer's pages share: status tags, the platform's words for problems, the standard and the department names. */
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, problemMessage } from '../../app/api.ts';

export type LicenseStatus = 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'expired';

// Darker shades than antd's presets: the words keep a 4.5:1 contrast on the tag's background.
const STATUS_LOOK: Record<LicenseStatus, { color: string; background: string; border: string }> = {
  valid: { color: '#135200', background: '#f6ffed', border: '#95de64' },
  suspended: { color: '#873800', background: '#fff7e6', border: '#ffc069' },
  revoked: { color: '#820014', background: '#fff1f0', border: '#ff7875' },
  cancelled: { color: '#262626', background: '#f5f5f5', border: '#bfbfbf' },
  expired: { color: '#613400', background: '#fffbe6', border: '#ffd666' },
};

/** A license's status as a coloured tag: 有效 / 已暂停 / 已吊销 / 已注销 / 已过期. */
export function StatusTag({ status }: { status: LicenseStatus }) {
  const { t } = useTranslation('issuer');
  const look = STATUS_LOOK[status];
  return (
    <Tag data-status={status} style={{ color: look.color, background: look.background, borderColor: look.border, marginInlineEnd: 0 }}>
      {t(`statuses.${status}`)}
    </Tag>
  );
}

/** The platform's problem in the user's words: the area's own codes first, then the console's. */
export function issuerProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code) {
    const own = t(`issuer:problems.${error.code}`, { defaultValue: '' });
    if (own) return own;
  }
  return problemMessage(error, t);
}

export { EmptyText } from '../../shared/EmptyText.tsx';

export const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

interface FieldSchema {
  title?: string;
  'x-title-en'?: string;
  format?: string;
  type?: string | string[];
  maxLength?: number;
}

export interface LicenseStandard {
  key: string;
  name: string;
  nameEn: string;
  dataSchema: { properties: Record<string, FieldSchema>; required?: string[] };
}

const standards = new Map<string, Promise<LicenseStandard>>();

/** A license type's standard (public, GET /api/v1/standards/license-types/{key}), once per page load. */
export function standardOf(key: string): Promise<LicenseStandard> {
  let standard = standards.get(key);
  if (!standard) {
    standard = api<LicenseStandard>(`/api/v1/standards/license-types/${encodeURIComponent(key)}`);
    standard.catch(() => standards.delete(key));
    standards.set(key, standard);
  }
  return standard;
}

export function useStandard(key: string | undefined | null): LicenseStandard | undefined {
  const [standard, setStandard] = useState<LicenseStandard>();
  useEffect(() => {
    if (!key) return;
    let live = true;
    // Without it the fields keep their names: nothing depends on it.
    standardOf(key)
      .then((s) => live && setStandard(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  return standard;
}

/** The title of a field in the standard, in the user's language (its name when unknown). */
export function fieldTitle(standard: LicenseStandard | undefined, name: string, language: string): string {
  const field = standard?.dataSchema.properties[name];
  return (language === 'en' ? field?.['x-title-en'] : field?.title) ?? field?.title ?? name;
}

interface Department {
  code: string;
  name: string;
  nameEn?: string | null;
}

let departments: Promise<Department[]> | undefined;

/** Department names by code (the public list), for people who do not read credit codes. */
export function useDepartmentNames(): (code: string, language: string) => string {
  const [list, setList] = useState<Department[]>([]);
  useEffect(() => {
    let live = true;
    departments ??= api<Department[]>('/api/v1/departments').catch((error: unknown) => {
      departments = undefined;
      throw error;
    });
    departments.then((d) => live && setList(d)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return (code, language) => {
    const department = list.find((d) => d.code === code);
    if (!department) return code;
    return language === 'en' && department.nameEn ? department.nameEn : department.name;
  };
}
