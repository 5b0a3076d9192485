/**
 * The weights of the indicators (考核权重), set by the coordination office and kept with their
 * history: a set applies from its month on, until a set with a later month; the table refuses
 * changes (a new set is the only way to change them).
 */
import { isMonth } from '../platform/chinaTime.ts';
import { invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { weightsSetEvent } from './events.ts';
import { INDICATORS, MAX_WEIGHT, type Indicator, type Weights } from './scoring.ts';

export const MAX_REASON = 500;

export interface WeightsRecord {
  id: number;
  weights: Weights;
  validFrom: string;
  reason: string;
  setBy: string;
  setAt: string;
}

export interface WeightsInput {
  weights: Partial<Record<Indicator, number>>;
  validFrom: string;
  reason: string;
}

interface Row {
  id: number;
  weights: Record<string, unknown>;
  valid_from: string;
  reason: string;
  set_by: string;
  set_at: Date | string;
}

const toRecord = (r: Row): WeightsRecord => ({
  id: Number(r.id),
  weights: Object.fromEntries(INDICATORS.map((k) => [k, Number(r.weights[k] ?? 0)])) as Weights,
  validFrom: r.valid_from,
  reason: r.reason,
  setBy: r.set_by,
  setAt: (r.set_at instanceof Date ? r.set_at : new Date(r.set_at)).toISOString(),
});

/** The weights that apply to `month`: the set with the latest month not after it, the newest among equals. */
export async function weightsFor(db: Queryable, month: string): Promise<WeightsRecord> {
  const row = (await db.query<Row>('select * from evaluation_weights where valid_from <= $1 order by valid_from desc, id desc limit 1', [month])).rows[0];
  return toRecord(row ?? (await db.query<Row>('select * from evaluation_weights order by id limit 1')).rows[0]);
}

/** Every set, newest first. */
export async function weightsHistory(db: Queryable): Promise<WeightsRecord[]> {
  return (await db.query<Row>('select * from evaluation_weights order by id desc limit 500')).rows.map(toRecord);
}

export async function insertWeights(platform: Platform, input: WeightsInput, actor: string): Promise<WeightsRecord> {
  if (!isMonth(input.validFrom)) throw invalid('validation-failed', 'validFrom must be a month (YYYY-MM)', '/validFrom');
  const reason = input.reason.trim();
  if (reason === '' || reason.length > MAX_REASON) throw invalid('validation-failed', `reason must be 1 to ${MAX_REASON} characters`, '/reason');
  for (const key of Object.keys(input.weights)) {
    if (!(INDICATORS as readonly string[]).includes(key)) throw invalid('unknown-indicator', `no indicator ${key}; the indicators are ${INDICATORS.join(', ')}`, `/weights/${key}`);
    const w = input.weights[key as Indicator];
    if (!Number.isInteger(w) || w! < 0 || w! > MAX_WEIGHT) throw invalid('validation-failed', `a weight is a whole number from 0 to ${MAX_WEIGHT}`, `/weights/${key}`);
  }
  return platform.store.transaction(async (tx) => {
    // Indicators left out keep the weight they have in the month the new set starts.
    const before = await weightsFor(tx, input.validFrom);
    const weights = { ...before.weights, ...input.weights } as Weights;
    if (INDICATORS.every((k) => weights[k] === 0)) throw invalid('validation-failed', 'at least one indicator must weigh more than 0', '/weights');
    const row = (
      await tx.query<Row>('insert into evaluation_weights (weights, valid_from, reason, set_by) values ($1::jsonb, $2, $3, $4) returning *', [
        JSON.stringify(weights),
        input.validFrom,
        reason,
        actor,
      ])
    ).rows[0];
    const record = toRecord(row);
    await platform.events.publish(tx, [weightsSetEvent({ weightsId: record.id, validFrom: record.validFrom, weights: record.weights, reason: record.reason }, actor)]);
    return record;
  });
}
