/**
 * Postings: the ledger follows the sequenced audit log (as Tessera's followers do), at its own
 * pace, and never listens inside the exchange's transaction — the exchange's group commit writes
 * one record per access and nothing else. Each `exchange.accessed` entry answered with data (one
 * per holder read, so a batch counts one record per holder) is a journal: the consumer department
 * is debited and the resource's owner credited the price of one record on the China day of the
 * lookup. The follower keeps its own cursor (the last leaf index processed) in the same
 * transaction as its postings, and a journal is unique on its source entry: a pass run twice, or
 * by two processes at once, never posts a lookup twice.
 *
 * Not posted: deliveries of subscribed events (counted apart, as the usage figures do), lookups of
 * a department's own resource, and lookups on a day no price covers (the cursor passes them: a
 * price set later does not reach back; a correction journal does).
 */
import { followLog, type FollowedEntry } from '../audit/index.ts';
import { findResourceForLicenseType } from '../catalog/index.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { PriceBook } from './prices.ts';

/** Leaves of the log read per transaction. */
export const POST_BATCH = 5000;

export interface PostResult {
  /** Journals written. */
  posted: number;
  /** Lookup entries read that were not charged (no price, own resource, no resource). */
  unpriced: number;
  /** The last leaf index processed (-1 before the first). */
  lastIndex: number;
}

interface Posting {
  source: number;
  consumer: string;
  provider: string;
  resourceId: string;
  fen: number;
  priceId: number;
  at: string;
  month: string;
}

/** Entries that are lookups answered with data (not event deliveries). */
function isServedLookup(e: FollowedEntry): boolean {
  return e.columns.outcome === 'allowed' && e.columns.department !== null && e.columns.licenseType !== null && (e.entry.data as { operation?: unknown }).operation !== 'event';
}

async function postingsOf(tx: Queryable, entries: readonly FollowedEntry[]): Promise<{ postings: Posting[]; unpriced: number }> {
  const lookups = entries.filter(isServedLookup);
  const resources = new Map<string, { id: string; owner: string } | undefined>();
  for (const type of new Set(lookups.map((e) => e.columns.licenseType!))) {
    const r = await findResourceForLicenseType(tx, type);
    resources.set(type, r ? { id: r.id, owner: r.ownerDepartment } : undefined);
  }
  const book = await PriceBook.load(tx, [...resources.values()].flatMap((r) => (r ? [r.id] : [])));
  const postings: Posting[] = [];
  let unpriced = 0;
  for (const e of lookups) {
    const resource = resources.get(e.columns.licenseType!);
    const day = chinaDate(new Date(e.entry.at));
    const price = resource && resource.owner !== e.columns.department ? book.on(resource.id, day) : undefined;
    if (!resource || !price) {
      unpriced++;
      continue;
    }
    postings.push({ source: e.index, consumer: e.columns.department!, provider: resource.owner, resourceId: resource.id, fen: price.fenPerRecord, priceId: price.id, at: e.entry.at, month: day.slice(0, 7) });
  }
  return { postings, unpriced };
}

// One statement: the journals (skipping entries already posted) and both lines of each.
const INSERT = `with input as (
    select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::text[])
      as t(source, consumer, provider, resource_id, fen, price_id, at, month)
  ), journals as (
    insert into ledger_journals (kind, source_index, month, at, created_by)
    select 'lookup', source, month, at, 'system' from input
    on conflict (source_index) do nothing
    returning id, source_index
  )
  insert into ledger_entries (journal_id, account, counterparty, debit, credit, resource_id, month, source, records, price_id)
  select j.id, i.consumer, i.provider, i.fen, 0, i.resource_id, i.month, i.source, 1, i.price_id from journals j join input i on i.source = j.source_index
  union all
  select j.id, i.provider, i.consumer, 0, i.fen, i.resource_id, i.month, i.source, 1, i.price_id from journals j join input i on i.source = j.source_index`;

/** One page of the log in one transaction: its postings and the cursor move together. */
async function postPage(platform: Platform, batch: number): Promise<{ posted: number; unpriced: number; lastIndex: number; read: number }> {
  return platform.store.transaction(async (tx) => {
    // The row lock makes followers in other processes take turns; each then reads the cursor as committed.
    const cursor = Number((await tx.query<{ last_index: number }>('select last_index from ledger_cursor for update')).rows[0].last_index);
    const page = await followLog(tx, cursor, batch, ['exchange.accessed']);
    if (page.last === null) return { posted: 0, unpriced: 0, lastIndex: cursor, read: 0 };
    const { postings, unpriced } = await postingsOf(tx, page.entries);
    let posted = 0;
    if (postings.length > 0) {
      const col = <K extends keyof Posting>(k: K) => postings.map((p) => p[k]);
      const written = await tx.query(INSERT, [col('source'), col('consumer'), col('provider'), col('resourceId'), col('fen'), col('priceId'), col('at'), col('month')], { name: 'ledger.post' });
      posted = written.rowCount / 2;
    }
    await tx.query('update ledger_cursor set last_index = $1, updated_at = now()', [page.last]);
    return { posted, unpriced, lastIndex: page.last, read: page.last - cursor };
  });
}

/** Per platform: one pass at a time in this process (the cursor's row lock covers other processes). */
const running = new WeakMap<Platform, Promise<unknown>>();

/** Posts everything the log has sequenced since the cursor, page by page. */
export function postFromLog(platform: Platform, batch = POST_BATCH): Promise<PostResult> {
  const previous = running.get(platform) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const total: PostResult = { posted: 0, unpriced: 0, lastIndex: -1 };
      for (;;) {
        const page = await postPage(platform, batch);
        total.posted += page.posted;
        total.unpriced += page.unpriced;
        total.lastIndex = page.lastIndex;
        if (page.read < batch) return total;
      }
    });
  running.set(platform, next);
  return next;
}

/** How often the server's follower looks for newly sequenced entries (the sequencer runs every ~200 ms). */
export const FOLLOW_INTERVAL_MS = 2000;
