/**
 * Appending (Tessera's sequence-and-integrate, in the writer's own transaction): the entries of a
 * batch — every logged event published in one transaction, or one group commit of the exchange —
 * get the next positions, are written as (part of) entry bundles, the tiles they change are
 * rewritten and a checkpoint of the new tree is signed, all in one statement of the transaction of
 * the change, so an entry exists iff the change it records committed. No row per entry: a batch
 * writes one part of the partial bundle, the partial tiles it changed, every tile and bundle it
 * completed, the state row and its per-day access counts.
 *
 * The log is one sequence for every process sharing the database: the batch locks the state row.
 * - In a transaction, the append is its last write (EventAppender.beforeCommit): it locks the state
 *   row, so the lock is held only while the transaction commits.
 * - A hot publisher (the exchange's access recorder) folds the append into its own autocommit
 *   statement, built on the state this process last wrote; should another process have appended
 *   meanwhile, the statement raises `CB409` and is run again on the state read anew.
 * One append at a time per process (a queue), so the state this process knows is the state its
 * next append builds on. Canonical JSON and leaf hashes are computed before taking a place in it.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { chinaDate } from '../platform/chinaTime.ts';
import type { DomainEvent, EventAppender, EventWrite, FoldedWrite } from '../platform/events.ts';
import { perPlatform, type Platform } from '../platform/platform.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import { prepareEvents, type PreparedEntry } from './entries.ts';
import { originOf, signCheckpoint } from './checkpoint.ts';
import { leafHash } from './merkle.ts';
import { asBuffer, loadEdge, logCache, readState, type StateRow } from './storage.ts';
import { bundleRecord, integrate, type Integrated, type TreeEdge } from './tiles.ts';

const gzipAsync = promisify(gzip);
const EMPTY = Buffer.alloc(0);

/** What the database raises when a folded append was built on a state another process changed. */
export const LOG_MOVED = 'CB409';

interface LogState extends TreeEdge {
  root: Buffer;
  origin: string | null;
}

/** A batch ready to append: its entries' stored text, leaf hashes and bundle records. */
interface Batch {
  entries: PreparedEntry[];
  leaves: Buffer[];
  records: Buffer[];
}

function batchOf(entries: PreparedEntry[]): Batch | undefined {
  if (entries.length === 0) return undefined;
  const leaves: Buffer[] = [];
  const records: Buffer[] = [];
  for (const entry of entries) {
    const bytes = Buffer.from(entry.text, 'utf8');
    leaves.push(leafHash(bytes));
    records.push(bundleRecord(bytes));
  }
  return { entries, leaves, records };
}

// Written with every batch; each CTE waits for the state row (they read audit_state_upd), so the row
// is always the first lock a batch takes. Parameters: see LogAppender.write.
const APPEND = `audit_state_upd as (
    update audit_state set tree_size = $1, root_hash = $2, origin = $3, checkpoint = $4
     where tree_size = $5 and root_hash = $6
    returning 1
  ),
  audit_guard as (
    insert into audit_bundle_parts (first, data) select -1, ''::bytea where audit_log_moved((select count(*)::int from audit_state_upd))
  ),
  audit_part as (
    insert into audit_bundle_parts (first, data) select $7::bigint, $8::bytea where $8::bytea is not null and exists (select 1 from audit_state_upd)
  ),
  audit_full as (
    insert into audit_bundles (idx, data)
    select b.idx, substring($10::bytea from b.o::int + 1 for b.n::int) from unnest($9::bigint[], $11::bigint[], $12::bigint[]) as b(idx, o, n)
     where exists (select 1 from audit_state_upd)
  ),
  audit_filled as (
    delete from audit_bundle_parts where first >= $13 and first < $14 and exists (select 1 from audit_state_upd)
  ),
  audit_tiled as (
    insert into audit_tiles (level, idx, hashes, inner_hashes)
    select t.level, t.idx, substring($17::bytea from t.o::int + 1 for t.n::int), nullif(substring($29::bytea from t.io::int + 1 for t.inn::int), ''::bytea)
      from unnest($15::smallint[], $16::bigint[], $18::bigint[], $19::bigint[], $30::bigint[], $31::bigint[]) as t(level, idx, o, n, io, inn)
     where exists (select 1 from audit_state_upd)
    on conflict (level, idx) do update set hashes = excluded.hashes, inner_hashes = excluded.inner_hashes
  ),
  audit_counted as (
    insert into audit_access_counts as c (day, department, client_id, agreement_id, license_type, purpose, operation, total, allowed)
    select * from unnest($20::date[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::bigint[], $28::bigint[])
     where exists (select 1 from audit_state_upd)
    on conflict (day, department, client_id, agreement_id, license_type, purpose, operation)
    do update set total = c.total + excluded.total, allowed = c.allowed + excluded.allowed
  )`;

/** The accesses of a batch counted per day, system, agreement, license type, purpose and operation. */
function countsOf(entries: readonly PreparedEntry[]): unknown[][] {
  const groups = new Map<string, { key: string[]; total: number; allowed: number }>();
  for (const { columns: c, operation } of entries) {
    if (c.type !== 'exchange.accessed') continue;
    const key = [chinaDate(new Date(c.at)), c.department ?? '', c.clientId ?? '', c.agreementId ?? '', c.licenseType ?? '', c.purpose ?? '', operation ?? ''];
    const id = key.join('\u001f');
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, total: 0, allowed: 0 }));
    group.total++;
    if (c.outcome === 'allowed') group.allowed++;
  }
  const list = [...groups.values()];
  return [...Array.from({ length: 7 }, (_, i) => list.map((g) => g.key[i])), list.map((g) => g.total), list.map((g) => g.allowed)];
}

/** Concatenated blobs and their offsets and lengths: one parameter instead of an array of bytea. */
function packed(blobs: readonly Buffer[]): { data: Buffer; offsets: number[]; lengths: number[] } {
  const offsets: number[] = [];
  let at = 0;
  for (const b of blobs) {
    offsets.push(at);
    at += b.length;
  }
  return { data: Buffer.concat(blobs), offsets, lengths: blobs.map((b) => b.length) };
}

export class LogAppender implements EventAppender {
  /** The state this process last wrote (undefined: read it from the database first). */
  private state?: LogState;
  /** Bumped by every append, so a commit that lands after a later append does not overwrite its state. */
  private version = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly platform: Platform) {}

  /** Waits for this process's previous append; the returned function lets the next one go. */
  private async turn(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => mine);
    await previous;
    return release;
  }

  /** The key and origin must be at hand before any transaction opens (the embedded store has one connection). */
  async ready(): Promise<void> {
    await this.platform.keys.activeKey('audit', 'EdDSA');
  }

  async beforeCommit(tx: Queryable, events: readonly DomainEvent[]): Promise<void> {
    await this.appendPrepared(tx, prepareEvents(events));
  }

  /** Appends entries already prepared (canonical text and columns) as the last write of `tx`. */
  async appendPrepared(tx: Queryable, entries: PreparedEntry[]): Promise<void> {
    const batch = batchOf(entries);
    if (!batch) return;
    const release = await this.turn();
    try {
      const row = await readState(tx, true);
      const base = this.state && this.state.size === row.tree_size && this.state.root.equals(asBuffer(row.root_hash)) ? this.state : await stateOf(tx, row);
      const step = await this.write(base, batch);
      await tx.query(`with ${step.write.ctes} select 1`, step.write.params, { name: step.write.name });
      // Known once the transaction commits (if no later append of this process came first).
      this.state = undefined;
      const version = ++this.version;
      tx.afterCommit(() => {
        if (this.version === version) this.state = step.next;
        this.remember(step.bundles);
      });
    } finally {
      release();
    }
  }

  async fold(events: readonly DomainEvent[]): Promise<FoldedWrite | undefined> {
    // The embedded store runs one transaction at a time: there the recorder publishes in one.
    if (this.platform.store.kind !== 'postgres') return undefined;
    const batch = batchOf(prepareEvents(events));
    if (!batch) return { writes: [], settle: () => false };
    const release = await this.turn();
    let step: Awaited<ReturnType<LogAppender['write']>>;
    try {
      const base = this.state ?? (await snapshotState(this.platform.store));
      step = await this.write(base, batch);
    } catch (error) {
      this.state = undefined;
      release();
      throw error;
    }
    let settled = false;
    return {
      writes: [step.write],
      settle: (error?: unknown) => {
        if (settled) return false;
        settled = true;
        this.version++;
        this.state = error === undefined ? step.next : undefined;
        if (error === undefined) this.remember(step.bundles);
        release();
        return error !== undefined && (error as { code?: unknown }).code === LOG_MOVED;
      },
    };
  }

  /**
   * The bundles a committed batch completed, kept in memory as if read: the indexer and the
   * followers read them next, and a full bundle never changes (only called after the commit).
   */
  private remember(bundles: Integrated['bundles']): void {
    const cache = logCache(this.platform);
    for (const b of bundles) cache.bundles.set(String(b.index), b.records.map((r) => r.subarray(2)));
  }

  /** The batch integrated into `base`: the write, the state after it and the bundles it completes. */
  private async write(base: LogState, batch: Batch): Promise<{ write: EventWrite; next: LogState; bundles: Integrated['bundles'] }> {
    const done = integrate(base, batch.leaves, batch.records);
    const key = await this.platform.keys.activeKey('audit', 'EdDSA');
    const origin = base.origin ?? originOf(this.platform.config.publicUrl);
    const checkpoint = signCheckpoint(key, { origin, treeSize: done.next.size, rootHash: done.root });
    const bundles = packed(await Promise.all(done.bundles.map((b) => gzipAsync(Buffer.concat(b.records), { level: 6 }))));
    const tiles = packed(done.tiles.map((t) => t.hashes));
    // A full tile's inner levels (none for a partial one: an empty slice, stored as null).
    const inner = packed(done.tiles.map((t) => t.inner ?? EMPTY));
    const firstFull = done.bundles.length > 0 ? done.bundles[0].index * 256 : 0;
    const lastFull = done.bundles.length > 0 ? (done.bundles[done.bundles.length - 1].index + 1) * 256 : 0;
    const params = [
      done.next.size,
      done.root,
      origin,
      checkpoint,
      base.size,
      base.root,
      done.part?.first ?? null,
      done.part ? Buffer.concat(done.part.records) : null,
      done.bundles.map((b) => b.index),
      bundles.data,
      bundles.offsets,
      bundles.lengths,
      firstFull,
      lastFull,
      done.tiles.map((t) => t.level),
      done.tiles.map((t) => t.index),
      tiles.data,
      tiles.offsets,
      tiles.lengths,
      ...countsOf(batch.entries),
      inner.data,
      inner.offsets,
      inner.lengths,
    ];
    return { write: { ctes: APPEND, params, name: 'audit.append' }, next: { ...done.next, root: done.root, origin }, bundles: done.bundles };
  }
}

async function stateOf(db: Queryable, row: StateRow): Promise<LogState> {
  return { ...(await loadEdge(db, row)), root: asBuffer(row.root_hash), origin: row.origin };
}

/**
 * The state and its edge read in one snapshot, for a fold (which holds no lock): read in two
 * statements, another process's append could commit between them — the size of one and the
 * partial bundle of the other (bench:soak met it as a 500 on a lookup).
 */
function snapshotState(store: Store): Promise<LogState> {
  return store.transaction(async (db) => {
    await db.query('set transaction isolation level repeatable read, read only');
    return stateOf(db, await readState(db));
  });
}

/** The one appender of each platform (process). */
export const logAppender = perPlatform((platform) => new LogAppender(platform));
