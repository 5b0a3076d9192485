/**
 * How timely an issuing department answers objections, per month (for the evaluation and the
 * monthly report). Plain SQL on the objections' own records, never on the exchange's path.
 *
 * An objection counts once, in the month it was answered (on time or late), or — while it is not
 * answered — in the month its deadline fell: an answer given before the deadline shows in the
 * month's report it was given in, and an objection left unanswered shows in the month it became
 * overdue.
 */
import { chinaMonthBounds, isMonth } from '../platform/chinaTime.ts';
import { invalid } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';

export interface ObjectionTimeliness {
  /** Objections to the department's licenses answered in the month, or unanswered with their deadline in it. */
  due: number;
  /** …that the department answered (accepted or rejected) in the month. */
  answered: number;
  /** …answered on or before the deadline. */
  onTime: number;
  /** …not answered, their deadline in the month (still waiting, or escalated for being overdue): due − answered. */
  open: number;
}

export async function objectionTimeliness(db: Queryable, department: string, month: string): Promise<ObjectionTimeliness> {
  if (!isMonth(month)) throw invalid('validation-failed', 'month must be a month (YYYY-MM)', '/month');
  const { from, until } = chinaMonthBounds(month);
  const row = (
    await db.query<{ answered: number; on_time: number; open: number }>(
      `select count(*) filter (where answered_at >= $2 and answered_at < $3)::int as answered,
              count(*) filter (where answered_at >= $2 and answered_at < $3 and answered_at <= due_at)::int as on_time,
              count(*) filter (where answered_at is null and due_at >= $2 and due_at < $3)::int as open
         from objections
        where issuer_code = $1 and ((answered_at >= $2 and answered_at < $3) or (answered_at is null and due_at >= $2 and due_at < $3))`,
      [department, from, until],
    )
  ).rows[0];
  return { due: row.answered + row.open, answered: row.answered, onTime: row.on_time, open: row.open };
}
