/**
 * Reading the stored log: its state, tiles and entries. Every read is a point lookup (a tile, a
 * bundle, the parts of the partial bundle); full tiles and bundles never change, so the ones read
 * lately are kept in memory.
 */
import { gunzipSync } from 'node:zlib';
import { perPlatform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { decodeBundle, frontierFromEdges, HASH_SIZE, partialTileIds, partialWidth, tileHashes, TILE_WIDTH, type TileId, type TreeEdge } from './tiles.ts';

/** bytea arrives as a Buffer from `pg` and as a Uint8Array from PGlite. */
export const asBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/** A small least-recently-used map (insertion order of a Map). */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * Full tiles (8 KiB) and decoded full bundles (~180 KB) read lately, one per platform (a database):
 * immutable once full; ~50 MB at most. Readers that must see storage as it is (`audit verify`) pass none.
 */
export class LogCache {
  readonly tiles = new Lru<Buffer>(2048);
  /** Full tiles with the levels of their subtrees hashed up (see log.ts): 16 KiB each. */
  readonly levels = new Lru<Buffer[]>(2048);
  readonly bundles = new Lru<Buffer[]>(48);
}

export const logCache = perPlatform(() => new LogCache());

export interface StateRow {
  tree_size: number;
  root_hash: Uint8Array;
  origin: string | null;
  checkpoint: string | null;
}

export const STATE_COLUMNS = 'tree_size, root_hash, origin, checkpoint';

export async function readState(db: Queryable, forUpdate = false): Promise<StateRow> {
  const row = (await db.query<StateRow>(`select ${STATE_COLUMNS} from audit_state${forUpdate ? ' for update' : ''}`)).rows[0];
  return { ...row, tree_size: Number(row.tree_size) };
}

export async function currentTreeSize(db: Queryable): Promise<number> {
  return Number((await db.query<{ tree_size: number }>('select tree_size from audit_state')).rows[0].tree_size);
}

/** Tiles by (level, index), in one query; full ones from memory when read lately. Missing tiles are absent from the map. */
export async function fetchTiles(db: Queryable, ids: Iterable<TileId>, cache?: LogCache): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const wanted = new Set<string>();
  const levels: number[] = [];
  const indexes: number[] = [];
  for (const { level, index } of ids) {
    const key = `${level}/${index}`;
    if (found.has(key) || wanted.has(key)) continue;
    const cached = cache?.tiles.get(key);
    if (cached) found.set(key, cached);
    else {
      wanted.add(key);
      levels.push(level);
      indexes.push(index);
    }
  }
  if (levels.length === 0) return found;
  const rows = await db.query<{ level: number; idx: number; hashes: Uint8Array }>(
    `select t.level, t.idx, t.hashes from unnest($1::smallint[], $2::bigint[]) as w(level, idx)
       join audit_tiles t on t.level = w.level and t.idx = w.idx`,
    [levels, indexes],
    { name: 'audit.tiles' },
  );
  for (const r of rows.rows) {
    const key = `${r.level}/${Number(r.idx)}`;
    const hashes = asBuffer(r.hashes);
    found.set(key, hashes);
    if (hashes.length === TILE_WIDTH * HASH_SIZE) cache?.tiles.set(key, hashes);
  }
  return found;
}

/** A tile as stored: its hashes, and a full tile's inner levels (null when it has none stored). */
export interface StoredTile {
  hashes: Buffer;
  inner: Buffer | null;
}

/** Tiles by (level, index) with their inner levels, in one query (what proofs read). */
export async function fetchTilesWithInner(db: Queryable, ids: readonly TileId[]): Promise<Map<string, StoredTile>> {
  const found = new Map<string, StoredTile>();
  if (ids.length === 0) return found;
  const rows = await db.query<{ level: number; idx: number; hashes: Uint8Array; inner_hashes: Uint8Array | null }>(
    `select t.level, t.idx, t.hashes, t.inner_hashes from unnest($1::smallint[], $2::bigint[]) as w(level, idx)
       join audit_tiles t on t.level = w.level and t.idx = w.idx`,
    [ids.map((t) => t.level), ids.map((t) => t.index)],
    { name: 'audit.tiles-inner' },
  );
  for (const r of rows.rows) found.set(`${r.level}/${Number(r.idx)}`, { hashes: asBuffer(r.hashes), inner: r.inner_hashes ? asBuffer(r.inner_hashes) : null });
  return found;
}

/** The tree's edge (partial tiles, right edge, partial bundle) for the state read. */
export async function loadEdge(db: Queryable, state: StateRow): Promise<TreeEdge> {
  const size = state.tree_size;
  const ids = partialTileIds(size);
  const tiles = await fetchTiles(db, ids);
  const edges: Buffer[][] = [];
  for (const { level, index } of ids) {
    const tile = tiles.get(`${level}/${index}`);
    const width = partialWidth(size, level);
    if (!tile || tile.length < width * HASH_SIZE) throw new Error(`the audit log's partial tile at level ${level} is missing or short for its size ${size}`);
    while (edges.length <= level) edges.push([]);
    edges[level] = tileHashes(tile).slice(0, width);
  }
  const bundleStart = Math.floor(size / TILE_WIDTH) * TILE_WIDTH;
  const parts = await db.query<{ first: number; data: Uint8Array }>('select first, data from audit_bundle_parts where first >= $1 and first < $2 order by first', [bundleStart, size]);
  const tail: Buffer[] = [];
  for (const part of parts.rows) {
    for (const entry of decodeBundle(asBuffer(part.data))) {
      const record = Buffer.allocUnsafe(entry.length + 2);
      record.writeUInt16BE(entry.length, 0);
      entry.copy(record, 2);
      tail.push(record);
    }
  }
  if (tail.length !== size - bundleStart) throw new Error(`the audit log's partial bundle holds ${tail.length} entries; its size ${size} needs ${size - bundleStart}`);
  const frontier = frontierFromEdges(size, edges);
  const root = asBuffer(state.root_hash);
  if (!frontier.root().equals(root)) throw new Error(`the audit log's tiles do not hash to its stored root at size ${size}`);
  return { size, frontier, edges, tail };
}

/** The entries of a full bundle, decoded (from memory when read lately). */
function bundleEntries(index: number, data: Buffer, gzipped: boolean, cache?: LogCache): Buffer[] {
  const key = String(index);
  const cached = cache?.bundles.get(key);
  if (cached) return cached;
  const entries = decodeBundle(gzipped ? gunzipSync(data) : data);
  if (entries.length === TILE_WIDTH) cache?.bundles.set(key, entries);
  return entries;
}

/**
 * The entries at `positions` (below `size`, the tree size read by the caller), as their stored
 * bytes: one query for the bundles they lie in (and one for the partial bundle's parts). Positions
 * the log does not hold are absent.
 */
export async function readEntriesAt(db: Queryable, positions: readonly number[], size: number, cache?: LogCache): Promise<Map<number, Buffer>> {
  const found = new Map<number, Buffer>();
  const wanted = [...new Set(positions.filter((p) => Number.isSafeInteger(p) && p >= 0 && p < size))];
  if (wanted.length === 0) return found;
  const tailStart = Math.floor(size / TILE_WIDTH) * TILE_WIDTH;
  const bundles = new Set<number>();
  let inTail = false;
  for (const p of wanted) {
    const b = Math.floor(p / TILE_WIDTH);
    const cached = cache?.bundles.get(String(b));
    if (cached) found.set(p, cached[p % TILE_WIDTH]);
    else if (p < tailStart) bundles.add(b);
    else inTail = true;
  }
  if (inTail) {
    const tail = await readTail(db, tailStart, size);
    for (const p of wanted) if (p >= tailStart && tail[p - tailStart]) found.set(p, tail[p - tailStart]);
    // The partial bundle was completed since `size` was read: its parts are gone, the bundle is there.
    if (tail.length < size - tailStart) bundles.add(tailStart / TILE_WIDTH);
  }
  if (bundles.size > 0) {
    const rows = await db.query<{ idx: number; data: Uint8Array; gzipped: boolean }>('select idx, data, gzipped from audit_bundles where idx = any($1::bigint[])', [[...bundles]], {
      name: 'audit.bundles',
    });
    const byIndex = new Map(rows.rows.map((r) => [Number(r.idx), bundleEntries(Number(r.idx), asBuffer(r.data), r.gzipped, cache)]));
    for (const p of wanted) {
      if (found.has(p)) continue;
      const entry = byIndex.get(Math.floor(p / TILE_WIDTH))?.[p % TILE_WIDTH];
      if (entry) found.set(p, entry);
    }
  }
  return found;
}

/** The entries of the partial bundle from `start` (a bundle boundary) up to `size`. */
async function readTail(db: Queryable, start: number, size: number): Promise<Buffer[]> {
  const parts = await db.query<{ first: number; data: Uint8Array }>('select first, data from audit_bundle_parts where first >= $1 and first < $2 order by first', [start, size]);
  const entries: Buffer[] = [];
  for (const part of parts.rows) {
    if (Number(part.first) !== start + entries.length) break;
    entries.push(...decodeBundle(asBuffer(part.data)));
  }
  return entries.slice(0, size - start);
}

/** Entries [from, to) in order (to ≤ the tree size read by the caller): what followers stream. */
export async function readEntryRange(db: Queryable, from: number, to: number, cache?: LogCache): Promise<Buffer[]> {
  if (to <= from) return [];
  const firstBundle = Math.floor(from / TILE_WIDTH);
  const lastBundle = Math.floor((to - 1) / TILE_WIDTH);
  const tailStart = Math.floor(to / TILE_WIDTH) * TILE_WIDTH;
  // The partial bundle first: should a batch complete it meanwhile, the full bundle is then there.
  const tail = to > tailStart ? await readTail(db, tailStart, to) : [];
  const rows = await db.query<{ idx: number; data: Uint8Array; gzipped: boolean }>(
    'select idx, data, gzipped from audit_bundles where idx >= $1 and idx <= $2 order by idx',
    [firstBundle, lastBundle],
    { name: 'audit.bundle-range' },
  );
  const byIndex = new Map(rows.rows.map((r) => [Number(r.idx), r]));
  const entries: Buffer[] = [];
  for (let b = firstBundle; b <= lastBundle; b++) {
    const row = byIndex.get(b);
    const bundle = row ? bundleEntries(b, asBuffer(row.data), row.gzipped, cache) : b * TILE_WIDTH === tailStart ? tail : [];
    const lo = Math.max(from, b * TILE_WIDTH) - b * TILE_WIDTH;
    const hi = Math.min(to, (b + 1) * TILE_WIDTH) - b * TILE_WIDTH;
    if (bundle.length < hi) throw new Error(`the audit log's entry bundle ${b} holds ${bundle.length} entries; ${hi} were expected`);
    entries.push(...bundle.slice(lo, hi));
  }
  return entries;
}
