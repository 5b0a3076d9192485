/**
 * `certbridge audit verify`: recomputes the whole log from storage — streaming, a chunk of
 * entries at a time, with O(log n) memory for the tree — and checks, in log order:
 * - every entry is present (no gap), is canonical RFC 8785 JSON, and hashes to its stored leaf;
 * - the query columns of every entry say what the entry says;
 * - every stored perfect-subtree node equals the node recomputed from the entries;
 * - every signed tree head verifies with a log key and its root equals the recomputed root;
 * - nothing is stored beyond the tree (rows past its size, odd-level nodes);
 * - optionally, a tree head exported earlier (what an outside witness keeps) is a prefix of the
 *   log: its root equals the recomputed root at its size, and the consistency proof the log
 *   gives from its size to the current one verifies (RFC 9162 §2.1.4.2).
 * It names the first entry where anything differs.
 *
 * Everything is read in one repeatable-read, read-only transaction, bounded by the tree size read
 * in it: the sequencer of a live server goes on appending beside it, and without one snapshot the
 * tree size read first and the leaves read later disagreed — a false alarm of tampering ("entry
 * 39782 lies outside the tree of 39782 entries") in 8 of 10 runs beside a server at 50 requests/s.
 */
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { verificationKeyFromJwk, type PublicJwk, type VerificationKey } from '../platform/crypto/keys.ts';
import { canonicalJson, columnsOf, parseEntry, type EntryColumns } from './entries.ts';
import { Frontier, isStoredLevel, leafHash, verifyConsistency } from './merkle.ts';
import { asBuffer, consistencyProof, currentTreeSize, rootAt, toTreeHead } from './log.ts';
import { treeHeadProblem, type TreeHead } from './treeHead.ts';

/** A tree head as a witness keeps it: the API's JSON, with the log key's JWK when exported by the CLI. */
export interface ExportedTreeHead extends TreeHead {
  jwk?: PublicJwk;
}

export interface VerifyProblem {
  /** The first entry affected (for a node, the first entry it covers); null when none is. */
  index: number | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  treeSize: number;
  rootHash: string;
  entriesChecked: number;
  nodesChecked: number;
  treeHeadsChecked: number;
  /** Entries committed but not yet sequenced into the tree. */
  pending: number;
  problem?: VerifyProblem;
  exported?: { treeSize: number; rootHash: string; consistent: boolean };
}

interface EntryRow {
  leaf_index: number;
  entry_id: number;
  hash: Uint8Array;
  /** Null when the entry row is gone. */
  id: number | null;
  entry: string;
  type: string;
  at: Date;
  department: string | null;
  client_id: string | null;
  purpose: string | null;
  outcome: string | null;
  holder_code: string | null;
  agreement_id: string | null;
  license_type: string | null;
}

interface HeadRow {
  tree_size: number;
  signed_at: number;
  root_hash: Uint8Array;
  kid: string;
  signature: string;
}

class Found extends Error {
  constructor(readonly problem: VerifyProblem) {
    super(problem.message);
  }
}

const fail = (index: number | null, message: string): never => {
  throw new Found({ index, message });
};

const range = (level: number, index: number) => {
  const width = 2 ** level;
  return { first: index * width, last: (index + 1) * width - 1 };
};

const COLUMN_NAMES: [keyof EntryColumns, keyof EntryRow][] = [
  ['type', 'type'],
  ['department', 'department'],
  ['clientId', 'client_id'],
  ['purpose', 'purpose'],
  ['outcome', 'outcome'],
  ['holderCode', 'holder_code'],
  ['agreementId', 'agreement_id'],
  ['licenseType', 'license_type'],
];

/** Pages through the signed tree heads in size order, verifying each signature once. */
class HeadCursor {
  private buffer: TreeHead[] = [];
  private from = -1;
  private after = -1;
  private done = false;
  checked = 0;
  private readonly keys = new Map<string, VerificationKey | undefined>();

  constructor(
    private readonly platform: Platform,
    private readonly db: Queryable,
  ) {}

  private async key(kid: string): Promise<VerificationKey | undefined> {
    if (!this.keys.has(kid)) {
      const key = await this.platform.keys.verificationKey(kid, this.db);
      this.keys.set(kid, key?.purpose === 'audit' ? key : undefined);
    }
    return this.keys.get(kid);
  }

  /** The next head (in size order) if its size is ≤ `size`. */
  async nextUpTo(size: number): Promise<TreeHead | undefined> {
    if (this.buffer.length === 0 && !this.done) {
      const rows = await this.db.query<HeadRow>(
        `select tree_size, signed_at, root_hash, kid, signature from audit_tree_heads
          where (tree_size, signed_at) > ($1, $2) order by tree_size, signed_at limit 5000`,
        [this.from, this.after],
      );
      this.buffer = rows.rows.map(toTreeHead);
      if (this.buffer.length < 5000) this.done = true;
      const last = this.buffer[this.buffer.length - 1];
      if (last) {
        this.from = last.treeSize;
        this.after = last.timestamp;
      }
    }
    const head = this.buffer[0];
    if (!head || head.treeSize > size) return undefined;
    this.buffer.shift();
    this.checked++;
    const problem = treeHeadProblem(head, await this.key(head.keyId));
    if (problem) fail(head.treeSize, `the tree head of size ${head.treeSize} signed at ${new Date(head.timestamp).toISOString()} is not authentic: ${problem}`);
    return head;
  }

  /** Heads of a size the log no longer has. */
  async beyond(size: number): Promise<TreeHead | undefined> {
    return this.nextUpTo(Number.MAX_SAFE_INTEGER).then((h) => (h && h.treeSize > size ? h : undefined));
  }
}

type VerifyOptions = { exported?: ExportedTreeHead; chunk?: number; onProgress?: (done: number, total: number) => void };

export async function verifyLog(platform: Platform, options: VerifyOptions = {}): Promise<VerifyReport> {
  return platform.store.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read, read only');
    return verifySnapshot(platform, tx, options);
  });
}

async function verifySnapshot(platform: Platform, db: Queryable, options: VerifyOptions): Promise<VerifyReport> {
  const chunk = options.chunk ?? 5000;
  const treeSize = await currentTreeSize(db);
  const pending = Number((await db.query<{ n: number }>('select count(*)::bigint as n from audit_pending')).rows[0].n);
  const heads = new HeadCursor(platform, db);
  const frontier = Frontier.empty();
  let nodesChecked = 0;
  let lastGoodHead = 0;
  let exportedChecked = false;
  const report = (problem?: VerifyProblem): VerifyReport => ({
    ok: !problem,
    treeSize,
    rootHash: frontier.root().toString('hex'),
    entriesChecked: frontier.size,
    nodesChecked,
    treeHeadsChecked: heads.checked,
    pending,
    ...(problem ? { problem } : {}),
    ...(options.exported ? { exported: { treeSize: options.exported.treeSize, rootHash: options.exported.rootHash, consistent: !problem && exportedChecked } } : {}),
  });

  /** Compares the roots of every head (and the exported head) whose size the stream just reached. */
  const checkHeadsAt = async (size: number) => {
    for (let head = await heads.nextUpTo(size); head; head = await heads.nextUpTo(size)) {
      if (head.rootHash !== frontier.root().toString('hex')) {
        fail(
          lastGoodHead,
          `the tree head of size ${head.treeSize} (signed ${new Date(head.timestamp).toISOString()}) does not match the entries: ` +
            `an entry between ${lastGoodHead} and ${head.treeSize - 1} was altered, with its stored hashes rewritten to match ` +
            `(the last tree head that matches has size ${lastGoodHead})`,
        );
      }
      lastGoodHead = head.treeSize;
    }
    const exported = options.exported;
    if (exported && exported.treeSize === size && frontier.size === size) {
      if (exported.rootHash !== frontier.root().toString('hex')) {
        fail(
          Math.min(lastGoodHead, exported.treeSize),
          `the log is not consistent with the exported tree head (size ${exported.treeSize}, root ${exported.rootHash}): ` +
            `the first ${exported.treeSize} entries now hash to ${frontier.root().toString('hex')}`,
        );
      }
      exportedChecked = true;
    }
  };

  try {
    if (options.exported) await checkExportedHead(platform, db, options.exported, treeSize);
    await checkHeadsAt(0);
    for (let start = 0; start < treeSize; start += chunk) {
      const end = Math.min(treeSize, start + chunk);
      const [rows, stored] = await Promise.all([
        db.query<EntryRow>(
          `select l.leaf_index, l.entry_id, l.hash, e.id, e.entry, e.type, e.at, e.department, e.client_id, e.purpose, e.outcome,
                  e.holder_code, e.agreement_id, e.license_type
             from audit_leaves l left join audit_entries e on e.id = l.entry_id
            where l.leaf_index >= $1 and l.leaf_index < $2 order by l.leaf_index`,
          [start, end],
        ),
        storedNodesCompletedIn(db, start, end),
      ]);
      let next = start;
      for (const row of rows.rows) {
        const index = Number(row.leaf_index);
        if (index !== next) fail(next, `entry ${next} is missing from the tree: its leaf row was deleted (or moved to another index)`);
        if (row.id === null) fail(index, `entry ${index} is missing: its row (id ${row.entry_id}) was deleted`);
        const hash = checkEntry(row, index, asBuffer(row.hash));
        let completedProblem: VerifyProblem | undefined;
        frontier.append(hash, (level, nodeIndex, computed) => {
          if (completedProblem || level === 0 || !isStoredLevel(level)) return;
          const have = stored.get(`${level}:${nodeIndex}`);
          nodesChecked++;
          const { first, last } = range(level, nodeIndex);
          if (!have) completedProblem = { index: first, message: `tree node (level ${level}, index ${nodeIndex}) over entries ${first}–${last} is missing` };
          else if (!have.equals(computed)) {
            completedProblem = {
              index: first,
              message: `tree node (level ${level}, index ${nodeIndex}) does not match entries ${first}–${last}: one of them was altered together with its leaf hash, or the node itself was`,
            };
          }
        });
        if (completedProblem) throw new Found(completedProblem);
        next = index + 1;
        await checkHeadsAt(frontier.size);
      }
      if (next !== end) fail(next, `entry ${next} is missing from the tree: its leaf row was deleted (or moved to another index)`);
      options.onProgress?.(end, treeSize);
    }
    const beyondLeaf = (await db.query<{ leaf_index: number }>('select leaf_index from audit_leaves where leaf_index >= $1 or leaf_index < 0 order by leaf_index limit 1', [treeSize])).rows[0];
    if (beyondLeaf) fail(Number(beyondLeaf.leaf_index), `entry ${beyondLeaf.leaf_index} lies outside the tree of ${treeSize} entries: it was inserted directly`);
    const stray = (
      await db.query<{ id: number }>(
        `select e.id from audit_entries e
          where not exists (select 1 from audit_leaves l where l.entry_id = e.id) and not exists (select 1 from audit_pending p where p.id = e.id)
          order by e.id limit 1`,
      )
    ).rows[0];
    if (stray) fail(null, `the entry row with id ${stray.id} is neither in the tree nor waiting for it: it was inserted directly`);
    const beyondNode = (
      await db.query<{ level: number; idx: number }>(
        'select level, idx from audit_nodes where level % 2 <> 0 or level < 2 or level > 62 or idx < 0 or idx >= ($1::bigint >> level) order by level, idx limit 1',
        [treeSize],
      )
    ).rows[0];
    if (beyondNode) {
      fail(range(beyondNode.level, Number(beyondNode.idx)).first, `tree node (level ${beyondNode.level}, index ${beyondNode.idx}) is not part of the tree of ${treeSize} entries: it was inserted directly`);
    }
    const lost = await heads.beyond(treeSize);
    if (lost) {
      fail(treeSize, `a tree head of size ${lost.treeSize} was signed but the log has only ${treeSize} entries: entries ${treeSize}–${lost.treeSize - 1} were deleted`);
    }
    if (options.exported) await checkConsistencyProof(db, options.exported, treeSize);
  } catch (error) {
    if (error instanceof Found) return report(error.problem);
    throw error;
  }
  return report();

  /** Checks one entry against its stored leaf hash and its columns; returns its recomputed leaf hash. */
  function checkEntry(row: EntryRow, index: number, storedLeaf: Buffer): Buffer {
    const hash = leafHash(row.entry);
    nodesChecked++;
    if (!storedLeaf.equals(hash)) {
      fail(index, `entry ${index} (${row.type}) does not hash to the leaf stored at index ${index}: the entry was edited, or entries were reordered`);
    }
    const entry = parseEntry(row.entry);
    if (!entry) fail(index, `entry ${index} is not a JSON log entry: it was edited`);
    if (canonicalJson(entry) !== row.entry) fail(index, `entry ${index} is not in RFC 8785 canonical form: it was edited`);
    const columns = columnsOf(entry!);
    for (const [field, column] of COLUMN_NAMES) {
      if ((columns[field] ?? null) !== (row[column] ?? null)) {
        fail(index, `entry ${index}: its ${column} column (${String(row[column])}) does not say what the entry says (${String(columns[field])}): the column was edited`);
      }
    }
    if (new Date(row.at).getTime() !== Date.parse(columns.at)) {
      fail(index, `entry ${index}: its at column (${new Date(row.at).toISOString()}) does not say what the entry says (${columns.at}): the column was edited`);
    }
    return hash;
  }
}

/** The stored nodes (even levels ≥ 2) completed by leaves [start, end). */
async function storedNodesCompletedIn(db: Queryable, start: number, end: number): Promise<Map<string, Buffer>> {
  const levels: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  for (let level = 2; 2 ** level <= end; level += 2) {
    const width = 2 ** level;
    // Node i completes with leaf (i+1)·width − 1.
    const lo = Math.ceil((start + 1) / width) - 1;
    const hi = Math.floor(end / width) - 1;
    if (hi >= lo) {
      levels.push(level);
      lows.push(lo);
      highs.push(hi);
    }
  }
  const rows = await db.query<{ level: number; idx: number; hash: Uint8Array }>(
    `select n.level, n.idx, n.hash from unnest($1::smallint[], $2::bigint[], $3::bigint[]) as r(level, lo, hi)
       join audit_nodes n on n.level = r.level and n.idx between r.lo and r.hi`,
    [levels, lows, highs],
  );
  return new Map(rows.rows.map((r) => [`${r.level}:${Number(r.idx)}`, asBuffer(r.hash)]));
}

/** A witness's head must be authentic (with the key the witness kept, if it did) and not longer than the log. */
async function checkExportedHead(platform: Platform, db: Queryable, head: ExportedTreeHead, treeSize: number): Promise<void> {
  let key: VerificationKey | undefined;
  if (head.jwk) {
    try {
      key = verificationKeyFromJwk(head.jwk);
    } catch (error) {
      fail(null, `the exported tree head carries an unusable key: ${(error as Error).message}`);
    }
  } else {
    const known = await platform.keys.verificationKey(head.keyId, db);
    key = known?.purpose === 'audit' ? known : undefined;
  }
  const problem = treeHeadProblem(head, key);
  if (problem) fail(null, `the exported tree head is not authentic: ${problem}`);
  if (head.treeSize > treeSize) {
    fail(treeSize, `the log has ${treeSize} entries but the exported tree head has ${head.treeSize}: entries ${treeSize}–${head.treeSize - 1} were deleted`);
  }
}

/** What a witness does through the API: the RFC 9162 consistency proof from its head to the current tree. */
async function checkConsistencyProof(db: Queryable, head: ExportedTreeHead, treeSize: number): Promise<void> {
  const proof = await consistencyProof(db, head.treeSize, treeSize);
  const current = await rootAt(db, treeSize);
  const ok = verifyConsistency(
    head.treeSize,
    treeSize,
    Buffer.from(head.rootHash, 'hex'),
    current,
    proof.path.map((h) => Buffer.from(h, 'hex')),
  );
  if (!ok) {
    fail(null, `the consistency proof from the exported tree head (size ${head.treeSize}) to the current tree (size ${treeSize}) does not verify: the log was rewritten`);
  }
}
