// The objections capability (数据异议, its facade): a consumer department or the holder disputes
// fields of a license; the issuer answers within working days; a rejection may be escalated once
// to the coordination office, whose decision is final. See docs/objections.md.
import type { Queryable } from '../platform/store/store.ts';
import { objectionTimeliness as timeliness } from './timeliness.ts';

/**
 * Objections to licenses of `department` (the issuer) whose deadline falls in `month` (YYYY-MM,
 * China time): how many were due, answered at all, answered on or before the deadline, and not
 * answered (due − answered). For the evaluation and the monthly report: no principal, they read
 * the platform's own records.
 */
export async function objectionTimeliness(db: Queryable, department: string, month: string): Promise<{ due: number; answered: number; onTime: number; open: number }> {
  return timeliness(db, department, month);
}
