/**
 * Reading the stored log: nodes, roots, proofs, entries and tree heads. Every proof is one
 * indexed query for the O(log n) stored nodes it needs, whatever the size of the log.
 */
import { invalid, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import {
  consistencyExprs,
  EMPTY_ROOT,
  evaluate,
  Frontier,
  frontierIds,
  inclusionExprs,
  rootExpr,
  storedNodesOf,
  type HashExpr,
  type NodeId,
} from './merkle.ts';
import { parseEntry, type AuditEntry } from './entries.ts';
import type { TreeHead } from './treeHead.ts';

/** bytea arrives as a Buffer from `pg` and as a Uint8Array from PGlite. */
export const asBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/** Fetches stored nodes by (level, index) in one query: leaves from audit_leaves, the even levels above from audit_nodes. */
export async function fetchNodes(db: Queryable, ids: Iterable<NodeId>): Promise<Map<string, Buffer>> {
  const leaves: number[] = [];
  const levels: number[] = [];
  const indexes: number[] = [];
  for (const id of ids) {
    if (id.level === 0) leaves.push(id.index);
    else {
      levels.push(id.level);
      indexes.push(id.index);
    }
  }
  const found = new Map<string, Buffer>();
  if (leaves.length === 0 && levels.length === 0) return found;
  const rows = await db.query<{ level: number; idx: number; hash: Uint8Array }>(
    `select 0 as level, leaf_index as idx, hash from audit_leaves where leaf_index = any($1::bigint[])
     union all
     select n.level, n.idx, n.hash
       from unnest($2::smallint[], $3::bigint[]) as t(level, idx)
       join audit_nodes n on n.level = t.level and n.idx = t.idx`,
    [leaves, levels, indexes],
    { name: 'audit.fetch-nodes' },
  );
  for (const r of rows.rows) found.set(`${r.level}:${Number(r.idx)}`, asBuffer(r.hash));
  return found;
}

/** Evaluates several expression lists with one fetch. */
export async function evaluateAll(db: Queryable, lists: readonly (readonly (HashExpr | undefined)[])[]): Promise<(Buffer | undefined)[][]> {
  const wanted = new Map<string, NodeId>();
  for (const list of lists) storedNodesOf(list, wanted);
  const stored = await fetchNodes(db, wanted.values());
  return lists.map((list) => list.map((e) => (e ? evaluate(e, stored) : undefined)));
}

export async function currentTreeSize(db: Queryable): Promise<number> {
  return Number((await db.query<{ tree_size: number }>('select tree_size from audit_state')).rows[0].tree_size);
}

export async function rootAt(db: Queryable, size: number): Promise<Buffer> {
  const [[root]] = await evaluateAll(db, [[rootExpr(size)]]);
  return root ?? EMPTY_ROOT;
}

/** The right edge of the stored tree of `size` leaves, ready to append to. */
export async function loadFrontier(db: Queryable, size: number): Promise<Frontier> {
  const ids = frontierIds(size);
  const [hashes] = await evaluateAll(db, [ids.map((node) => ({ node }))]);
  return Frontier.of(size, hashes as Buffer[]);
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
export async function inclusionProofs(db: Queryable, indexes: readonly number[], treeSize: number, knownToExist = false): Promise<InclusionProof[]> {
  if (!knownToExist) checkTreeSize(treeSize, await currentTreeSize(db), 'treeSize');
  for (const index of indexes) {
    if (index >= treeSize) throw invalid('invalid-index', `index ${index} is not below treeSize ${treeSize}`, 'index');
  }
  const paths = await evaluateAll(db, indexes.map((i) => inclusionExprs(i, treeSize)));
  return indexes.map((index, i) => ({ index, treeSize, path: paths[i].map((h) => h!.toString('hex')) }));
}

export async function inclusionProof(db: Queryable, index: number, treeSize: number, knownToExist = false): Promise<InclusionProof> {
  return (await inclusionProofs(db, [index], treeSize, knownToExist))[0];
}

export async function consistencyProof(db: Queryable, first: number, second: number): Promise<{ first: number; second: number; path: string[] }> {
  if (first > second) throw invalid('invalid-tree-size', `first (${first}) must not be greater than second (${second})`, 'first');
  checkTreeSize(second, await currentTreeSize(db), 'second');
  const [path] = await evaluateAll(db, [consistencyExprs(first, second)]);
  return { first, second, path: path.map((h) => h!.toString('hex')) };
}

export interface StoredEntry {
  index: number;
  entry: AuditEntry;
  /** The stored canonical text (what was hashed). */
  text: string;
}

export async function getEntry(db: Queryable, index: number): Promise<StoredEntry> {
  const row = (
    await db.query<{ entry: string }>('select e.entry from audit_leaves l join audit_entries e on e.id = l.entry_id where l.leaf_index = $1', [index])
  ).rows[0];
  const entry = row && parseEntry(row.entry);
  if (!row || !entry) throw notFound('audit-entry-not-found', `the log has no entry ${index}`);
  return { index, entry, text: row.entry };
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
