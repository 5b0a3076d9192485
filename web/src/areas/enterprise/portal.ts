/** What the enterprise portal's pages share: who is signed in, the platform's shapes, loading data. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemMessage } from '../../app/api.ts';
import type { Language } from '../../app/i18n.ts';
import { useSession } from '../../app/session.tsx';

export type LicenseStatus = 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'expired';

/** GET /api/v1/holders/:holderCode/licenses */
export interface HeldLicense {
  identifier: string;
  version: number;
  status: LicenseStatus;
  type: string;
  issuer: { code: string; name: string };
  holder: { code: string; codeType: string; name: string };
  validFrom: string;
  validUntil: string | null;
  data: Record<string, unknown>;
  verificationUrl: string;
}

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

/** Loads with `load` (again when `reload` is called or a dependency changes); a failure is a sentence for the user. */
export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const { t } = useTranslation('enterprise');
  const [state, setState] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((data) => !controller.signal.aborted && setState({ state: 'loaded', data }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted && (error as Error).name !== 'AbortError') setState({ state: 'failed', message: problemMessage(error, t) });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round, t]);
  // Loaded data stays on screen while it loads again; a failure gives way to the spinner.
  const reload = useCallback(() => {
    setState((s) => (s.state === 'failed' ? { state: 'loading' } : s));
    setRound((r) => r + 1);
  }, []);
  return [state, reload];
}

/** The public lists the portal names things from, fetched once per page load. */
let purposes: Promise<Named[]> | undefined;
let departments: Promise<Named[]> | undefined;
export const loadPurposes = () => (purposes ??= api<Named[]>('/api/v1/purposes').catch((e: unknown) => ((purposes = undefined), Promise.reject(e))));
export const loadDepartments = () => (departments ??= api<Named[]>('/api/v1/departments').catch((e: unknown) => ((departments = undefined), Promise.reject(e))));

/**
 * The last day (China time, YYYY-MM-DD) an authorisation runs: the platform keeps the end as the
 * instant it stops — midnight after the day given — so a date shown is the day before that instant.
 */
export function lastDayOf(validUntil: string): string {
  const end = Date.parse(validUntil);
  if (!Number.isFinite(end)) return validUntil;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(end - 1));
}
