/**
 * Reading the stored log: nodes, roots, proofs, entries and tree heads. Every proof is one query
 * for the few tiles that hold the O(log n) stored nodes it needs, whatever the size of the log.
 */
import { invalid, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { consistencyExprs, EMPTY_ROOT, evaluate, inclusionExprs, nodeKey, rootExpr, storedNodesOf, type HashExpr, type NodeId } from './merkle.ts';
import { parseEntry, type AuditEntry } from './entries.ts';
import { asBuffer, currentTreeSize, fetchTiles, readEntriesAt, type LogCache } from './storage.ts';
import { HASH_SIZE, TILE_HEIGHT, TILE_WIDTH, tileOf } from './tiles.ts';
import type { TreeHead } from './treeHead.ts';

/** Fetches stored nodes by (level, index) from the tiles that hold them, in one query. */
export async function fetchNodes(db: Queryable, ids: Iterable<NodeId>, cache?: LogCache): Promise<Map<string, Buffer>> {
  const list = [...ids];
  const tiles = await fetchTiles(
    db,
    list.map(({ level, index }) => ({ level: level / TILE_HEIGHT, index: tileOf(index) })),
    cache,
  );
  const found = new Map<string, Buffer>();
  for (const { level, index } of list) {
    const tile = tiles.get(`${level / TILE_HEIGHT}/${tileOf(index)}`);
    const at = (index % TILE_WIDTH) * HASH_SIZE;
    if (tile && tile.length >= at + HASH_SIZE) found.set(nodeKey(level, index), tile.subarray(at, at + HASH_SIZE));
  }
  return found;
}

/** Evaluates several expression lists with one fetch. */
export async function evaluateAll(db: Queryable, lists: readonly (readonly (HashExpr | undefined)[])[], cache?: LogCache): Promise<(Buffer | undefined)[][]> {
  const wanted = new Map<string, NodeId>();
  for (const list of lists) storedNodesOf(list, wanted);
  const stored = await fetchNodes(db, wanted.values(), cache);
  return lists.map((list) => list.map((e) => (e ? evaluate(e, stored) : undefined)));
}

export async function rootAt(db: Queryable, size: number, cache?: LogCache): Promise<Buffer> {
  const [[root]] = await evaluateAll(db, [[rootExpr(size)]], cache);
  return root ?? EMPTY_ROOT;
}

function checkTreeSize(size: number, current: number, field: string): void {
  if (size > current) throw invalid('invalid-tree-size', `the log has ${current} entries; ${field} ${size} is beyond it`, field);
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  path: string[];
}

/**
 * Inclusion proofs of several entries in one tree size, with one query. `knownToExist` skips the
 * size check when the caller took `treeSize` from a tree head (heads never exceed the log).
 */
export async function inclusionProofs(db: Queryable, indexes: readonly number[], treeSize: number, knownToExist = false, cache?: LogCache): Promise<InclusionProof[]> {
  if (!knownToExist) checkTreeSize(treeSize, await currentTreeSize(db), 'treeSize');
  for (const index of indexes) {
    if (index >= treeSize) throw invalid('invalid-index', `index ${index} is not below treeSize ${treeSize}`, 'index');
  }
  const paths = await evaluateAll(
    db,
    indexes.map((i) => inclusionExprs(i, treeSize)),
    cache,
  );
  return indexes.map((index, i) => ({ index, treeSize, path: paths[i].map((h) => h!.toString('hex')) }));
}

export async function inclusionProof(db: Queryable, index: number, treeSize: number, knownToExist = false, cache?: LogCache): Promise<InclusionProof> {
  return (await inclusionProofs(db, [index], treeSize, knownToExist, cache))[0];
}

export async function consistencyProof(db: Queryable, first: number, second: number, cache?: LogCache): Promise<{ first: number; second: number; path: string[] }> {
  if (first > second) throw invalid('invalid-tree-size', `first (${first}) must not be greater than second (${second})`, 'first');
  checkTreeSize(second, await currentTreeSize(db), 'second');
  const [path] = await evaluateAll(db, [consistencyExprs(first, second)], cache);
  return { first, second, path: path.map((h) => h!.toString('hex')) };
}

export interface StoredEntry {
  index: number;
  entry: AuditEntry;
  /** The stored canonical text (what was hashed). */
  text: string;
}

export async function getEntry(db: Queryable, index: number, cache?: LogCache): Promise<StoredEntry> {
  const bytes = (await readEntriesAt(db, [index], await currentTreeSize(db), cache)).get(index);
  const text = bytes?.toString('utf8');
  const entry = text === undefined ? undefined : parseEntry(text);
  if (text === undefined || !entry) throw notFound('audit-entry-not-found', `the log has no entry ${index}`);
  return { index, entry, text };
}

interface TreeHeadRow {
  tree_size: number;
  signed_at: number;
  root_hash: Uint8Array;
  kid: string;
  signature: string;
}

export const toTreeHead = (r: TreeHeadRow): TreeHead => ({
  treeSize: Number(r.tree_size),
  rootHash: asBuffer(r.root_hash).toString('hex'),
  timestamp: Number(r.signed_at),
  signature: r.signature,
  keyId: r.kid,
});

export async function latestTreeHead(db: Queryable): Promise<TreeHead | undefined> {
  const row = (
    await db.query<TreeHeadRow>('select tree_size, signed_at, root_hash, kid, signature from audit_tree_heads order by tree_size desc, signed_at desc limit 1')
  ).rows[0];
  return row ? toTreeHead(row) : undefined;
}

/** Tree heads in order of size then time, from (`from`, `after`) exclusive of `after`. */
export async function treeHeadsFrom(db: Queryable, from: number, after: number, limit: number): Promise<TreeHead[]> {
  const rows = await db.query<TreeHeadRow>(
    `select tree_size, signed_at, root_hash, kid, signature from audit_tree_heads
      where (tree_size, signed_at) > ($1, $2) order by tree_size, signed_at limit $3`,
    [from, after, limit],
  );
  return rows.rows.map(toTreeHead);
}

export async function insertTreeHead(db: Queryable, head: TreeHead): Promise<void> {
  await db.query(
    `insert into audit_tree_heads (tree_size, signed_at, root_hash, kid, signature) values ($1, $2, $3, $4, $5)
     on conflict do nothing`,
    [head.treeSize, head.timestamp, Buffer.from(head.rootHash, 'hex'), head.keyId, head.signature],
  );
}
