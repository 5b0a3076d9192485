/**
 * Following the sequenced log (as Tessera's followers do): whatever derives data from the log —
 * the compensation ledger, evaluation — reads the entries in leaf order after the last index it
 * processed, at its own pace, instead of listening inside the writers' transactions. Positions are
 * given without gaps and a batch commits all of its entries at once, so a reader that remembers the
 * last index it saw never misses an entry and never sees one twice.
 *
 * Read-only and without a principal: it is for another capability's own background work (which
 * decides, through its own facade, who may run it), never for answering a caller.
 */
import type { Queryable } from '../platform/store/store.ts';
import { columnsOf, parseEntry, type AuditEntry, type EntryColumns } from './entries.ts';
import { indexedSize } from './indexer.ts';
import { postingsBetween } from './postings.ts';
import { currentTreeSize, readEntriesAt, readEntryRange, type LogCache } from './storage.ts';

export interface FollowedEntry {
  /** The entry's leaf index: its place in the tree, what a follower remembers. */
  index: number;
  entry: AuditEntry;
  columns: EntryColumns;
}

export interface FollowedPage {
  /** The entries of the requested types among the leaves read, in leaf order. */
  entries: FollowedEntry[];
  /** The last leaf index read (whatever its type), or null when the log has nothing after `after`. */
  last: number | null;
}

/**
 * The entries after leaf `after` (-1 for the start of the log) that the log's indexer has read
 * (everything under its newest tree head): at most `limit` leaves are read, and of them the entries
 * of `types` (all when omitted; found through the type postings, so a follower of rare types reads
 * only those) are returned. `last` is where the next page starts, even when no entry of these types
 * was among the leaves read. `through: 'appended'` reads up to the last entry appended instead
 * (tools and tests that look for an entry just written; types are then filtered as read). With
 * `cache`, full bundles come from the server's memory when read (or appended) lately.
 */
export async function followLog(
  db: Queryable,
  after: number,
  limit: number,
  types?: readonly string[],
  options: { through?: 'indexed' | 'appended'; cache?: LogCache } = {},
): Promise<FollowedPage> {
  const appended = options.through === 'appended';
  const end = Math.min(appended ? await currentTreeSize(db) : await indexedSize(db), after + 1 + limit);
  if (end <= after + 1) return { entries: [], last: null };
  const entries: FollowedEntry[] = [];
  const add = (index: number, bytes: Buffer | undefined) => {
    const entry = bytes && parseEntry(bytes.toString('utf8'));
    if (entry && (!appended || !types || types.includes(entry.type))) entries.push({ index, entry, columns: columnsOf(entry) });
  };
  if (types && !appended) {
    const positions = await postingsBetween(db, 't', types, after, end - 1);
    const found = await readEntriesAt(db, positions, end, options.cache);
    for (const p of positions) add(p, found.get(p));
  } else {
    (await readEntryRange(db, after + 1, end, options.cache)).forEach((bytes, i) => add(after + 1 + i, bytes));
  }
  return { entries, last: end - 1 };
}
