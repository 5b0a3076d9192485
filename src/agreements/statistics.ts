/**
 * Figures of sharing for the coordination office's dashboard (运行概览): agreements per status,
 * overdue and escalated requests, pending appeals, the departments that provide and use the most
 * (by agreements in force), and requests submitted per day. Decided by the policies
 * (coordination:oversee): the coordination office only.
 */
import { findDepartment } from '../departments/index.ts';
import { CHINA_OFFSET_MS, chinaDate, chinaMidnight } from '../platform/chinaTime.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize, type Principal } from '../policy/index.ts';
import { AGREEMENT_STATUSES, PLATFORM, type AgreementStatus } from './agreements.ts';

const DAY_MS = 86_400_000;
/** How many departments each top list names. */
export const TOP_DEPARTMENTS = 10;
/** Requests per day over this many days, today included. */
export const SUBMITTED_DAYS = 30;

export interface DepartmentFigure {
  code: string;
  name: string | null;
  nameEn: string | null;
  /** Agreements in force (active). */
  active: number;
  /** Agreements of any status. */
  total: number;
}

export interface AgreementStatistics {
  /** When the figures were taken. */
  at: string;
  total: number;
  byStatus: Record<AgreementStatus, number>;
  /** Unanswered past their deadline (escalated ones included), as GET /api/v1/agreements?overdue=true counts them. */
  overdue: number;
  escalated: number;
  /** Rejections appealed and not yet decided. */
  appealsPending: number;
  /** Owner departments with the most agreements in force. */
  topProviders: DepartmentFigure[];
  /** Consumer departments with the most agreements in force. */
  topConsumers: DepartmentFigure[];
  /** Requests submitted per China day over the last SUBMITTED_DAYS days. */
  submittedPerDay: { day: string; count: number }[];
}

async function top(db: Queryable, column: 'owner_department' | 'consumer_department'): Promise<DepartmentFigure[]> {
  const rows = await db.query<{ code: string; active: number; total: number }>(
    `select ${column} as code, count(*) filter (where status = 'active')::int as active, count(*)::int as total
       from agreements group by ${column}
      order by 2 desc, 3 desc, 1 limit ${TOP_DEPARTMENTS}`,
  );
  return Promise.all(
    rows.rows.map(async (r) => {
      const d = await findDepartment(db, r.code);
      return { code: r.code, name: d?.name ?? null, nameEn: d?.nameEn ?? null, active: r.active, total: r.total };
    }),
  );
}

/** The dashboard's figures of sharing, for the coordination office. */
export async function agreementStatistics(platform: { store: Queryable }, principal: Principal, now: Date = new Date()): Promise<AgreementStatistics> {
  authorize(principal, 'coordination:oversee', PLATFORM);
  const db = platform.store;
  const counts = await db.query<{ status: AgreementStatus; n: number; overdue: number; appeals: number }>(
    `select status, count(*)::int as n,
            count(*) filter (where status = 'escalated' or (status = 'submitted' and due_at <= $1))::int as overdue,
            count(*) filter (where appeal_status = 'pending')::int as appeals
       from agreements group by status`,
    [now],
  );
  const byStatus = Object.fromEntries(AGREEMENT_STATUSES.map((s) => [s, 0])) as Record<AgreementStatus, number>;
  let total = 0;
  let overdue = 0;
  let appealsPending = 0;
  for (const r of counts.rows) {
    byStatus[r.status] = r.n;
    total += r.n;
    overdue += r.overdue;
    appealsPending += r.appeals;
  }

  const today = chinaDate(now);
  const end = chinaMidnight(today, 1)!;
  const start = end - SUBMITTED_DAYS * DAY_MS;
  const firstDay = Math.round((start + CHINA_OFFSET_MS) / DAY_MS);
  const perDay = await db.query<{ day_number: number; n: number }>(
    `select floor((extract(epoch from submitted_at) + $3) / $4)::int as day_number, count(*)::int as n
       from agreements where submitted_at >= $1 and submitted_at < $2 group by 1`,
    [new Date(start), new Date(end), CHINA_OFFSET_MS / 1000, DAY_MS / 1000],
  );
  const submittedPerDay = Array.from({ length: SUBMITTED_DAYS }, (_, i) => ({ day: new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10), count: 0 }));
  for (const r of perDay.rows) {
    const slot = submittedPerDay[r.day_number - firstDay];
    if (slot) slot.count = r.n;
  }

  return {
    at: now.toISOString(),
    total,
    byStatus,
    overdue,
    escalated: byStatus.escalated,
    appealsPending,
    topProviders: await top(db, 'owner_department'),
    topConsumers: await top(db, 'consumer_department'),
    submittedPerDay,
  };
}

/** Requests a department had to answer in a month: counted once, when answered or, unanswered, when due. */
export interface RequestTimeliness {
  due: number;
  answered: number;
  onTime: number;
  medianHoursToAnswer: number | null;
}

/** The month's requests to each owning department's resources that had to be answered (for the evaluation, 考核). */
export async function requestTimelinessByOwner(db: Queryable, from: Date, until: Date): Promise<Map<string, RequestTimeliness>> {
  const rows = await db.query<{ owner: string; due: number; answered: number; on_time: number; median_hours: number | null }>(
    `select owner_department as owner, count(*)::int as due, count(decided_at)::int as answered,
            count(*) filter (where decided_at <= due_at)::int as on_time,
            percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at) / 3600) as median_hours
       from agreements
      where due_at is not null
        and ((decided_at >= $1 and decided_at < $2) or (decided_at is null and due_at >= $1 and due_at < $2))
      group by owner_department`,
    [from, until],
  );
  return new Map(
    rows.rows.map((r) => [
      r.owner,
      { due: r.due, answered: r.answered, onTime: r.on_time, medianHoursToAnswer: r.median_hours === null ? null : Math.round(Number(r.median_hours) * 10) / 10 },
    ]),
  );
}

/** Departments that had asked for access to any resource before `until`. */
export async function requestingDepartments(db: Queryable, until: Date): Promise<Set<string>> {
  const rows = await db.query<{ consumer: string }>('select distinct consumer_department as consumer from agreements where submitted_at < $1', [until]);
  return new Set(rows.rows.map((r) => r.consumer));
}
