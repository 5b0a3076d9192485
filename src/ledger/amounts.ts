/**
 * Money and months of the ledger. Amounts are integer fen: bigint in SQL, safe integers in
 * JavaScript, bounded where they come in. Sums leave SQL as text and are checked here, so a total
 * beyond 2^53 fails loudly instead of being rounded.
 */

/** The highest price of one record read: 1,000,000 yuan. */
export const MAX_FEN_PER_RECORD = 100_000_000;
/** The highest amount of one correction: 10,000,000,000 yuan. */
export const MAX_CORRECTION_FEN = 1_000_000_000_000;

/** A sum read from SQL as text (bigint or numeric), as a safe integer. */
export function fenOf(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const big = BigInt(typeof value === 'number' ? value : value.split('.')[0]);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`ledger amount ${big} fen is beyond the safe integers of JavaScript`);
  }
  return Number(big);
}

export { chinaMonth, isMonth } from '../platform/chinaTime.ts';
