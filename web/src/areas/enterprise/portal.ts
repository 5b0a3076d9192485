/** What the enterprise portal's pages share: who is signed in, the platform's shapes, how loading data shows. */
import type { Answer } from '@certbridge/client';
import type { UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../app/api.ts';
import type { Language } from '../../app/i18n.ts';
import { useSession } from '../../app/session.tsx';

export type HeldLicense = Answer<'/api/v1/holders/{holderCode}/licenses'>[number];
export type LicenseStatus = HeldLicense['status'];

export interface Named {
  code: string;
  name: string;
  nameEn: string;
}

/** The holder signed in (the portal is only shown to one). */
export function useHolder(): { holderCode: string; name: string } {
  const { principal } = useSession();
  return principal?.kind === 'holder' ? { holderCode: principal.holderCode, name: principal.name } : { holderCode: '', name: '' };
}

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

/** A name in the reader's language (the Chinese one when there is no English). */
export const nameIn = (language: Language, item: { name?: string | null; nameEn?: string | null } | undefined): string | undefined =>
  (language === 'en' ? item?.nameEn || item?.name : item?.name || item?.nameEn) ?? undefined;

export type Loaded<T> = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'loaded'; data: T };

/**
 * A query as the portal shows it, and a reload: loaded data stays on screen while it loads again; a
 * failure is a sentence for the user, and gives way to the spinner when loading again.
 */
export function useLoaded<T, E>(query: UseQueryResult<T, E>): [Loaded<T>, () => void] {
  const { t } = useTranslation('enterprise');
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  if (query.isSuccess) return [{ state: 'loaded', data: query.data }, reload];
  if (query.isError && !query.isFetching) return [{ state: 'failed', message: problemMessage(query.error, t) }, reload];
  return [{ state: 'loading' }, reload];
}

/**
 * The last day (China time, YYYY-MM-DD) an authorisation runs: the platform keeps the end as the
 * instant it stops — midnight after the day given — so a date shown is the day before that instant.
 */
export function lastDayOf(validUntil: string): string {
  const end = Date.parse(validUntil);
  if (!Number.isFinite(end)) return validUntil;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(end - 1));
}
