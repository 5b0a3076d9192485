/**
 * Prices (共享补偿的计价): fen per record read of a catalog resource, over a period of China days.
 * A price is never changed: a newer one supersedes the older ones for the days it covers, and the
 * whole history stays. The price of a record read on a day is the one set last among those whose
 * period holds that day; a record read on a day no price covers is not charged.
 */
import { getResource } from '../catalog/index.ts';
import { chinaDate, isCalendarDate } from '../platform/chinaTime.ts';
import { DomainError, invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { MAX_FEN_PER_RECORD } from './amounts.ts';
import { priceSetEvent } from './events.ts';

export interface Price {
  id: number;
  resourceId: string;
  fenPerRecord: number;
  /** First China day it applies (YYYY-MM-DD), inclusive. */
  validFrom: string;
  /** Last China day it applies, inclusive; null when open-ended. */
  validUntil: string | null;
  reason: string;
  setBy: string;
  setAt: string;
  /** Whether it is the price of a record read today (not superseded, today within its period). */
  current: boolean;
}

export interface PriceInput {
  resourceId: string;
  fenPerRecord: number;
  validFrom: string;
  validUntil?: string | null;
  reason: string;
}

export const MAX_REASON = 500;

interface PriceRow {
  id: number;
  resource_id: string;
  fen_per_record: number;
  valid_from: string;
  valid_until: string | null;
  reason: string;
  set_by: string;
  set_at: Date | string;
}

const COLUMNS = 'id, resource_id, fen_per_record, valid_from::text as valid_from, valid_until::text as valid_until, reason, set_by, set_at';

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** Whether a price's period holds `day`. */
const holds = (r: Pick<PriceRow, 'valid_from' | 'valid_until'>, day: string) => r.valid_from <= day && (r.valid_until === null || r.valid_until >= day);

/** The prices of a resource, newest first: the first whose period holds a day is that day's price. */
export class PriceBook {
  private constructor(private readonly byResource: Map<string, PriceRow[]>) {}

  static async load(db: Queryable, resourceIds: readonly string[]): Promise<PriceBook> {
    const rows = await db.query<PriceRow>(`select ${COLUMNS} from ledger_prices where resource_id = any($1::text[]) order by id desc`, [[...resourceIds]]);
    const byResource = new Map<string, PriceRow[]>();
    for (const r of rows.rows) {
      const list = byResource.get(r.resource_id) ?? [];
      list.push(r);
      byResource.set(r.resource_id, list);
    }
    return new PriceBook(byResource);
  }

  /** The price of a record of `resourceId` read on China day `day`, or undefined when none applies. */
  on(resourceId: string, day: string): { id: number; fenPerRecord: number } | undefined {
    const row = this.byResource.get(resourceId)?.find((r) => holds(r, day));
    return row ? { id: Number(row.id), fenPerRecord: Number(row.fen_per_record) } : undefined;
  }
}

function checkInput(input: PriceInput): Required<PriceInput> {
  if (!Number.isSafeInteger(input.fenPerRecord) || input.fenPerRecord < 0 || input.fenPerRecord > MAX_FEN_PER_RECORD) {
    throw invalid('invalid-amount', `fenPerRecord must be a whole number of fen from 0 to ${MAX_FEN_PER_RECORD}`, '/fenPerRecord');
  }
  if (!isCalendarDate(input.validFrom)) throw invalid('validation-failed', 'validFrom must be a date (YYYY-MM-DD, China time)', '/validFrom');
  const validUntil = input.validUntil ?? null;
  if (validUntil !== null && !isCalendarDate(validUntil)) throw invalid('validation-failed', 'validUntil must be a date (YYYY-MM-DD, China time) or null', '/validUntil');
  if (validUntil !== null && validUntil < input.validFrom) throw invalid('invalid-period', 'validUntil must not be before validFrom', '/validUntil');
  const reason = input.reason.trim();
  if (reason === '' || reason.length > MAX_REASON) throw invalid('validation-failed', `reason must be 1 to ${MAX_REASON} characters`, '/reason');
  return { resourceId: input.resourceId, fenPerRecord: input.fenPerRecord, validFrom: input.validFrom, validUntil, reason };
}

/** Records a new price of a catalog resource (it supersedes the older ones for the days it covers). */
export async function insertPrice(platform: Platform, input: PriceInput, actor: string): Promise<Price> {
  const p = checkInput(input);
  let ownerDepartment: string;
  try {
    ownerDepartment = (await getResource(platform.store, p.resourceId)).ownerDepartment;
  } catch (error) {
    if (error instanceof DomainError && error.reason === 'not-found') throw invalid('unknown-resource', `the catalog has no resource ${p.resourceId}`, '/resourceId');
    throw error;
  }
  return platform.store.transaction(async (tx) => {
    const row = (
      await tx.query<PriceRow>(
        `insert into ledger_prices (resource_id, fen_per_record, valid_from, valid_until, reason, set_by) values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
        [p.resourceId, p.fenPerRecord, p.validFrom, p.validUntil, p.reason, actor],
      )
    ).rows[0];
    const price = toPrice(row);
    await platform.events.publish(tx, [
      priceSetEvent({ priceId: price.id, resourceId: price.resourceId, ownerDepartment, fenPerRecord: price.fenPerRecord, validFrom: price.validFrom, validUntil: price.validUntil, reason: price.reason }, actor),
    ]);
    const book = await PriceBook.load(tx, [price.resourceId]);
    return { ...price, current: book.on(price.resourceId, chinaDate())?.id === price.id };
  });
}

function toPrice(r: PriceRow): Omit<Price, 'current'> {
  return {
    id: Number(r.id),
    resourceId: r.resource_id,
    fenPerRecord: Number(r.fen_per_record),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    reason: r.reason,
    setBy: r.set_by,
    setAt: iso(r.set_at),
  };
}

/** The history of prices (of one resource, or of all), newest first. */
export async function priceHistory(db: Queryable, resourceId: string | undefined, limit: number): Promise<Price[]> {
  const rows = await db.query<PriceRow>(
    `select ${COLUMNS} from ledger_prices where ($1::text is null or resource_id = $1) order by id desc limit $2`,
    [resourceId ?? null, limit],
  );
  // "current" needs every price of the resources shown, not only those of this page.
  const book = await PriceBook.load(db, [...new Set(rows.rows.map((r) => r.resource_id))]);
  const today = chinaDate();
  return rows.rows.map((r) => ({ ...toPrice(r), current: book.on(r.resource_id, today)?.id === Number(r.id) }));
}
