/**
 * China's local time. Asia/Shanghai is UTC+8 all year (no daylight saving since 1991), so local
 * dates are plain arithmetic on UTC. License dates, quotas, deadlines and reports all count in
 * these days; this is the only place that knows the offset.
 */
export const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// The day of "now", recomputed at most when it changes: formatting a date costs more than a lookup's bookkeeping.
let cached = { day: '', from: 0, until: 0 };

/** The China-local calendar date of `at` (default now), YYYY-MM-DD. */
export function chinaDate(at: Date | number = Date.now()): string {
  const t = typeof at === 'number' ? at : at.getTime();
  if (t >= cached.from && t < cached.until) return cached.day;
  const shifted = t + CHINA_OFFSET_MS;
  const from = Math.floor(shifted / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  cached = { day: new Date(shifted).toISOString().slice(0, 10), from, until: from + DAY_MS };
  return cached.day;
}

/** Whether `value` is a real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const check = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return check.getUTCFullYear() === Number(m[1]) && check.getUTCMonth() === Number(m[2]) - 1 && check.getUTCDate() === Number(m[3]);
}

/** The instant (ms since the epoch) of 00:00 China time on `date` plus `dayOffset` days; undefined for a non-date. */
export function chinaMidnight(date: string, dayOffset = 0): number | undefined {
  if (!isCalendarDate(date)) return undefined;
  const m = DATE.exec(date)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + dayOffset * DAY_MS - CHINA_OFFSET_MS;
}

/** The moment a China-local date ends (the next day's 00:00 China time). */
export function endOfChinaDay(date: string): Date {
  const end = chinaMidnight(date, 1);
  if (end === undefined) throw new RangeError(`${date} is not a date (YYYY-MM-DD)`);
  return new Date(end);
}

/** Whole seconds until the next 00:00 China time (at least 1): a Retry-After for a daily quota. */
export function secondsToChinaMidnight(at: number = Date.now()): number {
  const shifted = at + CHINA_OFFSET_MS;
  const next = (Math.floor(shifted / DAY_MS) + 1) * DAY_MS;
  return Math.max(1, Math.ceil((next - shifted) / 1000));
}

/** The date `days` calendar days after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  const start = chinaMidnight(date);
  if (start === undefined) throw new RangeError(`${date} is not a date (YYYY-MM-DD)`);
  return chinaDate(start + days * DAY_MS);
}

/**
 * An end of validity given as a calendar date (valid through that whole China day) or as an
 * RFC 3339 date-time. Undefined when it is neither.
 */
export function parseValidUntil(value: string): Date | undefined {
  if (DATE.test(value)) {
    const end = chinaMidnight(value, 1);
    return end === undefined ? undefined : new Date(end);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

const MONTH = /^([0-9]{4})-(0[1-9]|1[0-2])$/;
/**
 * A month a caller may name (routes' schemas and facades alike): of the years 1900–2999. Bounded
 * because month arithmetic beyond them (a six-month trend back from 0001-01, the month after
 * 9999-12) leaves the dates JavaScript and PostgreSQL agree on — 500s in the second outside test.
 */
export const MONTH_PATTERN = '^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$';
const CALLER_MONTH = new RegExp(MONTH_PATTERN);

/** Whether `value` is a month written YYYY-MM, of the years 1900–2999. */
export const isMonth = (value: unknown): value is string => typeof value === 'string' && CALLER_MONTH.test(value);

/** The China-local month (YYYY-MM) of an instant. */
export const chinaMonth = (at: Date | number = Date.now()): string => chinaDate(at).slice(0, 7);

/** The month `months` after `month` (before, when negative). */
export function addMonths(month: string, months: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`${month} is not a month (YYYY-MM)`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first instant of `month` and of the month after it, China time. */
export function chinaMonthBounds(month: string): { from: Date; until: Date } {
  const from = isMonth(month) ? chinaMidnight(`${month}-01`) : undefined;
  const until = from === undefined ? undefined : chinaMidnight(`${addMonths(month, 1)}-01`);
  // Years before 100 are not calendar dates to JavaScript's Date (it reads them as 19xx).
  if (from === undefined || until === undefined) throw new RangeError(`${month} is not a month (YYYY-MM) of a calendar date`);
  return { from: new Date(from), until: new Date(until) };
}
