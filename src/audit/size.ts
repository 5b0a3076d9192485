import type { Queryable } from '../platform/store/store.ts';
import { indexedSize } from './indexer.ts';
import { currentTreeSize } from './storage.ts';

/** How many entries the log holds, and how many of them its indexer (postings, days, tree heads) has read: the gap is the sequencing lag. */
export async function logSize(db: Queryable): Promise<{ entries: number; indexed: number }> {
  return { entries: await currentTreeSize(db), indexed: await indexedSize(db) };
}
