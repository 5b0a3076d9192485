/**
 * The log as tiles and entry bundles (C2SP tlog-tiles), pure computation: how a batch of entries
 * becomes full and partial tiles of hashes and entry bundles, the paths they are served at, the
 * bundle format, and the right edge of the tree rebuilt from the partial tiles.
 *
 * - A tile at level L, index N holds up to 256 consecutive hashes of height 8·L: at level 0 the
 *   leaf hashes, at level L ≥ 1 the roots of the full tiles of level L − 1. A partial tile (the
 *   right edge) holds floor(size / 256^L) mod 256 of them and is rewritten until full.
 * - An entry bundle holds the entries of the level-0 tile of the same index, each as a big-endian
 *   uint16 length and its bytes (here: the RFC 8785 text of the entry, UTF-8).
 */
import { Frontier, nodeHash } from './merkle.ts';

export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;
/** Tree heights a tile level spans. */
export const TILE_HEIGHT = 8;
/** The longest entry a bundle can hold (a uint16 length). */
export const MAX_ENTRY_BYTES = 0xffff;

export interface TileId {
  level: number;
  index: number;
}

/** A tile to store: its hashes, concatenated (32 bytes each, 1–256 of them), and a full tile's inner levels. */
export interface TileWrite extends TileId {
  hashes: Buffer;
  inner?: Buffer;
}

/** `<N>` of a tlog-tiles path: zero-padded groups of three digits, all but the last prefixed with `x`. */
export function tileIndexPath(index: number): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (relative to the log's prefix). */
export function tilePath(level: number | 'entries', index: number, width?: number): string {
  return `tile/${level}/${tileIndexPath(index)}${width !== undefined && width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

export interface ParsedTilePath {
  level: number | 'entries';
  index: number;
  /** Present for a partial tile or bundle (1–255). */
  width?: number;
}

const LEVEL = /^(0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;

/**
 * Parses what follows `tile/` in a tlog-tiles URL, exactly as the specification writes it (no
 * leading zeroes in the level or width, three-digit groups, `x` on all but the last); undefined
 * when the path is not one.
 */
export function parseTilePath(path: string): ParsedTilePath | undefined {
  const parts = path.split('/');
  const [first, ...rest] = parts;
  let level: number | 'entries';
  if (first === 'entries') level = 'entries';
  else if (LEVEL.test(first) && Number(first) <= 63) level = Number(first);
  else return undefined;
  if (rest.length === 0) return undefined;
  let width: number | undefined;
  let groups = rest;
  // A partial tile ends in `<last group>.p/<W>`.
  if (groups.length >= 2 && groups[groups.length - 2].endsWith('.p')) {
    const w = groups[groups.length - 1];
    if (!WIDTH.test(w) || Number(w) > 255) return undefined;
    width = Number(w);
    groups = [...groups.slice(0, -2), groups[groups.length - 2].slice(0, -2)];
  }
  let digits = '';
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const last = i === groups.length - 1;
    if (last ? !/^[0-9]{3}$/.test(g) : !/^x[0-9]{3}$/.test(g)) return undefined;
    digits += last ? g : g.slice(1);
  }
  // Leading zero groups are not part of the canonical form (index 1234067 is x001/x234/067, not x000/x001/…).
  if (groups.length > 1 && digits.startsWith('000')) return undefined;
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) return undefined;
  return { level, index, ...(width !== undefined ? { width } : {}) };
}

/** One entry as a bundle stores it: its length (big-endian uint16), then its bytes. */
export function bundleRecord(bytes: Buffer): Buffer {
  if (bytes.length > MAX_ENTRY_BYTES) throw new RangeError(`an entry of ${bytes.length} bytes does not fit an entry bundle (at most ${MAX_ENTRY_BYTES})`);
  const record = Buffer.allocUnsafe(2 + bytes.length);
  record.writeUInt16BE(bytes.length, 0);
  bytes.copy(record, 2);
  return record;
}

/** The entries of a bundle (or of a run of its records); throws on a malformed one. */
export function decodeBundle(data: Buffer): Buffer[] {
  const entries: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) throw new Error(`entry bundle: a length prefix is cut off at byte ${at}`);
    const length = data.readUInt16BE(at);
    if (at + 2 + length > data.length) throw new Error(`entry bundle: entry ${entries.length} is cut off`);
    entries.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/** The first `count` records of a bundle's data, as bytes (a partial bundle of that width). */
export function bundlePrefix(data: Buffer, count: number): Buffer | undefined {
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 2 > data.length) return undefined;
    at += 2 + data.readUInt16BE(at);
  }
  return at <= data.length ? data.subarray(0, at) : undefined;
}

/** MTH of 2^k consecutive hashes (a perfect subtree). */
export function perfectRoot(hashes: readonly Buffer[]): Buffer {
  let level = [...hashes];
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(nodeHash(level[i], level[i + 1]));
    level = up;
  }
  return level[0];
}

/** Hashes in a full tile's inner levels: heights 1–7 of its subtree, 128 + 64 + … + 2. */
export const INNER_HASHES = TILE_WIDTH - 2;

/** Where height `h` (1–7) starts in a full tile's inner levels, in hashes. */
export const innerOffset = (h: number): number => TILE_WIDTH - 2 ** (TILE_HEIGHT + 1 - h);

/**
 * The inner levels of a full tile: the roots of its runs of 2, 4, … 128 hashes, height 1 first (254
 * hashes). Stored with the tile, so that a proof reads the nodes between tile levels instead of
 * hashing them up from the tile's 256 hashes.
 */
export function innerLevels(hashes: Buffer): Buffer {
  if (hashes.length !== TILE_WIDTH * HASH_SIZE) throw new Error('inner levels are those of a full tile');
  const inner = Buffer.allocUnsafe(INNER_HASHES * HASH_SIZE);
  let below = hashes;
  let at = 0;
  for (let h = 1; h < TILE_HEIGHT; h++) {
    const start = at;
    for (let i = 0; i + 2 * HASH_SIZE <= below.length; i += 2 * HASH_SIZE) {
      nodeHash(below.subarray(i, i + HASH_SIZE), below.subarray(i + HASH_SIZE, i + 2 * HASH_SIZE)).copy(inner, at);
      at += HASH_SIZE;
    }
    below = inner.subarray(start, at);
  }
  return inner;
}

/** The hashes of a tile's bytes. */
export const tileHashes = (data: Buffer): Buffer[] => Array.from({ length: Math.floor(data.length / HASH_SIZE) }, (_, i) => data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));

/** Width of the partial tile at `level` for a tree of `size` (0: there is none). */
export const partialWidth = (size: number, level: number): number => Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;

/** Index of the tile at `level` that holds hash `i` of that level. */
export const tileOf = (i: number): number => Math.floor(i / TILE_WIDTH);

/** The partial tiles of a tree of `size`, lowest level first (those of width 0 left out). */
export function partialTileIds(size: number): TileId[] {
  const ids: TileId[] = [];
  for (let level = 0; TILE_WIDTH ** level <= size; level++) {
    if (partialWidth(size, level) > 0) ids.push({ level, index: Math.floor(size / TILE_WIDTH ** (level + 1)) });
  }
  return ids;
}

/**
 * The right edge of the tree, from the partial tiles (every hash of each, per level): the roots of
 * the perfect subtrees that make up the tree, largest first — what Frontier.of takes.
 */
export function frontierFromEdges(size: number, edges: readonly (readonly Buffer[])[]): Frontier {
  const roots: Buffer[] = [];
  for (let level = edges.length - 1; level >= 0; level--) {
    const width = partialWidth(size, level);
    const hashes = edges[level] ?? [];
    if (hashes.length !== width) throw new Error(`the partial tile at level ${level} holds ${hashes.length} hashes; a tree of ${size} needs ${width}`);
    let at = 0;
    for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
      const span = 2 ** bit;
      if (width & span) {
        roots.push(perfectRoot(hashes.slice(at, at + span)));
        at += span;
      }
    }
  }
  return Frontier.of(size, roots);
}

/** The log's tree between batches: its size, right edge, the partial tiles and the partial bundle. */
export interface TreeEdge {
  size: number;
  frontier: Frontier;
  /** Per level, the hashes of its partial tile (empty when the level has none). */
  edges: Buffer[][];
  /** The records of the partial entry bundle (size mod 256 of them). */
  tail: Buffer[];
}

export interface Integrated {
  next: TreeEdge;
  root: Buffer;
  /** Tiles to store: every tile a batch completed and every partial tile it changed. */
  tiles: TileWrite[];
  /** Bundles the batch completed: their index and all their records. */
  bundles: { index: number; records: Buffer[] }[];
  /** The batch's records in the partial bundle it leaves (none when it ends on a bundle boundary). */
  part?: { first: number; records: Buffer[] };
}

/** Integrates a batch of entries (leaf hash and bundle record of each) into the tree's edge. */
export function integrate(edge: TreeEdge, leaves: readonly Buffer[], records: readonly Buffer[]): Integrated {
  if (leaves.length !== records.length) throw new Error('integrate: one record per leaf');
  const frontier = edge.frontier.clone();
  const edges = edge.edges.map((hashes) => [...hashes]);
  let tail = [...edge.tail];
  const full: TileWrite[] = [];
  const changed = new Set<number>();
  const bundles: Integrated['bundles'] = [];
  let partFirst = edge.size;
  let part: Buffer[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const index = frontier.size;
    frontier.append(leaves[i], (height, node, hash) => {
      if (height % TILE_HEIGHT !== 0) return;
      const level = height / TILE_HEIGHT;
      while (edges.length <= level) edges.push([]);
      edges[level].push(hash);
      changed.add(level);
      if (edges[level].length === TILE_WIDTH) {
        const hashes = Buffer.concat(edges[level]);
        full.push({ level, index: tileOf(node), hashes, inner: innerLevels(hashes) });
        edges[level] = [];
      }
    });
    tail.push(records[i]);
    part.push(records[i]);
    if (tail.length === TILE_WIDTH) {
      bundles.push({ index: tileOf(index), records: tail });
      tail = [];
      part = [];
      partFirst = index + 1;
    }
  }
  const size = frontier.size;
  const partial: TileWrite[] = [];
  for (const level of changed) {
    if (edges[level].length > 0) partial.push({ level, index: Math.floor(size / TILE_WIDTH ** (level + 1)), hashes: Buffer.concat(edges[level]) });
  }
  return {
    next: { size, frontier, edges, tail },
    root: frontier.root(),
    tiles: [...full, ...partial],
    bundles,
    ...(part.length > 0 ? { part: { first: partFirst, records: part } } : {}),
  };
}
