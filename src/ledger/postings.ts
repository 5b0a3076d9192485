/**
 * Postings: the ledger follows the sequenced audit log (as Tessera's followers do), at its own
 * pace, and never listens inside the exchange's transaction — the exchange's group commit writes
 * one record per access and nothing else. Each `exchange.accessed` entry answered with data (one
 * per holder read, so a batch counts one record per holder) is a journal: the consumer department
 * is debited and the resource's owner credited the price of one record on the China day of the
 * lookup. The kernel runs the follower (src/platform/followers.ts): its place in the log moves in the
 * same transaction as its postings, and a journal is unique on its source entry besides: a pass run
 * twice, or by two processes at once, never posts a lookup twice.
 *
 * Not posted: deliveries of subscribed events (counted apart, as the usage figures do), lookups of
 * a department's own resource, and lookups on a day no price covers (the cursor passes them: a
 * price set later does not reach back; a correction journal does).
 */
import type { FollowedEntry } from '../audit/index.ts';
import { findResourceForLicenseType } from '../catalog/index.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import { catchUp, type Follower, type LogPage } from '../platform/followers.ts';
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

/** One page of the log, in the kernel's transaction that then moves the follower's place. */
async function postPage(tx: Queryable, page: LogPage<FollowedEntry>): Promise<{ posted: number; unpriced: number }> {
  const { postings, unpriced } = await postingsOf(tx, page.entries);
  if (postings.length === 0) return { posted: 0, unpriced };
  const col = <K extends keyof Posting>(k: K) => postings.map((p) => p[k]);
  const written = await tx.query(INSERT, [col('source'), col('consumer'), col('provider'), col('resourceId'), col('fen'), col('priceId'), col('at'), col('month')], { name: 'ledger.post' });
  return { posted: written.rowCount / 2, unpriced };
}

/** The follower of the lookups, as the kernel runs it (a leased job) and a pass by hand does. */
export const lookupsFollower: Follower<FollowedEntry, { posted: number; unpriced: number }> = {
  name: 'ledger.post-lookups',
  types: ['exchange.accessed'],
  batch: POST_BATCH,
  apply: postPage,
};

/** Posts everything the log has sequenced since the follower's place, page by page. */
export async function postFromLog(platform: Platform, batch = POST_BATCH): Promise<PostResult> {
  const { lastIndex, results } = await catchUp(platform, lookupsFollower, batch);
  return { posted: results.reduce((n, r) => n + r.posted, 0), unpriced: results.reduce((n, r) => n + r.unpriced, 0), lastIndex };
}
