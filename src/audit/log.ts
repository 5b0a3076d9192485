/**
 * Reading the stored log: nodes, roots, proofs, entries and tree heads. Every proof is one query
 * for the few tiles (at most two per tile level) that hold the O(log n) nodes it needs, whatever
 * the size of the log, with no hashing: full tiles are read with their stored inner levels; only
 * the partial tiles of the right edge are hashed up. Both are kept in memory (see evaluateAll).
 */
import { invalid, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { consistencyExprs, EMPTY_ROOT, evaluate, inclusionExprs, nodeHash, nodeKey, rootExpr, type HashExpr, type NodeId } from './merkle.ts';
import { parseEntry, type AuditEntry } from './entries.ts';
import { asBuffer, currentTreeSize, fetchTilesWithInner, readEntriesAt, type LogCache } from './storage.ts';
import { HASH_SIZE, INNER_HASHES, innerOffset, partialWidth, TILE_HEIGHT, TILE_WIDTH, tileOf, type TileId } from './tiles.ts';
import type { TreeHead } from './treeHead.ts';

/**
 * A tile with the levels of the subtree it spans: `levels[0]` its hashes, `levels[k]` the roots of
 * its complete runs of 2^k of them (32 bytes each, one buffer per height up to 7). Any perfect node
 * of heights 8·L … 8·L + 7 is one of them. A full tile's inner levels are stored with it (tiles.ts
 * innerLevels) and never change, so the server keeps them; a partial tile's (or a full tile's stored
 * before they were) are hashed up here.
 */
type TileLevels = Buffer[];

function levelsOf(data: Buffer, inner: Buffer | null): TileLevels {
  const levels: TileLevels = [data];
  if (inner && data.length === TILE_WIDTH * HASH_SIZE && inner.length === INNER_HASHES * HASH_SIZE) {
    for (let h = 1; h < TILE_HEIGHT; h++) levels.push(inner.subarray(innerOffset(h) * HASH_SIZE, innerOffset(h + 1) * HASH_SIZE));
    return levels;
  }
  for (let h = 1; h < TILE_HEIGHT; h++) {
    const below = levels[h - 1];
    const up = Buffer.allocUnsafe(Math.floor(below.length / (2 * HASH_SIZE)) * HASH_SIZE);
    for (let i = 0; i < up.length; i += HASH_SIZE) nodeHash(below.subarray(2 * i, 2 * i + HASH_SIZE), below.subarray(2 * i + HASH_SIZE, 2 * i + 2 * HASH_SIZE)).copy(up, i);
    levels.push(up);
  }
  return levels;
}

/** The perfect nodes an expression names. */
function nodesOf(exprs: readonly (HashExpr | undefined)[], into: NodeId[] = []): NodeId[] {
  for (const e of exprs) {
    if (!e) continue;
    if ('node' in e) into.push(e.node);
    else nodesOf([e.left, e.right], into);
  }
  return into;
}

/** The tile holding perfect node (level, index), and where in its levels. */
function placeOf({ level, index }: NodeId): { tile: string; level: number; index: number; height: number; at: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const height = level % TILE_HEIGHT;
  const first = index * 2 ** height;
  const tileIndex = tileOf(first);
  return { tile: `${tileLevel}/${tileIndex}`, level: tileLevel, index: tileIndex, height, at: (first % TILE_WIDTH) / 2 ** height };
}

/**
 * Evaluates several expression lists over the tree of `size` leaves (every node they name lies in
 * it) with one fetch of the tiles their nodes lie in that are not in memory. A tile is kept in
 * memory as full, or as a partial tile of the width the tree of `size` has: its first hashes never
 * change, so every proof against the same tree size (the newest tree head's, mostly) finds the
 * right edge in memory too.
 */
export async function evaluateAll(db: Queryable, size: number, lists: readonly (readonly (HashExpr | undefined)[])[], cache?: LogCache): Promise<(Buffer | undefined)[][]> {
  const places = new Map<string, ReturnType<typeof placeOf>>();
  for (const node of lists.flatMap((list) => nodesOf(list))) places.set(nodeKey(node.level, node.index), placeOf(node));
  const levels = new Map<string, TileLevels>();
  const missing = new Map<string, TileId & { width: number }>();
  const cacheKey = (key: string, width: number) => (width === TILE_WIDTH ? key : `${key}.p/${width}`);
  for (const place of places.values()) {
    if (levels.has(place.tile) || missing.has(place.tile)) continue;
    const width = Math.floor(size / TILE_WIDTH ** (place.level + 1)) === place.index ? partialWidth(size, place.level) || TILE_WIDTH : TILE_WIDTH;
    // A tile now full holds the first hashes of the partial one too (tiles only grow).
    const known = cache?.levels.get(cacheKey(place.tile, width)) ?? (width < TILE_WIDTH ? cache?.levels.get(place.tile) : undefined);
    if (known) levels.set(place.tile, known);
    else missing.set(place.tile, { level: place.level, index: place.index, width });
  }
  const fetched = await fetchTilesWithInner(db, [...missing.values()]);
  for (const [key, { hashes, inner }] of fetched) {
    const tileLevels = levelsOf(hashes, inner);
    levels.set(key, tileLevels);
    const full = hashes.length === TILE_WIDTH * HASH_SIZE;
    const width = missing.get(key)!.width;
    if (full || hashes.length >= width * HASH_SIZE) cache?.levels.set(cacheKey(key, full ? TILE_WIDTH : width), tileLevels);
  }
  const nodes = new Map<string, Buffer>();
  for (const [key, place] of places) {
    const level = levels.get(place.tile)?.[place.height];
    if (level && level.length >= (place.at + 1) * HASH_SIZE) nodes.set(key, level.subarray(place.at * HASH_SIZE, (place.at + 1) * HASH_SIZE));
  }
  return lists.map((list) => list.map((e) => (e ? evaluate(e, nodes) : undefined)));
}

export async function rootAt(db: Queryable, size: number, cache?: LogCache): Promise<Buffer> {
  const [[root]] = await evaluateAll(db, size, [[rootExpr(size)]], cache);
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
    treeSize,
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
  const [path] = await evaluateAll(db, second, [consistencyExprs(first, second)], cache);
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
