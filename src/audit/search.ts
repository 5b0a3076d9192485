/**
 * Searching the log without an index per entry: the candidates come newest first from the postings
 * of the most selective key named (holder, department, entry type) or, with none, from the log
 * itself; the days' position ranges bound a time window; the entries are read from their bundles
 * and every filter is checked against the entry itself. What the indexer has not read yet is not
 * searched (it is minutes behind at most, and under no tree head yet).
 */
import { chinaDate } from '../platform/chinaTime.ts';
import type { Queryable } from '../platform/store/store.ts';
import { columnsOf, parseEntry, type AuditEntry } from './entries.ts';
import { indexedSize } from './indexer.ts';
import { postingsNewestFirst } from './postings.ts';
import { readEntriesAt, type LogCache } from './storage.ts';

export interface EntryFilter {
  department?: string;
  holder?: string;
  purpose?: string;
  type?: string;
  outcome?: string;
  clientId?: string;
  from?: Date;
  to?: Date;
  /** Paging, newest first: entries before this position (the `next` of the previous page). */
  before?: number;
}

export interface FoundEntry {
  index: number;
  entry: AuditEntry;
  /** The stored text (what was hashed). */
  text: string;
}

/** Positions from `start` down to `stop` (inclusive). */
async function* descending(start: number, stop: number): AsyncGenerator<number> {
  for (let p = start; p >= stop; p--) yield p;
}

/** The positions whose entries can lie in [from, to): from the days' first and last positions. */
async function windowOf(db: Queryable, from: Date | undefined, to: Date | undefined): Promise<{ lo: number; hi: number } | undefined> {
  if (!from && !to) return { lo: 0, hi: Number.MAX_SAFE_INTEGER };
  // A bound outside the years a date column holds (RFC 3339 allows 0000–9999, JavaScript far more) bounds nothing or everything.
  const day = (d: Date | undefined) => (d === undefined ? undefined : chinaDate(d));
  const inRange = (d: string) => /^[0-9]{4}-/.test(d) && d >= '0001-01-01';
  const [first, last] = [day(from), day(to)];
  if ((first !== undefined && !/^[0-9]{4}-/.test(first) && !first.startsWith('-')) || (last !== undefined && last.startsWith('-'))) return undefined;
  const rows = await db.query<{ lo: number | null; hi: number | null }>(
    'select min(first) as lo, max(last) as hi from audit_days where ($1::date is null or day >= $1) and ($2::date is null or day <= $2)',
    [first !== undefined && inRange(first) ? first : null, last !== undefined && inRange(last) ? last : null],
  );
  const { lo, hi } = rows.rows[0];
  return lo === null || hi === null ? undefined : { lo: Number(lo), hi: Number(hi) };
}

/**
 * Entries matching the filter, newest first, at most `limit`, below `bound` (the caller's tree
 * head, or what the indexer has read).
 */
export async function findEntries(db: Queryable, filter: EntryFilter, limit: number, options: { bound?: number; types?: readonly string[]; cache?: LogCache } = {}): Promise<FoundEntry[]> {
  const indexed = await indexedSize(db);
  const bound = Math.min(options.bound ?? indexed, indexed, filter.before ?? Number.MAX_SAFE_INTEGER);
  const window = await windowOf(db, filter.from, filter.to);
  if (!window || bound <= 0) return [];
  const upper = Math.min(bound, window.hi + 1);
  const candidates = filter.holder
    ? postingsNewestFirst(db, 'h', filter.holder, upper)
    : filter.department
      ? postingsNewestFirst(db, 'd', filter.department, upper)
      : filter.type
        ? postingsNewestFirst(db, 't', filter.type, upper)
        : descending(upper - 1, window.lo);
  const matches = (entry: AuditEntry) => {
    const c = columnsOf(entry);
    if (filter.holder && c.holderCode !== filter.holder) return false;
    if (filter.department && c.department !== filter.department) return false;
    if (filter.purpose && c.purpose !== filter.purpose) return false;
    if (filter.type && c.type !== filter.type) return false;
    if (filter.outcome && c.outcome !== filter.outcome) return false;
    if (filter.clientId && c.clientId !== filter.clientId) return false;
    if (options.types && !options.types.includes(c.type)) return false;
    const at = Date.parse(c.at);
    if (filter.from && !(at >= filter.from.getTime())) return false;
    if (filter.to && !(at < filter.to.getTime())) return false;
    return true;
  };
  const found: FoundEntry[] = [];
  let chunk: number[] = [];
  const flush = async () => {
    const texts = await readEntriesAt(db, chunk, bound, options.cache);
    for (const p of chunk) {
      if (found.length >= limit) break;
      const text = texts.get(p)?.toString('utf8');
      const entry = text === undefined ? undefined : parseEntry(text);
      if (entry && text !== undefined && matches(entry)) found.push({ index: p, entry, text });
    }
    chunk = [];
  };
  // Entries are read in chunks of whole bundles' worth: a chunk of candidates costs one query.
  const chunkSize = Math.max(limit, 64);
  for await (const p of candidates) {
    if (p < window.lo) break;
    chunk.push(p);
    if (chunk.length >= chunkSize) {
      await flush();
      if (found.length >= limit) return found;
    }
  }
  if (chunk.length > 0) await flush();
  return found;
}
