/**
 * Following the sequenced log (as Tessera's followers do): whatever derives data from the log —
 * the compensation ledger, evaluation — reads the entries in leaf order after the last index it
 * processed, at its own pace, instead of listening inside the writers' transactions. Leaves are
 * numbered without gaps and a sequencer batch commits all of its leaves at once, so a reader that
 * remembers the last index it saw never misses an entry and never sees one twice.
 *
 * Read-only and without a principal: it is for another capability's own background work (which
 * decides, through its own facade, who may run it), never for answering a caller.
 */
import type { Queryable } from '../platform/store/store.ts';
import { columnsOf, parseEntry, type AuditEntry, type EntryColumns } from './entries.ts';

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
 * The sequenced entries after leaf `after` (-1 for the start of the log): at most `limit` leaves
 * are read, and of them the entries of `types` (all when omitted) are returned. `last` is where the
 * next page starts, even when no entry of these types was among the leaves read.
 */
export async function followLog(db: Queryable, after: number, limit: number, types?: readonly string[]): Promise<FollowedPage> {
  const rows = await db.query<{ leaf_index: number; entry: string | null; last: number | null }>(
    `with l as (select leaf_index, entry_id from audit_leaves where leaf_index > $1 and leaf_index <= $1 + $2)
     select m.last, e.leaf_index, e.entry
       from (select max(leaf_index) as last from l) m
       left join (select l.leaf_index, a.entry from l join audit_entries a on a.id = l.entry_id
                   where $3::text[] is null or a.type = any($3::text[])) e on true
      order by e.leaf_index`,
    [after, limit, types ? [...types] : null],
  );
  const last = rows.rows[0]?.last ?? null;
  const entries: FollowedEntry[] = [];
  for (const r of rows.rows) {
    if (r.entry === null) continue;
    const entry = parseEntry(r.entry);
    if (entry) entries.push({ index: Number(r.leaf_index), entry, columns: columnsOf(entry) });
  }
  return { entries, last: last === null ? null : Number(last) };
}
