/**
 * Dates as people read them. License dates are calendar dates in China (`2020-05-01`), shown as
 * such whatever the browser's time zone; instants (epoch seconds, ISO times) are shown in China
 * time, where the licenses are issued.
 */
import type { Language } from './i18n.ts';

const CHINA = 'Asia/Shanghai';
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

const locale = (language: Language) => (language === 'zh-CN' ? 'zh-CN' : 'en-GB');

export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && DATE_ONLY.test(value);
}

/** `2020-05-01` → 2020年5月1日 / 1 May 2020. Anything else is returned as it is. */
export function formatDate(value: string, language: Language): string {
  const match = DATE_ONLY.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(language), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date);
}

/** An instant (epoch seconds, milliseconds or an ISO string) in China time: 2026年11月29日 23:40. */
export function formatInstant(value: number | string | Date, language: Language): string {
  const date = typeof value === 'number' ? new Date(value < 1e11 ? value * 1000 : value) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(locale(language), {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: CHINA,
  }).format(date);
}

/** The date in China (YYYY-MM-DD) of an instant, today by default: where licenses' and authorisations' dates count. */
export const chinaToday = (now = Date.now()): string => new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
