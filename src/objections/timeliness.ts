/**
 * How timely an issuing department answers objections, per month (for the evaluation and the
 * monthly report). Plain SQL on the objections' own records, never on the exchange's path.
 */
import { chinaMidnight } from '../platform/chinaTime.ts';
import { invalid } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';

export interface ObjectionTimeliness {
  /** Objections to the department's licenses whose deadline falls in the month. */
  due: number;
  /** …that the department answered (accepted or rejected) at all. */
  answered: number;
  /** …answered on or before the deadline. */
  onTime: number;
  /** …that the department has not answered (still waiting, or escalated for being overdue): due − answered. */
  open: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first instant of `month` and of the month after, China time. */
export function monthBounds(month: string): { from: Date; until: Date } {
  const m = MONTH.exec(month);
  if (!m) throw invalid('validation-failed', 'month must be a month (YYYY-MM)', 'querystring:/month');
  const [year, mon] = [Number(m[1]), Number(m[2])];
  const next = mon === 12 ? `${year + 1}-01-01` : `${year}-${String(mon + 1).padStart(2, '0')}-01`;
  return { from: new Date(chinaMidnight(`${month}-01`)!), until: new Date(chinaMidnight(next)!) };
}

export async function objectionTimeliness(db: Queryable, department: string, month: string): Promise<ObjectionTimeliness> {
  const { from, until } = monthBounds(month);
  const row = (
    await db.query<{ due: number; answered: number; on_time: number }>(
      `select count(*)::int as due,
              count(answered_at)::int as answered,
              count(*) filter (where answered_at <= due_at)::int as on_time
         from objections
        where issuer_code = $1 and due_at >= $2 and due_at < $3`,
      [department, from, until],
    )
  ).rows[0];
  return { due: row.due, answered: row.answered, onTime: row.on_time, open: row.due - row.answered };
}
