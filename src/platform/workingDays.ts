import { readFileSync } from 'node:fs';
import { chinaDate, endOfChinaDay } from './chinaTime.ts';

/**
 * Working days (工作日) in China: Monday to Friday, minus the public holidays (法定节假日),
 * plus the weekend days the State Council makes working days to bridge a holiday (调休上班).
 * The 10-working-day answer deadline of a sharing request (政务数据共享条例) and the deadline to
 * answer an objection count these.
 * Dates are China's local dates, `YYYY-MM-DD`.
 */
export interface HolidayCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  /** The years the calendar knows; other years count weekends only. */
  years: readonly number[];
}

interface CalendarFile {
  years: Record<string, { holidays?: string[]; workdays?: string[] }>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(value: unknown, where: string): string {
  if (typeof value !== 'string' || !DATE.test(value) || toUtc(value).toISOString().slice(0, 10) !== value) {
    throw new Error(`${where}: ${String(value)} is not a date (YYYY-MM-DD)`);
  }
  return value;
}

/** Reads a calendar file's content; `where` names it in errors. */
export function parseHolidayCalendar(json: unknown, where = 'holiday calendar'): Map<number, { holidays: string[]; workdays: string[] }> {
  const years = (json as CalendarFile | null)?.years;
  if (typeof years !== 'object' || years === null) throw new Error(`${where}: expected {"years": {"2026": {"holidays": [...], "workdays": [...]}}}`);
  const result = new Map<number, { holidays: string[]; workdays: string[] }>();
  for (const [year, entry] of Object.entries(years)) {
    if (!/^\d{4}$/.test(year)) throw new Error(`${where}: ${year} is not a year`);
    const holidays = (entry.holidays ?? []).map((d, i) => checkDate(d, `${where} ${year}.holidays[${i}]`));
    const workdays = (entry.workdays ?? []).map((d, i) => checkDate(d, `${where} ${year}.workdays[${i}]`));
    result.set(Number(year), { holidays, workdays });
  }
  return result;
}

/**
 * The built-in calendar (data/holidays-cn.json), with the years of `file` (CERTBRIDGE_HOLIDAYS)
 * replacing or adding to it.
 */
export function loadHolidayCalendar(file?: string): HolidayCalendar {
  const years = parseHolidayCalendar(JSON.parse(readFileSync(new URL('./data/holidays-cn.json', import.meta.url), 'utf8')));
  if (file) {
    for (const [year, entry] of parseHolidayCalendar(JSON.parse(readFileSync(file, 'utf8')), file)) years.set(year, entry);
  }
  return {
    holidays: new Set([...years.values()].flatMap((y) => y.holidays)),
    workdays: new Set([...years.values()].flatMap((y) => y.workdays)),
    years: [...years.keys()].sort(),
  };
}

const calendars = new Map<string, HolidayCalendar>();
/** The calendar of this process for `file` (the configured one), read once. */
export function holidayCalendar(file?: string): HolidayCalendar {
  let calendar = calendars.get(file ?? '');
  if (!calendar) {
    calendar = loadHolidayCalendar(file);
    calendars.set(file ?? '', calendar);
  }
  return calendar;
}

function toUtc(date: string): Date {
  const [, y, m, d] = DATE.exec(date) ?? [];
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
}

const shift = (date: string, days: number) => new Date(toUtc(date).getTime() + days * 86_400_000).toISOString().slice(0, 10);

type DateLike = string | Date;
const asDate = (d: DateLike) => (typeof d === 'string' ? checkDate(d, 'date') : chinaDate(d));

export function isWorkingDay(date: DateLike, calendar: HolidayCalendar = holidayCalendar()): boolean {
  const day = asDate(date);
  if (calendar.workdays.has(day)) return true;
  if (calendar.holidays.has(day)) return false;
  const weekday = toUtc(day).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The date `days` working days after `from` (the day itself does not count: a request filed
 * on Monday with 1 working day is due on Tuesday). `days` ≥ 0; 0 gives `from`.
 */
export function addWorkingDays(from: DateLike, days: number, calendar: HolidayCalendar = holidayCalendar()): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`working days must be a whole number ≥ 0, not ${days}`);
  let date = asDate(from);
  for (let left = days; left > 0; ) {
    date = shift(date, 1);
    if (isWorkingDay(date, calendar)) left -= 1;
  }
  return date;
}

/**
 * The working days after `from` up to and including `to`, so that
 * `workingDaysBetween(d, addWorkingDays(d, n)) === n`; negative when `to` is before `from`.
 */
export function workingDaysBetween(from: DateLike, to: DateLike, calendar: HolidayCalendar = holidayCalendar()): number {
  const [a, b] = [asDate(from), asDate(to)];
  if (b < a) return -workingDaysBetween(b, a, calendar);
  let count = 0;
  for (let date = shift(a, 1); date <= b; date = shift(date, 1)) if (isWorkingDay(date, calendar)) count += 1;
  return count;
}

/** The deadline of a request filed at `submittedAt`: the last day to answer, and the moment it is overdue. */
export function answerDeadline(
  submittedAt: Date,
  days: number,
  calendar: HolidayCalendar = holidayCalendar(),
): { dueDate: string; dueAt: Date } {
  const dueDate = addWorkingDays(chinaDate(submittedAt), days, calendar);
  return { dueDate, dueAt: endOfChinaDay(dueDate) };
}
