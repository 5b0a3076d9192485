// Departmental evaluation (考核, its facade): per department and month the catalog it publishes,
// the requests it answers on time, the lookups it serves and consumes, the quality of its licenses,
// the objections it answers on time and the delivery success of its subscriptions, marked and
// weighted into a score and a ranking. Weights are set by the coordination office and kept with
// their history. See docs/evaluation.md.
import type { Principal } from '../platform/auth/principal.ts';
import { actorOf } from '../platform/auth/principal.ts';
import { addMonths, chinaMonth, isMonth } from '../platform/chinaTime.ts';
import { invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, type PolicyResource } from '../policy/index.ts';
import { boardOf, computeBoard, type Scoreboard } from './boards.ts';
import { insertWeights, weightsHistory, type WeightsInput, type WeightsRecord } from './weights.ts';

export { INDICATORS, type Indicator, type ScoredDepartment, type Weights } from './scoring.ts';
export type { Scoreboard } from './boards.ts';
export type { EvaluationEvent } from './events.ts';
export type { WeightsInput, WeightsRecord } from './weights.ts';

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

/** The most months a trend shows. */
export const MAX_TREND_MONTHS = 24;

/** The first month a board or a report covers: nothing CertBridge keeps is older. */
export const EARLIEST_MONTH = '2000-01';

/** A month a board or a report may cover: from EARLIEST_MONTH to the current one (China time). */
export function checkReportMonth(month: string | undefined, field = '/month'): string {
  const m = month ?? chinaMonth();
  if (!isMonth(m)) throw invalid('validation-failed', 'month must be a month (YYYY-MM)', field);
  if (m > chinaMonth()) throw invalid('month-in-future', `${m} has not begun`, field);
  if (m < EARLIEST_MONTH) throw invalid('month-out-of-range', `months before ${EARLIEST_MONTH} hold nothing to evaluate`, field);
  return m;
}

/** The scoreboard of a month (default: the current one, provisional): every department's staff see it. */
export async function readScoreboard(platform: Platform, principal: Principal, query: { month?: string }, now = new Date()): Promise<Scoreboard> {
  authorize(principal, 'evaluation:read', PLATFORM);
  return boardOf(platform.store, checkReportMonth(query.month), now);
}

/** Scores and ranks of the `months` months up to `to`, oldest first, for the trend chart. */
export async function readTrend(platform: Platform, principal: Principal, query: { to?: string; months?: number }): Promise<{ months: { month: string; departments: { code: string; score: number | null; rank: number | null }[] }[] }> {
  authorize(principal, 'evaluation:read', PLATFORM);
  const to = checkReportMonth(query.to, '/to');
  const count = query.months ?? 6;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TREND_MONTHS) throw invalid('validation-failed', `months must be 1 to ${MAX_TREND_MONTHS}`, '/months');
  const months = [];
  for (let i = count - 1; i >= 0; i--) {
    if (addMonths(to, -i) < EARLIEST_MONTH) continue;
    const board = await boardOf(platform.store, addMonths(to, -i));
    months.push({ month: board.month, departments: board.departments.map((d) => ({ code: d.code, score: d.score, rank: d.rank })) });
  }
  return { months };
}

/** Computes a month's board now, whatever is kept (the operator's `certbridge evaluation run`, and the server's background work). */
export async function recomputeScoreboard(platform: Platform, principal: Principal, month: string): Promise<Scoreboard> {
  authorize(principal, 'evaluation:compute', PLATFORM);
  return computeBoard(platform.store, checkReportMonth(month, '--month'));
}

/** Sets new weights from a month on (the coordination office); the history stays. */
export async function setWeights(platform: Platform, principal: Principal, input: WeightsInput): Promise<WeightsRecord> {
  authorize(principal, 'evaluation:set-weights', PLATFORM);
  return insertWeights(platform, input, actorOf(principal));
}

/** Every set of weights, newest first. */
export async function listWeights(platform: Platform, principal: Principal): Promise<{ items: WeightsRecord[] }> {
  authorize(principal, 'evaluation:read', PLATFORM);
  return { items: await weightsHistory(platform.store) };
}

/** The board a report shows, for a caller that has authorised the report itself. */
export const scoreboardForReport = (platform: Platform, month: string): Promise<Scoreboard> => boardOf(platform.store, month);
