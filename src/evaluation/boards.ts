/**
 * Scoreboards (考核排名) per month. Computing one reads the whole month's audit entries, so a board
 * is kept once computed: a closed month's board is computed once per set of weights (after the
 * month closed) and read back; the current month's is provisional and recomputed when it is older
 * than BOARD_FRESH_MS.
 */
import { chinaMonth, chinaMonthBounds } from '../platform/chinaTime.ts';
import type { Queryable } from '../platform/store/store.ts';
import { monthFigures } from './figures.ts';
import { scoreDepartments, type ScoredDepartment } from './scoring.ts';
import { weightsFor, type WeightsRecord } from './weights.ts';

/** How long the current month's board is served before it is recomputed. */
export const BOARD_FRESH_MS = 5 * 60_000;

export interface Scoreboard {
  month: string;
  /** The month is not over: its figures will still change. */
  provisional: boolean;
  computedAt: string;
  /** Milliseconds the computation took. */
  tookMs: number;
  weights: WeightsRecord;
  departments: ScoredDepartment[];
}

export async function computeBoard(db: Queryable, month: string, now = new Date()): Promise<Scoreboard> {
  const started = performance.now();
  const weights = await weightsFor(db, month);
  const departments = scoreDepartments(await monthFigures(db, month), weights.weights);
  const tookMs = Math.round(performance.now() - started);
  const board: Scoreboard = { month, provisional: month >= chinaMonth(now), computedAt: now.toISOString(), tookMs, weights, departments };
  await db.query('insert into evaluation_boards (month, weights_id, board, computed_at, took_ms) values ($1, $2, $3::jsonb, $4, $5)', [
    month,
    weights.id,
    JSON.stringify(board),
    now,
    tookMs,
  ]);
  return board;
}

// Boards being computed, per store and month: callers asking at once share one computation (a
// board reads the whole month's log, and any department may ask for one).
const computing = new WeakMap<Queryable, Map<string, Promise<Scoreboard>>>();

/** The month's board: the kept one while it is still right, else a new one (one computation at a time per month). */
export function boardOf(db: Queryable, month: string, now = new Date()): Promise<Scoreboard> {
  let running = computing.get(db);
  if (!running) computing.set(db, (running = new Map()));
  const pending = running.get(month);
  if (pending) return pending;
  const board = keptOrNewBoard(db, month, now).finally(() => running.delete(month));
  running.set(month, board);
  return board;
}

async function keptOrNewBoard(db: Queryable, month: string, now: Date): Promise<Scoreboard> {
  const weights = await weightsFor(db, month);
  const kept = (
    await db.query<{ board: Scoreboard | string; computed_at: Date | string }>(
      'select board, computed_at from evaluation_boards where month = $1 and weights_id = $2 order by id desc limit 1',
      [month, weights.id],
    )
  ).rows[0];
  if (kept) {
    const at = new Date(kept.computed_at).getTime();
    const closedAt = chinaMonthBounds(month).until.getTime();
    const fresh = at >= closedAt || (now.getTime() < closedAt && now.getTime() - at < BOARD_FRESH_MS);
    if (fresh) return typeof kept.board === 'string' ? (JSON.parse(kept.board) as Scoreboard) : kept.board;
  }
  return computeBoard(db, month, now);
}
