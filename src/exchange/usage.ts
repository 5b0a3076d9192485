/**
 * Usage of the exchange (用量统计): licenses read per China day, per consumer department and per
 * license type, counted by the audit log as it appends — an access record IS its `exchange.accessed`
 * entries (one per holder read), so these are the figures the log proves (`audit verify` rechecks
 * the counts against the entries). Lookups and batches count each holder asked for; deliveries of
 * subscribed events (operation "event") are counted apart.
 *
 * Decided by the policies (exchange:read-usage): a consumer department sees its own usage, the
 * coordination office any department's and the whole platform's.
 */
import { accessCounts } from '../audit/index.ts';
import { findDepartment } from '../departments/index.ts';
import { CHINA_OFFSET_MS, chinaDate, chinaMidnight, isCalendarDate } from '../platform/chinaTime.ts';
import { invalid } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { isStaff } from '../platform/auth/principal.ts';
import { authorize, decide, type PolicyResource, type Principal } from '../policy/index.ts';

const DAY_MS = 86_400_000;
/** The longest range one call may ask for, in days. */
export const MAX_USAGE_DAYS = 366;
/** The range when none is given: the last 30 days, today included. */
export const DEFAULT_USAGE_DAYS = 30;

export interface UsageQuery {
  /** First China day (YYYY-MM-DD), inclusive. */
  from?: string;
  /** Last China day (YYYY-MM-DD), inclusive. */
  to?: string;
  /** One department's usage (the coordination office); a department's staff see their own whatever they ask. */
  department?: string;
}

export interface UsageCounts {
  /** Holder lookups recorded (each holder of a lookup or batch), whatever their outcome. */
  lookups: number;
  /** Of those, the ones answered with data. */
  allowed: number;
  /** Events delivered to subscriptions that carried license data. */
  deliveries: number;
}

export interface UsageReport {
  from: string;
  to: string;
  /** The department counted, or null for the whole platform. */
  department: string | null;
  totals: UsageCounts;
  /** Every day of the range, in order, zeros included. */
  days: (UsageCounts & { day: string })[];
  /** Per consumer department, most lookups first. */
  departments: (UsageCounts & { code: string; name: string | null; nameEn: string | null })[];
  /** Per license type, most lookups first. */
  licenseTypes: (UsageCounts & { licenseType: string })[];
}

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

const dayOf = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

function range(q: UsageQuery, now: Date): { from: string; to: string; start: number; end: number } {
  for (const [name, value] of [['from', q.from], ['to', q.to]] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw invalid('validation-failed', `${name} must be a date (YYYY-MM-DD)`, `/${name}`);
  }
  const to = q.to ?? chinaDate(now);
  const from = q.from ?? dayOf(Math.round((chinaMidnight(to)! + CHINA_OFFSET_MS) / DAY_MS) - (DEFAULT_USAGE_DAYS - 1));
  const start = chinaMidnight(from)!;
  const end = chinaMidnight(to, 1)!;
  if (end <= start) throw invalid('validation-failed', 'from must not be after to', '/from');
  if ((end - start) / DAY_MS > MAX_USAGE_DAYS) throw invalid('validation-failed', `at most ${MAX_USAGE_DAYS} days at once`, '/from');
  return { from, to, start, end };
}

const zero = (): UsageCounts => ({ lookups: 0, allowed: 0, deliveries: 0 });
function add(into: UsageCounts, r: UsageCounts): void {
  into.lookups += r.lookups;
  into.allowed += r.allowed;
  into.deliveries += r.deliveries;
}

/** Licenses read per day (and per department and license type) over a range of China days. */
export async function exchangeUsage(platform: { store: Queryable }, principal: Principal, q: UsageQuery, now: Date = new Date()): Promise<UsageReport> {
  const { from, to, start, end } = range(q, now);
  // Without a department named: the whole platform for whoever may see it, otherwise one's own department.
  const department = q.department ?? (!decide(principal, 'exchange:read-usage', PLATFORM).allowed && isStaff(principal) ? principal.departmentCode : undefined);
  authorize(principal, 'exchange:read-usage', department ? { type: 'Department', id: department } : PLATFORM);

  // The log's per-day access counts (kept by the audit log as it appends), not its entries.
  const counts = await accessCounts(platform.store, { from, to, department });

  const totals = zero();
  const firstDay = Math.round((start + CHINA_OFFSET_MS) / DAY_MS);
  const dayCount = Math.round((end - start) / DAY_MS);
  const days = Array.from({ length: dayCount }, (_, i) => ({ day: dayOf(firstDay + i), ...zero() }));
  const dayIndex = new Map(days.map((d, i) => [d.day, i]));
  const byDepartment = new Map<string, UsageCounts>();
  const byType = new Map<string, UsageCounts>();
  for (const c of counts) {
    const event = c.operation === 'event';
    const r: UsageCounts = { lookups: event ? 0 : c.total, allowed: event ? 0 : c.allowed, deliveries: event ? c.total : 0 };
    add(totals, r);
    const day = days[dayIndex.get(c.day) ?? -1];
    if (day) add(day, r);
    if (!byDepartment.has(c.department)) byDepartment.set(c.department, zero());
    add(byDepartment.get(c.department)!, r);
    if (!byType.has(c.licenseType)) byType.set(c.licenseType, zero());
    add(byType.get(c.licenseType)!, r);
  }
  const most = (a: UsageCounts, b: UsageCounts) => b.lookups - a.lookups || b.deliveries - a.deliveries;
  const departments = await Promise.all(
    [...byDepartment]
      .sort(([, a], [, b]) => most(a, b))
      .map(async ([code, counts]) => {
        const found = code ? await findDepartment(platform.store, code) : undefined;
        return { code, name: found?.name ?? null, nameEn: found?.nameEn ?? null, ...counts };
      }),
  );
  const licenseTypes = [...byType].sort(([, a], [, b]) => most(a, b)).map(([licenseType, counts]) => ({ licenseType, ...counts }));
  return { from, to, department: department ?? null, totals, days, departments, licenseTypes };
}
