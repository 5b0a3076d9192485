// The objections capability (数据异议, its facade): a consumer department that receives a license
// type, or the holder, disputes fields of a license; the issuer answers within working days
// (accepting amends the license); a rejection may be escalated once to the coordination office,
// whose decision is final; unanswered objections escalate by themselves. Each function that acts
// for someone takes the principal and decides through the policies (src/policy/objections.cedar).
// See docs/objections.md.
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { objectionMarks } from './marks.ts';
import { objectionTimeliness as timeliness } from './timeliness.ts';

export {
  addEvidence,
  decideObjection,
  escalateObjection,
  escalateOverdueObjections,
  listObjections,
  readEvidence,
  readObjection,
  submitObjection,
  MAX_EVIDENCE_BYTES,
  MAX_EVIDENCE_FILES,
  MAX_EVIDENCE_TEXT,
  MAX_REASON,
  OBJECTION_STATUSES,
  type DecisionInput,
  type EvidenceFile,
  type Objection,
  type ObjectionInput,
  type ObjectionQuery,
  type ObjectionStatus,
} from './objections.ts';
export type { ObjectionEvent } from './events.ts';

/**
 * Which licenses are under an open objection, for the exchange's answers (`underObjection`): from
 * memory, loaded once per process and kept current by the change feed — no query per lookup.
 * Await it once per call, then ask `has(type, holderCode)` per license.
 */
export function licensesUnderObjection(platform: Platform): Promise<{ has(type: string, holderCode: string): boolean }> {
  return objectionMarks(platform).ready();
}

/**
 * How timely `department` (the issuer) answered objections in `month` (YYYY-MM, China time): each
 * objection counts once, in the month it was answered, or — unanswered — in the month its deadline
 * fell (see timeliness.ts): how many were due, answered, answered on or before the deadline, and
 * not answered (due − answered). For the evaluation and the monthly report: no principal, they
 * read the platform's own records.
 */
export async function objectionTimeliness(db: Queryable, department: string, month: string): Promise<{ due: number; answered: number; onTime: number; open: number }> {
  return timeliness(db, department, month);
}
