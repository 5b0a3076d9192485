import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  answerDeadline,
  holidayCalendar,
  isWorkingDay,
  loadHolidayCalendar,
  workingDaysBetween,
  type HolidayCalendar,
} from './workingDays.ts';
import { chinaDate } from './chinaTime.ts';

const weekendsOnly: HolidayCalendar = { holidays: new Set(), workdays: new Set(), years: [] };

describe('the 2026 calendar (国务院办公厅关于2026年部分节假日安排的通知)', () => {
  it('knows the holidays and the weekend days that are worked (调休)', () => {
    const cal = holidayCalendar();
    expect(cal.years).toContain(2026);
    for (const day of ['2026-01-01', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-01', '2026-10-07']) {
      expect(isWorkingDay(day), day).toBe(false);
    }
    for (const day of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(isWorkingDay(day), day).toBe(true);
      expect(isWorkingDay(day, weekendsOnly), `${day} is a weekend day`).toBe(false);
    }
    expect(isWorkingDay('2026-11-26')).toBe(true);
    expect(isWorkingDay('2026-11-28')).toBe(false);
    expect(cal.holidays.size).toBe(33);
  });

  it('moves a deadline over the National Day holiday', () => {
    // Filed Wednesday 30 September: 1–7 October are off, Saturday 10 October is worked.
    expect(addWorkingDays('2026-09-30', 10)).toBe('2026-10-20');
    expect(addWorkingDays('2026-09-30', 10, weekendsOnly)).toBe('2026-10-14');
    expect(addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-09', 1)).toBe('2026-10-10');
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays('2026-11-26', 0)).toBe('2026-11-26');
    expect(workingDaysBetween('2026-09-30', '2026-10-20')).toBe(10);
    expect(workingDaysBetween('2026-10-20', '2026-09-30')).toBe(-10);
    expect(workingDaysBetween('2026-10-01', '2026-10-07')).toBe(0);
    expect(() => addWorkingDays('2026-09-30', -1)).toThrow();
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow();
  });

  it('counts back what it counts forward, every day of the year', () => {
    for (let day = 0; day < 365; day += 1) {
      const from = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      for (const n of [0, 1, 5, 10, 23]) expect(workingDaysBetween(from, addWorkingDays(from, n)), `${from} + ${n}`).toBe(n);
    }
  });

  it('dates in China time: a deadline ends at midnight Beijing time', () => {
    expect(chinaDate(new Date('2026-09-29T17:00:00Z'))).toBe('2026-09-30');
    const { dueDate, dueAt } = answerDeadline(new Date('2026-09-29T17:00:00Z'), 10);
    expect(dueDate).toBe('2026-10-20');
    expect(dueAt.toISOString()).toBe('2026-10-20T16:00:00.000Z');
    expect(answerDeadline(new Date('2026-09-30T10:00:00+08:00'), 3).dueDate).toBe('2026-10-10');
  });
});

describe('a configured calendar', () => {
  it('replaces or adds years from the file in CERTBRIDGE_HOLIDAYS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certbridge-holidays-'));
    try {
      const file = join(dir, 'holidays.json');
      writeFileSync(file, JSON.stringify({ years: { '2026': { holidays: ['2026-11-26'] }, '2027': { holidays: ['2027-01-01'], workdays: ['2027-01-02'] } } }));
      const cal = loadHolidayCalendar(file);
      expect(cal.years).toEqual([2026, 2027]);
      expect(isWorkingDay('2026-10-01', cal)).toBe(true);
      expect(isWorkingDay('2026-11-26', cal)).toBe(false);
      expect(isWorkingDay('2027-01-01', cal)).toBe(false);
      expect(isWorkingDay('2027-01-02', cal)).toBe(true);
      writeFileSync(file, JSON.stringify({ years: { '2027': { holidays: ['2027-13-01'] } } }));
      expect(() => loadHolidayCalendar(file)).toThrow(/2027-13-01/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
