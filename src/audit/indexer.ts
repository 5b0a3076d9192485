/**
 * The log's indexer, a follower of the log (as Tessera's followers are): it reads the entries
 * appended since it last read, in order, and derives what the log is searched by — the postings of
 * every holder, department and entry type, the first and last position of each day — counts the
 * accesses for oversight (raising alerts), and signs a tree head (the JWS history witnesses walk) for
 * what it has read. It runs in its own transactions, off the writers' path: in the server every
 * CERTBRIDGE_AUDIT_INTERVAL_MS and on demand (`sequence`); one at a time across all processes
 * sharing the database (an advisory lock; the others skip their turn, an on-demand call waits).
 */
import { chinaDate } from '../platform/chinaTime.ts';
import type { SigningKey } from '../platform/crypto/keys.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { logAppender } from './appender.ts';
import { columnsOf, parseEntry, type EntryColumns, type PreparedEntry } from './entries.ts';
import { insertTreeHead, latestTreeHead, rootAt } from './log.ts';
import { countAccesses, DEFAULT_OVERSIGHT, type AccessGroup, type AlertSink, type OversightOptions } from './oversight.ts';
import { addPostings, type PostingKind } from './postings.ts';
import { asBuffer, logCache, readEntryRange, readState } from './storage.ts';
import { signTreeHead, type TreeHead } from './treeHead.ts';

/** Advisory lock key of the indexer ("audi" in ASCII), taken in its transaction. */
const INDEXER_LOCK = 0x61756469;

export interface IndexerOptions {
  /** Entries read per transaction. */
  batchSize: number;
  /** A new tree head is signed at least this often, even with nothing new (ms). */
  treeHeadIntervalMs: number;
  oversight: OversightOptions;
  alertSink?: AlertSink;
}

export const DEFAULT_INDEXER: IndexerOptions = {
  batchSize: 20_000,
  treeHeadIntervalMs: 300_000,
  oversight: DEFAULT_OVERSIGHT,
};

export interface IndexResult {
  /** False when another process holds the indexer's lock. */
  ran: boolean;
  /** Entries read in this pass. */
  indexed: number;
  /** Entries the log had when the pass read its state. */
  treeSize: number;
  /** Entries read so far, after this pass. */
  indexedSize: number;
  treeHead?: TreeHead;
}

export async function indexedSize(db: Queryable): Promise<number> {
  return Number((await db.query<{ indexed_size: number }>('select indexed_size from audit_indexer')).rows[0].indexed_size);
}

/** What one pass derives from the entries it read. */
class Derived {
  readonly postings = new Map<string, { kind: PostingKind; key: string; positions: number[] }>();
  readonly days = new Map<string, { first: number; last: number }>();
  readonly accesses = new Map<string, AccessGroup>();

  add(position: number, c: EntryColumns): void {
    this.post('t', c.type, position);
    if (c.holderCode) this.post('h', c.holderCode, position);
    if (c.department) this.post('d', c.department, position);
    const at = new Date(c.at);
    if (Number.isNaN(at.getTime())) return;
    const day = chinaDate(at);
    const span = this.days.get(day);
    if (span) span.last = position;
    else this.days.set(day, { first: position, last: position });
    if (c.type !== 'exchange.accessed') return;
    const id = [c.department ?? '', c.clientId ?? '', c.agreementId ?? '', day].join('\u001f');
    let group = this.accesses.get(id);
    if (!group) {
      group = { department: c.department ?? '', client_id: c.clientId ?? '', agreement_id: c.agreementId ?? '', day, total: 0, allowed: 0, license_type: c.licenseType, purpose: c.purpose, at };
      this.accesses.set(id, group);
    }
    group.total++;
    if (c.outcome === 'allowed') group.allowed++;
    if (at > new Date(group.at)) group.at = at;
  }

  private post(kind: PostingKind, key: string, position: number): void {
    const id = `${kind}:${key}`;
    const known = this.postings.get(id);
    if (known) known.positions.push(position);
    else this.postings.set(id, { kind, key, positions: [position] });
  }
}

async function signHead(tx: Queryable, key: SigningKey, treeSize: number, root: Buffer, previous?: TreeHead): Promise<TreeHead> {
  // Timestamps never go backwards, even if this process's clock is behind the last signer's.
  const timestamp = Math.max(Date.now(), previous ? previous.timestamp + (previous.treeSize === treeSize ? 1 : 0) : 0);
  const head = signTreeHead(key, { treeSize, rootHash: root.toString('hex'), timestamp });
  await insertTreeHead(tx, head);
  return head;
}

/** One pass in one transaction: reads up to `batchSize` entries and signs a tree head of what it read. `wait` blocks for the lock instead of skipping. */
export async function indexBatch(platform: Platform, options: IndexerOptions, wait: boolean): Promise<IndexResult> {
  // Outside the transaction: the key store reads through the store, and PGlite has one connection.
  const key = await platform.keys.activeKey('audit', 'EdDSA');
  return platform.store.transaction(async (tx) => {
    if (wait) await tx.query('select pg_advisory_xact_lock($1)', [INDEXER_LOCK]);
    else if (!(await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [INDEXER_LOCK])).rows[0].ok) {
      return { ran: false, indexed: 0, treeSize: 0, indexedSize: 0 };
    }
    const from = await indexedSize(tx);
    const state = await readState(tx);
    const to = Math.min(state.tree_size, from + options.batchSize);
    if (to > from) {
      const derived = new Derived();
      const entries = await readEntryRange(tx, from, to, logCache(platform));
      entries.forEach((bytes, i) => {
        // An entry that does not parse was altered in storage: `audit verify` names it; the index skips it.
        const entry = parseEntry(bytes.toString('utf8'));
        if (entry) derived.add(from + i, columnsOf(entry));
      });
      await addPostings(tx, derived.postings);
      if (derived.days.size > 0) {
        const days = [...derived.days];
        await tx.query(
          `insert into audit_days as d (day, first, last) select * from unnest($1::date[], $2::bigint[], $3::bigint[])
           on conflict (day) do update set first = least(d.first, excluded.first), last = greatest(d.last, excluded.last)`,
          [days.map(([day]) => day), days.map(([, s]) => s.first), days.map(([, s]) => s.last)],
        );
      }
      if (derived.accesses.size > 0) await countAccesses(tx, [...derived.accesses.values()], options.oversight, options.alertSink);
      await tx.query('update audit_indexer set indexed_size = $1', [to]);
    }
    const previous = await latestTreeHead(tx);
    const due = to > from || !previous || previous.treeSize !== to || Date.now() - previous.timestamp >= options.treeHeadIntervalMs;
    const root = to === state.tree_size ? asBuffer(state.root_hash) : await rootAt(tx, to);
    const treeHead = due ? await signHead(tx, key, to, root, previous) : previous;
    return { ran: true, indexed: to - from, treeSize: state.tree_size, indexedSize: to, treeHead };
  });
}

/**
 * Entries that were committed but not yet sequenced when the log was converted to bundles and
 * tiles (migration audit/003): appended, in the order they were written, and removed.
 */
export async function appendMigratedPending(platform: Platform): Promise<number> {
  if (migratedPendingDone.has(platform)) return 0;
  let appended = 0;
  for (;;) {
    const n = await platform.store.transaction(async (tx) => {
      const rows = await tx.query<{ id: number; entry: string }>('delete from audit_migrated_pending where id in (select id from audit_migrated_pending order by id limit 5000) returning id, entry');
      const sorted = rows.rows.sort((a, b) => Number(a.id) - Number(b.id));
      await logAppender(platform).appendPrepared(tx, sorted.map((r) => preparedFromText(r.entry)));
      return sorted.length;
    });
    appended += n;
    if (n < 5000) {
      // The table is only ever filled by that migration.
      migratedPendingDone.add(platform);
      return appended;
    }
  }
}

const migratedPendingDone = new WeakSet<Platform>();

function preparedFromText(text: string): PreparedEntry {
  const entry = parseEntry(text);
  if (entry) {
    const operation = entry.data.operation;
    return { text, columns: columnsOf(entry), operation: typeof operation === 'string' ? operation : null };
  }
  // Kept as it was written, whatever it is: `audit verify` names an entry that is not one.
  return {
    text,
    columns: { type: '', at: new Date(0).toISOString(), department: null, clientId: null, purpose: null, outcome: null, holderCode: null, agreementId: null, licenseType: null },
    operation: null,
  };
}
