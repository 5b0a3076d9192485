/** What the issuer's pages share: status tags, the platform's words for problems, the standard and the department names. */
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, problemMessage } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';
import { licenseTypes, type LicenseTypeSummary } from '../../shared/licenseTypes/standard.ts';

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

/** A license as the issuer's API gives it (GET /api/v1/licenses/{identifier}). */
export interface LicenseView {
  identifier: string;
  version: number;
  status: 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'expired';
  type: string;
  typeCode: string;
  issuer: { code: string; name: string };
  holder: { code: string; codeType: string; name: string };
  validFrom: string;
  validUntil: string | null;
  data: Record<string, unknown>;
  issuedAt: string;
  updatedAt: string;
  verificationUrl: string;
}

export { EmptyText } from '../../shared/EmptyText.tsx';

export const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

export { fieldTitle, useStandard } from '../../shared/licenseTypes/standard.ts';
export type { LicenseTypeStandard as LicenseStandard } from '../../shared/licenseTypes/standard.ts';

/**
 * The published types the signed-in department may issue today: those whose registry of
 * authorised issuers (GET /api/v1/standards/license-types/{key}/issuers) lists it, valid today.
 * In practice mode every published type (the practice copy issues what its department may).
 * Undefined while loading.
 */
export function useIssuableTypes(): LicenseTypeSummary[] | undefined {
  const { principal } = useSession();
  const department = principal?.kind === 'person' ? principal.departmentCode : undefined;
  const practice = principal?.kind === 'person' && principal.practice === true;
  const [types, setTypes] = useState<LicenseTypeSummary[]>();
  useEffect(() => {
    let live = true;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    licenseTypes(true)
      .then((all) =>
        Promise.all(
          all.map(async (type) => {
            const issuers = await api<{ department: string; validFrom: string; validUntil: string | null }[]>(`/api/v1/standards/license-types/${encodeURIComponent(type.key)}/issuers`);
            return practice || issuers.some((i) => i.department === department && i.validFrom <= today && (i.validUntil === null || i.validUntil >= today)) ? type : undefined;
          }),
        ),
      )
      .then((list) => live && setTypes(list.filter((x): x is LicenseTypeSummary => x !== undefined)))
      .catch(() => live && setTypes([]));
    return () => {
      live = false;
    };
  }, [department, practice]);
  return types;
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
