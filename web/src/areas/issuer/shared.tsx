/** What the issuer's pages share: status tags, the platform's words for problems, the standard and the department names. */
import type { Answer } from '@certbridge/client';
import { useQueries } from '@tanstack/react-query';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { $api, ApiError, problemMessage, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';

/** A license as the issuer's API gives it (GET /api/v1/licenses/{identifier}). */
export type LicenseView = Answer<'/api/v1/licenses/{identifier}'>;
export type LicenseStatus = LicenseView['status'];
type LicenseTypeSummary = Answer<'/api/v1/license-types'>[number];

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

/** After a license changed (issued, amended, suspended…): its pages and the registry load again. */
export const invalidateLicenses = () => queryClient.invalidateQueries({ predicate: ({ queryKey }) => typeof queryKey[1] === 'string' && queryKey[1].startsWith('/api/v1/licenses') });

export { EmptyText } from '../../shared/EmptyText.tsx';

export { fieldTitle, useStandard } from '../../shared/licenseTypes/standard.ts';

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
  const all = $api.useQuery('get', '/api/v1/license-types', {}, REFERENCE_DATA);
  const registries = useQueries({
    queries: (all.data ?? []).map((type) => $api.queryOptions('get', '/api/v1/standards/license-types/{type}/issuers', { params: { path: { type: type.key } } })),
    combine: (results) => ({ failed: results.some((r) => r.isError), pending: results.some((r) => r.isPending), issuers: results.map((r) => r.data) }),
  });
  if (all.isError || registries.failed) return [];
  if (!all.data || registries.pending) return undefined;
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return all.data.filter(
    (_, i) => practice || (registries.issuers[i] ?? []).some((r) => r.department === department && r.validFrom <= today && (r.validUntil === null || r.validUntil >= today)),
  );
}

/** Department names by code (the public list), for people who do not read credit codes. */
export function useDepartmentNames(): (code: string, language: string) => string {
  const { data: list = [] } = $api.useQuery('get', '/api/v1/departments', {}, REFERENCE_DATA);
  return (code, language) => {
    const department = list.find((d) => d.code === code);
    if (!department) return code;
    return language === 'en' && department.nameEn ? department.nameEn : department.name;
  };
}
