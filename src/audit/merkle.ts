/**
 * The Merkle tree of RFC 9162 §2.1 (the Certificate Transparency tree), pure computation.
 *
 * - leaf hash      = SHA-256(0x00 || entry bytes)
 * - interior hash  = SHA-256(0x01 || left || right)
 * - the tree over n leaves splits at k, the largest power of two below n.
 *
 * Storage model: a *perfect node* (level L, index i) is the root of the perfect subtree over
 * leaves [i·2^L, (i+1)·2^L); once complete it never changes. Every hash a proof or a tree head
 * needs is either a perfect node or the hash of a few of them (a right-edge node of a tree whose
 * size is not a power of two). Proof generation therefore runs in two steps: build the proof as
 * *expressions* over perfect nodes (no I/O), fetch exactly the stored nodes they name in one
 * query, then evaluate. The stored levels are those of the tiles (C2SP tlog-tiles, see tiles.ts):
 * every eighth level (leaves are level 0); a node between them is hashed up from its 2^k
 * descendants on the stored level below, all in one tile.
 *
 * Tree sizes and indexes are JS numbers (exact below 2^53); no 32-bit bit operations are used.
 */
import { hash } from 'node:crypto';

// One-shot hashing of a prefixed buffer: about twice as fast as createHash().update()… for
// inputs this small, and the sequencer and `audit verify` hash once or twice per entry.

/** SHA-256(0x00 || data): the RFC 9162 leaf hash (a string is hashed as its UTF-8 bytes). */
export function leafHash(data: Buffer | string): Buffer {
  const length = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  const input = Buffer.allocUnsafe(length + 1);
  input[0] = 0;
  if (typeof data === 'string') input.write(data, 1, 'utf8');
  else data.copy(input, 1);
  return hash('sha256', input, 'buffer');
}

/** SHA-256(0x01 || left || right): the RFC 9162 interior node hash. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 1;
  left.copy(input, 1);
  right.copy(input, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

export interface NodeId {
  level: number;
  index: number;
}

/** A hash in a proof: a perfect node, or the hash of two such expressions. */
export type HashExpr = { node: NodeId } | { left: HashExpr; right: HashExpr };

/** Levels kept in storage: those of the tiles, the leaves (0) and every eighth level above them. */
export const isStoredLevel = (level: number): boolean => level % 8 === 0;

/** The stored level at or below `level`. */
const storedBelow = (level: number): number => level - (level % 8);

export const nodeKey = (level: number, index: number): string => `${level}:${index}`;

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2 of n when n is a power of two, else -1. */
function exactLog2(n: number): number {
  let level = 0;
  let p = 1;
  while (p < n) {
    p *= 2;
    level++;
  }
  return p === n ? level : -1;
}

/** MTH(D[start : start+size]) as an expression; `start` is aligned as RFC 9162's recursion makes it. */
export function subtreeExpr(start: number, size: number): HashExpr {
  const level = exactLog2(size);
  if (level >= 0) return { node: { level, index: start / size } };
  const k = splitPoint(size);
  return { left: subtreeExpr(start, k), right: subtreeExpr(start + k, size - k) };
}

/** The root of the tree of `size` leaves (undefined for the empty tree, whose root is EMPTY_ROOT). */
export function rootExpr(size: number): HashExpr | undefined {
  checkSize(size, 'tree size');
  return size === 0 ? undefined : subtreeExpr(0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of `size`. */
export function inclusionExprs(index: number, size: number): HashExpr[] {
  checkSize(index, 'index');
  checkSize(size, 'tree size');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
  const path: HashExpr[] = [];
  // Walk down from the root; the proof lists siblings from the leaf upwards, so prepend.
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      path.unshift(subtreeExpr(start + k, n - k));
      n = k;
    } else {
      path.unshift(subtreeExpr(start, k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return path;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof between tree sizes `first` ≤ `second`. */
export function consistencyExprs(first: number, second: number): HashExpr[] {
  checkSize(first, 'first');
  checkSize(second, 'second');
  if (first > second) throw new RangeError(`first (${first}) is greater than second (${second})`);
  if (first === 0 || first === second) return [];
  const proof: HashExpr[] = [];
  // SUBPROOF(m, D[start : start+n], b), unrolled; entries are appended in reverse, as in PATH.
  let start = 0;
  let n = second;
  let m = first;
  let complete = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      proof.unshift(subtreeExpr(start + k, n - k));
      n = k;
    } else {
      proof.unshift(subtreeExpr(start, k));
      start += k;
      m -= k;
      n -= k;
      complete = false;
    }
  }
  if (!complete) proof.unshift(subtreeExpr(start, n));
  return proof;
}

/** The stored nodes an expression needs: a stored-level node itself, any other node its descendants on the stored level below. */
export function storedNodesOf(exprs: readonly (HashExpr | undefined)[], into = new Map<string, NodeId>()): Map<string, NodeId> {
  const visit = (e: HashExpr | undefined): void => {
    if (!e) return;
    if ('node' in e) {
      const { level, index } = e.node;
      const base = storedBelow(level);
      const span = 2 ** (level - base);
      for (let i = index * span; i < (index + 1) * span; i++) into.set(nodeKey(base, i), { level: base, index: i });
      return;
    }
    visit(e.left);
    visit(e.right);
  };
  for (const e of exprs) visit(e);
  return into;
}

export class MissingNodeError extends Error {
  constructor(readonly level: number, readonly index: number) {
    super(`tree node (level ${level}, index ${index}) is missing from storage`);
    this.name = 'MissingNodeError';
  }
}

/**
 * Evaluates an expression against fetched stored nodes (keyed by `nodeKey`). Nodes between stored
 * levels are hashed up and remembered in `stored` (a Map), so expressions sharing them hash once.
 */
export function evaluate(expr: HashExpr, stored: Map<string, Buffer>): Buffer {
  if ('node' in expr) return nodeAt(expr.node.level, expr.node.index, stored);
  return nodeHash(evaluate(expr.left, stored), evaluate(expr.right, stored));
}

function nodeAt(level: number, index: number, stored: Map<string, Buffer>): Buffer {
  const key = nodeKey(level, index);
  const known = stored.get(key);
  if (known) return known;
  if (isStoredLevel(level)) throw new MissingNodeError(level, index);
  const hash = nodeHash(nodeAt(level - 1, 2 * index, stored), nodeAt(level - 1, 2 * index + 1, stored));
  stored.set(key, hash);
  return hash;
}

/** The perfect nodes whose roots make up the tree of `size` leaves, leftmost (largest) first. */
export function frontierIds(size: number): NodeId[] {
  checkSize(size, 'tree size');
  const ids: NodeId[] = [];
  let level = 0;
  while (2 ** (level + 1) <= size) level++;
  let start = 0;
  for (; level >= 0 && start < size; level--) {
    const width = 2 ** level;
    if (size - start >= width) {
      ids.push({ level, index: start / width });
      start += width;
    }
  }
  return ids;
}

/**
 * The right edge of the tree (a compact range over [0, size)): the roots of its perfect
 * subtrees. Appending a leaf completes zero or more perfect nodes, which `append` reports so
 * the caller can store them. O(log n) memory whatever the size.
 */
export class Frontier {
  private constructor(
    private readonly edge: { level: number; hash: Buffer }[],
    private count: number,
  ) {}

  static empty(): Frontier {
    return new Frontier([], 0);
  }

  /** From the hashes of `frontierIds(size)`, in that order. */
  static of(size: number, hashes: readonly Buffer[]): Frontier {
    const ids = frontierIds(size);
    if (ids.length !== hashes.length) throw new Error(`a tree of size ${size} has ${ids.length} frontier nodes, got ${hashes.length}`);
    return new Frontier(
      ids.map((id, i) => ({ level: id.level, hash: hashes[i] })),
      size,
    );
  }

  get size(): number {
    return this.count;
  }

  /** An independent copy (appending to one does not change the other). */
  clone(): Frontier {
    return new Frontier(
      this.edge.map((e) => ({ ...e })),
      this.count,
    );
  }

  /** Adds the next leaf; `completed` sees every perfect node that becomes complete, the leaf first. */
  append(leaf: Buffer, completed?: (level: number, index: number, hash: Buffer) => void): void {
    let hash = leaf;
    let level = 0;
    let index = this.count;
    completed?.(0, index, hash);
    while (this.edge.length > 0 && this.edge[this.edge.length - 1].level === level) {
      hash = nodeHash(this.edge.pop()!.hash, hash);
      level++;
      index = Math.floor(index / 2);
      completed?.(level, index, hash);
    }
    this.edge.push({ level, hash });
    this.count++;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.edge.length === 0) return EMPTY_ROOT;
    let hash = this.edge[this.edge.length - 1].hash;
    for (let i = this.edge.length - 2; i >= 0; i--) hash = nodeHash(this.edge[i].hash, hash);
    return hash;
  }
}

// ---------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2), for the CLI and for anyone holding a proof.
// ---------------------------------------------------------------------------------------------

/** Recomputes the root from an inclusion proof; undefined when the proof has the wrong shape. */
export function rootFromInclusionProof(index: number, size: number, leaf: Buffer, path: readonly Buffer[]): Buffer | undefined {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(index: number, size: number, leaf: Buffer, path: readonly Buffer[], root: Buffer): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, path);
  return computed !== undefined && computed.equals(root);
}

export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = [...proof];
  // If first is an exact power of two, its root is the first node of the proof.
  if (exactLog2(first) >= 0) path = [firstRoot, ...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
