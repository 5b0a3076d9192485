/**
 * Followers of the audit log run by the kernel (as Tessera's followers are): a capability declares
 * its followers (`name`, the entry types it wants, `apply`) and the kernel reads the log after each
 * one's place, page by page, and applies each page in one transaction with the move of its place in
 * `follower_cursors` — a page is applied exactly once, whoever runs it. Each follower is a leased
 * job (src/platform/jobs.ts): with several processes on one database it runs in one of them, and its
 * readiness and failures are reported like every job's; `certbridge_follower_lag_entries` tells how
 * far behind the log each one is.
 *
 * The kernel knows no capability: the audit log is read through the `LogReader` the audit
 * capability provides when it attaches (every process, so a pass run by hand reads it too).
 */
import type { BackgroundJob } from './jobs.ts';
import { scrapedGauge } from './metrics.ts';
import { perPlatform, type Platform } from './platform.ts';
import type { Queryable } from './store/store.ts';

/** The entries of a follower's types among the leaves read, and the last leaf read (null: nothing after its place). */
export interface LogPage<E> {
  entries: E[];
  last: number | null;
}

/** How the kernel reads the log (the audit capability's `followLog` and size). */
export interface LogReader {
  /** Entries of `types` after leaf `after` (-1: from the start), at most `limit` leaves read. */
  read(db: Queryable, after: number, limit: number, types: readonly string[]): Promise<LogPage<unknown>>;
  /** Leaves appended so far: what a follower's lag is counted against. */
  size(db: Queryable): Promise<number>;
}

/**
 * A follower of the log. `apply` gets a page of the entries as the reader gives them (the audit
 * capability's `FollowedEntry`) inside the transaction that then moves the follower's place; what it
 * returns is handed back to whoever ran the pass (`catchUp`).
 */
export interface Follower<E, R = unknown> {
  /** Unique across the platform, `<capability>.<what>`: its place's, its job's and its lease's name. */
  name: string;
  /** The audit entry types it wants. */
  types: readonly string[];
  apply: (tx: Queryable, page: LogPage<E>, platform: Platform) => Promise<R>;
  /** Leaves of the log read per transaction (default FOLLOW_BATCH). */
  batch?: number;
}

/** Leaves read per transaction unless a follower says otherwise. */
export const FOLLOW_BATCH = 2000;
/** How often a follower looks for newly sequenced entries (the sequencer runs every ~200 ms). */
export const FOLLOW_INTERVAL_MS = 2000;

const readers = new WeakMap<Platform, LogReader>();

/** The audit capability supplies the log's reader (when it attaches). */
export function provideLogReader(platform: Platform, reader: LogReader): void {
  readers.set(platform, reader);
}

function readerOf(platform: Platform): LogReader {
  const reader = readers.get(platform);
  if (!reader) throw new Error('no reader of the audit log: followers need the audit capability');
  return reader;
}

/** One page in one transaction: read after the follower's place, apply, move the place. */
async function applyPage<E, R>(platform: Platform, follower: Follower<E, R>, batch: number): Promise<{ read: number; lastIndex: number; result?: R }> {
  const reader = readerOf(platform);
  return platform.store.transaction(async (tx) => {
    const place = () => tx.query<{ last_index: string }>('select last_index from follower_cursors where name = $1 for update', [follower.name]);
    // The row lock makes a pass run by hand and the job's take turns; each then reads the place as committed.
    let row = (await place()).rows[0];
    if (!row) {
      await tx.query('insert into follower_cursors (name) values ($1) on conflict (name) do nothing', [follower.name]);
      row = (await place()).rows[0];
    }
    const after = Number(row.last_index);
    const page = await reader.read(tx, after, batch, follower.types);
    if (page.last === null) return { read: 0, lastIndex: after };
    // The reader gives the entries the follower was written for (the kernel does not look inside).
    const result = await follower.apply(tx, page as LogPage<E>, platform);
    await tx.query('update follower_cursors set last_index = $2, updated_at = now() where name = $1', [follower.name, page.last]);
    return { read: page.last - after, lastIndex: page.last, result };
  });
}

/** Per platform and follower: one pass at a time in this process (the place's row lock covers other processes). */
const running = perPlatform(() => new Map<string, Promise<unknown>>());

/**
 * Applies everything the log has sequenced after the follower's place, page by page; returns what
 * each page's `apply` returned and the last leaf index processed (-1 before the first).
 */
export function catchUp<E, R>(platform: Platform, follower: Follower<E, R>, batch = follower.batch ?? FOLLOW_BATCH): Promise<{ lastIndex: number; results: R[] }> {
  const passes = running(platform);
  const next = (passes.get(follower.name) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      const results: R[] = [];
      for (;;) {
        const page = await applyPage(platform, follower, batch);
        if (page.result !== undefined) results.push(page.result);
        if (page.read < batch) return { lastIndex: page.lastIndex, results };
      }
    });
  passes.set(follower.name, next);
  return next;
}

/** Each follower as a leased job of the kernel: one process runs it, and it is reported like every job. */
export function followerJobs(followers: readonly Follower<never>[]): BackgroundJob[] {
  return followers.map((follower) => ({ name: follower.name, everyMs: () => FOLLOW_INTERVAL_MS, run: (platform) => catchUp(platform, follower) }));
}

/**
 * `certbridge_follower_lag_entries{follower}`: the leaves of the log each follower has still to read
 * (every process reports every follower: the places are in the database, whoever runs them).
 */
export function followerMetrics(platform: Platform, followers: readonly Follower<never>[]): void {
  scrapedGauge(platform.metrics, 'certbridge_follower_lag_entries', 'entries of the audit log each follower has still to read', ['follower'], async () => {
    const size = await readerOf(platform).size(platform.store);
    const places = await platform.store.query<{ name: string; last_index: string }>('select name, last_index from follower_cursors where name = any($1)', [followers.map((f) => f.name)]);
    const placeOf = new Map(places.rows.map((r) => [r.name, Number(r.last_index)]));
    return followers.map((f) => ({ labels: { follower: f.name }, value: size - ((placeOf.get(f.name) ?? -1) + 1) }));
  });
}
