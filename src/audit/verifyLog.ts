/**
 * `certbridge audit verify`: recomputes the whole log from storage — one consistent snapshot (a
 * repeatable-read transaction), streamed a bundle at a time, with O(log n) memory for the tree — and
 * checks, in log order:
 * - every entry is present (every full bundle, the partial bundle's parts without a gap), is
 *   canonical RFC 8785 JSON, and hashes to the leaf stored at its index (the level-0 tile);
 * - every stored tile hash above the leaves equals the root of the 256 hashes below it, recomputed,
 *   and so does every node of a full tile's stored inner levels (what proofs are read from);
 * - every signed tree head verifies with a log key and its root equals the recomputed root at its
 *   size; the state's root and the signed checkpoint equal the recomputed root of the whole log;
 * - the derived indexes say what the entries say: the postings of holders, departments and types,
 *   the days' position ranges and the access counts;
 * - nothing is stored beyond the tree (bundles, parts, tile hashes past its size);
 * - optionally, a tree head exported earlier (what an outside witness keeps) is a prefix of the
 *   log: its root equals the recomputed root at its size, and the consistency proof the log gives
 *   from its size to the current one verifies (RFC 9162 §2.1.4.2).
 * It names the first entry where anything differs.
 *
 * Everything is read in one repeatable-read, read-only transaction, bounded by the tree size read
 * in it: the sequencer of a live server goes on appending beside it, and without one snapshot the
 * tree size read first and the leaves read later disagreed — a false alarm of tampering ("entry
 * 39782 lies outside the tree of 39782 entries") in 8 of 10 runs beside a server at 50 requests/s.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { chinaDate } from '../platform/chinaTime.ts';
import { verificationKeyFromJwk, type PublicJwk, type VerificationKey } from '../platform/crypto/keys.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { checkpointProblem, ed25519PublicKey, parseCheckpoint } from './checkpoint.ts';
import { canonicalJson, columnsOf, parseEntry } from './entries.ts';
import { consistencyProof, rootAt, toTreeHead } from './log.ts';
import { Frontier, leafHash, verifyConsistency } from './merkle.ts';
import { decodePositions, type PostingKind } from './postings.ts';
import { asBuffer } from './storage.ts';
import { decodeBundle, HASH_SIZE, innerOffset, TILE_HEIGHT, TILE_WIDTH } from './tiles.ts';
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
  /** Entries in the log that the indexer has not read yet (so no tree head of the history covers them). */
  pending: number;
  problem?: VerifyProblem;
  exported?: { treeSize: number; rootHash: string; consistent: boolean };
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

const KIND_NAMES: Record<PostingKind, string> = { h: 'holder', d: 'department', t: 'type' };

/** A fingerprint of "position p is listed under (kind, key)": summed per bundle, so that any difference shows. */
const fingerprint = (kind: string, key: string, position: number): bigint =>
  createHash('sha256').update(`${kind}\u0000${key}\u0000${position}`).digest().readBigUInt64BE(0);

/** Pages through the signed tree heads in size order, verifying each signature once. */
class HeadCursor {
  private buffer: TreeHead[] = [];
  private from = -1;
  private after = -1;
  private done = false;
  checked = 0;

  constructor(
    private readonly db: Queryable,
    private readonly keys: ReadonlyMap<string, VerificationKey>,
  ) {}

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
    const problem = treeHeadProblem(head, this.keys.get(head.keyId));
    if (problem) fail(head.treeSize, `the tree head of size ${head.treeSize} signed at ${new Date(head.timestamp).toISOString()} is not authentic: ${problem}`);
    return head;
  }

  /** Heads of a size the log no longer has. */
  async beyond(size: number): Promise<TreeHead | undefined> {
    return this.nextUpTo(Number.MAX_SAFE_INTEGER).then((h) => (h && h.treeSize > size ? h : undefined));
  }
}

export async function verifyLog(
  platform: Platform,
  options: { exported?: ExportedTreeHead; chunk?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<VerifyReport> {
  // The log's keys, before the snapshot opens (the embedded store has one connection).
  const keys = new Map<string, VerificationKey>();
  for (const jwk of await platform.keys.publicKeys(['audit'])) {
    const key = verificationKeyFromJwk(jwk);
    keys.set(key.kid, key);
  }
  return platform.store.transaction(async (db) => {
    await db.query('set transaction isolation level repeatable read, read only');
    return verifySnapshot(db, keys, options);
  });
}

async function verifySnapshot(
  db: Queryable,
  keys: ReadonlyMap<string, VerificationKey>,
  options: { exported?: ExportedTreeHead; chunk?: number; onProgress?: (done: number, total: number) => void },
): Promise<VerifyReport> {
  const bundlesPerRead = Math.max(1, Math.ceil((options.chunk ?? 5000) / TILE_WIDTH));
  const state = (await db.query<{ tree_size: number; root_hash: Uint8Array; checkpoint: string | null }>('select tree_size, root_hash, checkpoint from audit_state')).rows[0];
  const treeSize = Number(state.tree_size);
  const indexed = Number((await db.query<{ indexed_size: number }>('select indexed_size from audit_indexer')).rows[0].indexed_size);
  const heads = new HeadCursor(db, keys);
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
    pending: Math.max(0, treeSize - indexed),
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

  // The first stored inner level of a full tile that differs from the recomputed node; reported after
  // the stream, so that an edited entry or tile hash is named as such (it changes the levels above it too).
  let innerProblem: VerifyProblem | undefined;

  // What the entries say the derived indexes must hold, gathered while streaming.
  const expectedPostings = new Map<number, bigint>();
  const days = new Map<string, { first: number; last: number }>();
  const counts = new Map<string, { total: number; allowed: number }>();
  const expect = (position: number, kind: PostingKind, key: string) => {
    const bundle = Math.floor(position / TILE_WIDTH);
    expectedPostings.set(bundle, (expectedPostings.get(bundle) ?? 0n) + fingerprint(kind, key, position));
  };

  try {
    if (options.exported) await checkExportedHead(keys, options.exported, treeSize);
    await checkHeadsAt(0);
    const bundleCount = Math.ceil(treeSize / TILE_WIDTH);
    for (let first = 0; first < bundleCount; first += bundlesPerRead) {
      const last = Math.min(bundleCount, first + bundlesPerRead) - 1;
      const [bundles, { tiles, inner }] = await Promise.all([readBundles(db, first, last, treeSize), readTiles(db, first, last)]);
      for (let b = first; b <= last; b++) {
        const start = b * TILE_WIDTH;
        const count = Math.min(TILE_WIDTH, treeSize - start);
        const read = bundles.get(b);
        if (read === undefined) fail(start, `entries ${start}–${start + count - 1} are missing: their entry bundle ${b} was deleted`);
        if (typeof read === 'string') fail(start, read);
        const { entries: list, short } = read as StoredBundle;
        const leaves = tiles.get(`0/${b}`);
        for (let i = 0; i < count; i++) {
          const index = start + i;
          const stored = leaves && leaves.length >= (i + 1) * HASH_SIZE ? leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE) : undefined;
          if (!stored) fail(index, `entry ${index} is missing from the tree: its leaf hash was deleted from tile 0/${b}`);
          const bytes = list[i];
          if (bytes === undefined) fail(index, `entry ${index} is missing: its entry bundle ${b} lacks it (it was deleted)`);
          const hash = leafHash(bytes!);
          nodesChecked++;
          if (!hash.equals(stored!)) {
            const type = parseEntry(bytes!.toString('utf8'))?.type ?? 'unreadable';
            fail(
              index,
              short[i]
                ? `entry ${index} is missing: its entry bundle ${b} holds fewer entries than were written there (it was deleted)`
                : `entry ${index} (${type}) does not hash to the leaf stored at index ${index}: the entry was edited, or entries were reordered`,
            );
          }
          checkEntry(bytes!, index);
          let completedProblem: VerifyProblem | undefined;
          frontier.append(hash, (height, node, computed) => {
            if (completedProblem || height === 0) return;
            if (height % TILE_HEIGHT !== 0) {
              if (!innerProblem) innerProblem = innerNodeProblem(inner, height, node, computed);
              return;
            }
            const level = height / TILE_HEIGHT;
            const tile = tiles.get(`${level}/${Math.floor(node / TILE_WIDTH)}`);
            const at = (node % TILE_WIDTH) * HASH_SIZE;
            const have = tile && tile.length >= at + HASH_SIZE ? tile.subarray(at, at + HASH_SIZE) : undefined;
            nodesChecked++;
            const { first: from, last: to } = range(height, node);
            if (!have) completedProblem = { index: from, message: `tree node (level ${height}, index ${node}) over entries ${from}–${to} is missing from tile ${level}/${Math.floor(node / TILE_WIDTH)}` };
            else if (!have.equals(computed)) {
              completedProblem = {
                index: from,
                message: `tree node (level ${height}, index ${node}) does not match entries ${from}–${to}: one of them was altered together with its leaf hash, or the node itself was`,
              };
            }
          });
          if (completedProblem) throw new Found(completedProblem);
          await checkHeadsAt(frontier.size);
        }
        if (list.length > count) fail(start + count, `entry ${start + count} lies outside the tree of ${treeSize} entries: it was inserted directly`);
        if (leaves && leaves.length > count * HASH_SIZE) fail(start + count, `entry ${start + count} lies outside the tree of ${treeSize} entries: its leaf hash was inserted directly`);
      }
      options.onProgress?.(Math.min(treeSize, (last + 1) * TILE_WIDTH), treeSize);
    }
    // A stored inner level that alone differs (the tiles and entries agree): proofs would carry it.
    if (innerProblem) throw new Found(innerProblem);
    await checkPartialTiles(db, treeSize);
    await checkNothingBeyond(db, treeSize);
    const lost = await heads.beyond(treeSize);
    if (lost) {
      fail(treeSize, `a tree head of size ${lost.treeSize} was signed but the log has only ${treeSize} entries: entries ${treeSize}–${lost.treeSize - 1} were deleted`);
    }
    const root = frontier.root();
    if (!asBuffer(state.root_hash).equals(root)) {
      fail(treeSize, `the log's state gives root ${asBuffer(state.root_hash).toString('hex')} at size ${treeSize}, but the entries hash to ${root.toString('hex')}: the state was edited`);
    }
    checkCheckpoint(state.checkpoint, keys, treeSize, root);
    await checkPostings(db, treeSize, indexed, expectedPostings);
    await checkDays(db, days);
    await checkCounts(db, counts);
    if (options.exported) await checkConsistencyProof(db, options.exported, treeSize);
  } catch (error) {
    if (error instanceof Found) return report(error.problem);
    throw error;
  }
  return report();

  /** Checks one entry's form and gathers what the derived indexes must say about it. */
  function checkEntry(bytes: Buffer, index: number): void {
    const text = bytes.toString('utf8');
    const entry = parseEntry(text);
    if (!entry) fail(index, `entry ${index} is not a JSON log entry: it was edited`);
    if (canonicalJson(entry) !== text) fail(index, `entry ${index} is not in RFC 8785 canonical form: it was edited`);
    const c = columnsOf(entry!);
    if (index < indexed) {
      expect(index, 't', c.type);
      if (c.holderCode) expect(index, 'h', c.holderCode);
      if (c.department) expect(index, 'd', c.department);
    }
    const at = new Date(c.at);
    if (Number.isNaN(at.getTime())) return;
    const day = chinaDate(at);
    if (index < indexed) {
      const span = days.get(day);
      if (span) span.last = index;
      else days.set(day, { first: index, last: index });
    }
    if (c.type === 'exchange.accessed') {
      const operation = entry!.data.operation;
      const key = [day, c.department ?? '', c.clientId ?? '', c.agreementId ?? '', c.licenseType ?? '', c.purpose ?? '', typeof operation === 'string' ? operation : ''].join('|');
      const n = counts.get(key) ?? { total: 0, allowed: 0 };
      n.total++;
      if (c.outcome === 'allowed') n.allowed++;
      counts.set(key, n);
    }
  }
}

/** A bundle as stored: its entries by place (a hole where none is), and where a part or bundle holds fewer than were written. */
interface StoredBundle {
  entries: (Buffer | undefined)[];
  short: boolean[];
}

/** Bundles `first`…`last` decoded (a message instead when one does not decode); the partial one from its parts. */
async function readBundles(db: Queryable, first: number, last: number, treeSize: number): Promise<Map<number, StoredBundle | string>> {
  const bundles = new Map<number, StoredBundle | string>();
  const rows = await db.query<{ idx: number; data: Uint8Array; gzipped: boolean }>('select idx, data, gzipped from audit_bundles where idx >= $1 and idx <= $2', [first, last]);
  for (const r of rows.rows) {
    const b = Number(r.idx);
    try {
      const entries = decodeBundle(r.gzipped ? gunzipSync(asBuffer(r.data)) : asBuffer(r.data));
      bundles.set(b, { entries, short: entries.map(() => entries.length < TILE_WIDTH) });
    } catch (error) {
      bundles.set(b, `entry bundle ${b} is not an entry bundle (${(error as Error).message}): it was edited`);
    }
  }
  const tail = Math.floor(treeSize / TILE_WIDTH);
  if (treeSize % TILE_WIDTH !== 0 && tail >= first && tail <= last) {
    if (bundles.has(tail)) bundles.set(tail, `entry bundle ${tail} is stored as full, but the log has only ${treeSize} entries: it was inserted directly`);
    else {
      const start = tail * TILE_WIDTH;
      const parts = await db.query<{ first: number; data: Uint8Array }>('select first, data from audit_bundle_parts where first >= $1 and first < $2 order by first', [start, treeSize]);
      const entries: (Buffer | undefined)[] = Array.from({ length: treeSize - start });
      const short: boolean[] = entries.map(() => false);
      for (let i = 0; i < parts.rows.length; i++) {
        const from = Number(parts.rows[i].first) - start;
        const to = i + 1 < parts.rows.length ? Number(parts.rows[i + 1].first) - start : treeSize - start;
        let decoded: Buffer[];
        try {
          decoded = decodeBundle(asBuffer(parts.rows[i].data));
        } catch (error) {
          bundles.set(tail, `the part of entry bundle ${tail} from entry ${parts.rows[i].first} is not an entry bundle (${(error as Error).message}): it was edited`);
          return bundles;
        }
        decoded.slice(0, to - from).forEach((e, k) => (entries[from + k] = e));
        for (let k = from; k < to; k++) short[k] = decoded.length < to - from;
      }
      bundles.set(tail, { entries, short });
    }
  }
  return bundles;
}

/** The tiles of every level that bundles `first`…`last` reach, and the inner levels of the full ones (keyed `level/index`). */
async function readTiles(db: Queryable, first: number, last: number): Promise<{ tiles: Map<string, Buffer>; inner: Map<string, Buffer> }> {
  const levels: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  for (let level = 0, lo = first, hi = last; level < 8; level++, lo = Math.floor(lo / TILE_WIDTH), hi = Math.floor(hi / TILE_WIDTH)) {
    levels.push(level);
    lows.push(lo);
    highs.push(hi);
    if (hi === 0 && level > 0) break;
  }
  const rows = await db.query<{ level: number; idx: number; hashes: Uint8Array; inner_hashes: Uint8Array | null }>(
    `select t.level, t.idx, t.hashes, t.inner_hashes from unnest($1::smallint[], $2::bigint[], $3::bigint[]) as r(level, lo, hi)
       join audit_tiles t on t.level = r.level and t.idx between r.lo and r.hi`,
    [levels, lows, highs],
  );
  const tiles = new Map<string, Buffer>();
  const inner = new Map<string, Buffer>();
  for (const r of rows.rows) {
    const key = `${r.level}/${Number(r.idx)}`;
    tiles.set(key, asBuffer(r.hashes));
    if (r.inner_hashes) inner.set(key, asBuffer(r.inner_hashes));
  }
  return { tiles, inner };
}

/** A full tile's stored inner node at `height` (not a multiple of 8) that is missing or differs from the one recomputed. */
function innerNodeProblem(inner: Map<string, Buffer>, height: number, node: number, computed: Buffer): VerifyProblem | undefined {
  const level = Math.floor(height / TILE_HEIGHT);
  const k = height % TILE_HEIGHT;
  const tile = Math.floor((node * 2 ** k) / TILE_WIDTH);
  const stored = inner.get(`${level}/${tile}`);
  // Tiles written before inner levels were stored (or partial ones) have none: proofs hash them up.
  if (!stored) return undefined;
  const at = (innerOffset(k) + (node % (TILE_WIDTH / 2 ** k))) * HASH_SIZE;
  const have = stored.length >= at + HASH_SIZE ? stored.subarray(at, at + HASH_SIZE) : undefined;
  if (have?.equals(computed)) return undefined;
  const { first: from, last: to } = range(height, node);
  return { index: from, message: `tree node (level ${height}, index ${node}) stored among the inner levels of tile ${level}/${tile} does not match entries ${from}–${to}: it was altered` };
}

/** Tiles above level 0 hold no more hashes than the tree has complete subtrees of their height. */
async function checkPartialTiles(db: Queryable, treeSize: number): Promise<void> {
  const rows = await db.query<{ level: number; idx: number; n: number }>('select level, idx, octet_length(hashes) / 32 as n from audit_tiles where level > 0 order by level, idx');
  for (const r of rows.rows) {
    const level = Number(r.level);
    const idx = Number(r.idx);
    const complete = Math.floor(treeSize / TILE_WIDTH ** level);
    const allowed = Math.max(0, Math.min(TILE_WIDTH, complete - idx * TILE_WIDTH));
    if (Number(r.n) > allowed) {
      const node = idx * TILE_WIDTH + allowed;
      fail(range(level * TILE_HEIGHT, node).first, `tree node (level ${level * TILE_HEIGHT}, index ${node}) is not part of the tree of ${treeSize} entries: it was inserted directly`);
    }
  }
}

/** No bundle, part or leaf tile past the end of the tree. */
async function checkNothingBeyond(db: Queryable, treeSize: number): Promise<void> {
  const bundles = Math.ceil(treeSize / TILE_WIDTH);
  const bundle = (await db.query<{ idx: number }>('select idx from audit_bundles where idx >= $1 or idx < 0 order by idx limit 1', [bundles])).rows[0];
  if (bundle) fail(Number(bundle.idx) * TILE_WIDTH, `entry bundle ${bundle.idx} lies outside the tree of ${treeSize} entries: it was inserted directly`);
  const part = (await db.query<{ first: number }>('select first from audit_bundle_parts where first >= $1 or first < $2 order by first limit 1', [treeSize, Math.floor(treeSize / TILE_WIDTH) * TILE_WIDTH])).rows[0];
  if (part) fail(Number(part.first), `entry ${part.first} lies outside the tree of ${treeSize} entries: it was inserted directly`);
  const tile = (await db.query<{ idx: number }>('select idx from audit_tiles where level = 0 and (idx >= $1 or idx < 0) order by idx limit 1', [bundles])).rows[0];
  if (tile) fail(Number(tile.idx) * TILE_WIDTH, `entry ${Number(tile.idx) * TILE_WIDTH} lies outside the tree of ${treeSize} entries: its leaf hash was inserted directly`);
}

/** The newest checkpoint is signed by a log key and names the log as it is. */
function checkCheckpoint(note: string | null, keys: ReadonlyMap<string, VerificationKey>, treeSize: number, root: Buffer): void {
  if (note === null) return;
  const parsed = parseCheckpoint(note);
  if (!parsed) fail(treeSize, 'the stored checkpoint is not a signed checkpoint note: it was edited');
  const problems = [...keys.values()].map((k) => checkpointProblem(note, ed25519PublicKey(k.publicJwk)));
  if (!problems.some((p) => p === undefined)) fail(treeSize, `the stored checkpoint is not authentic: ${problems[problems.length - 1] ?? 'no log key'}`);
  if (parsed!.treeSize !== treeSize || !parsed!.rootHash.equals(root)) {
    fail(treeSize, `the stored checkpoint (size ${parsed!.treeSize}) does not match the log (size ${treeSize}, root ${root.toString('hex')}): the state was edited`);
  }
}

/** The postings list exactly the entries the indexer read, each under its type, holder and department. */
async function checkPostings(db: Queryable, treeSize: number, indexed: number, expected: Map<number, bigint>): Promise<void> {
  const actual = new Map<number, bigint>();
  let after = { kind: '', key: '', first: -1 };
  for (;;) {
    const rows = await db.query<{ kind: PostingKind; key: string; first: number; positions: Uint8Array }>(
      `select kind, key, first, positions from audit_postings where (kind::text, key, first) > ($1, $2, $3) order by kind::text, key, first limit 2000`,
      [after.kind, after.key, after.first],
    );
    for (const r of rows.rows) {
      for (const p of decodePositions(Number(r.first), asBuffer(r.positions))) {
        if (p >= indexed) fail(p, `the ${KIND_NAMES[r.kind]} index lists entry ${p} under ${r.key}, which the indexer has not read: the index was edited`);
        const bundle = Math.floor(p / TILE_WIDTH);
        actual.set(bundle, (actual.get(bundle) ?? 0n) + fingerprint(r.kind, r.key, p));
      }
    }
    if (rows.rows.length < 2000) break;
    const last = rows.rows[rows.rows.length - 1];
    after = { kind: last.kind, key: last.key, first: Number(last.first) };
  }
  const bundles = [...new Set([...expected.keys(), ...actual.keys()])].sort((a, b) => a - b);
  const differs = bundles.find((b) => (expected.get(b) ?? 0n) !== (actual.get(b) ?? 0n));
  if (differs !== undefined) await pinpointPostings(db, treeSize, indexed, differs);
}

/** Names the first entry of bundle `b` whose postings differ from what it says. */
async function pinpointPostings(db: Queryable, treeSize: number, indexed: number, b: number): Promise<never> {
  const lo = b * TILE_WIDTH;
  const hi = Math.min(lo + TILE_WIDTH, indexed) - 1;
  const read = (await readBundles(db, b, b, treeSize)).get(b);
  const want = new Map<number, Set<string>>();
  if (read && typeof read !== 'string') {
    for (let p = lo; p <= hi; p++) {
      const entry = read.entries[p - lo] && parseEntry(read.entries[p - lo]!.toString('utf8'));
      if (!entry) continue;
      const c = columnsOf(entry);
      want.set(p, new Set([`t\u0000${c.type}`, ...(c.holderCode ? [`h\u0000${c.holderCode}`] : []), ...(c.department ? [`d\u0000${c.department}`] : [])]));
    }
  }
  const have = new Map<number, Set<string>>();
  // Every row that starts before the bundle's end (a row's last position is only known decoded): the path of a failure only.
  const rows = await db.query<{ kind: PostingKind; key: string; first: number; positions: Uint8Array }>('select kind, key, first, positions from audit_postings where first <= $1', [hi]);
  for (const r of rows.rows) {
    for (const p of decodePositions(Number(r.first), asBuffer(r.positions))) {
      if (p < lo || p > hi) continue;
      if (!have.has(p)) have.set(p, new Set());
      have.get(p)!.add(`${r.kind}\u0000${r.key}`);
    }
  }
  const name = (listing: string) => {
    const [kind, key] = listing.split('\u0000');
    return { kind: KIND_NAMES[kind as PostingKind], key };
  };
  for (let p = lo; p <= hi; p++) {
    const expected = want.get(p) ?? new Set<string>();
    const listed = have.get(p) ?? new Set<string>();
    for (const k of expected) {
      if (!listed.has(k)) fail(p, `entry ${p}: the ${name(k).kind} index does not list it under ${name(k).key}, which the entry names: the index was edited`);
    }
    for (const k of listed) {
      if (!expected.has(k)) fail(p, `the ${name(k).kind} index lists entry ${p} under ${name(k).key}, which the entry does not name: the index was edited`);
    }
  }
  return fail(lo, `the index of entries ${lo}–${hi} (postings of holders, departments or types) does not say what the entries say: it was edited`);
}

async function checkDays(db: Queryable, expected: Map<string, { first: number; last: number }>): Promise<void> {
  const rows = await db.query<{ day: string; first: number; last: number }>('select day::text as day, first, last from audit_days');
  const actual = new Map(rows.rows.map((r) => [r.day, { first: Number(r.first), last: Number(r.last) }]));
  for (const day of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(day);
    const have = actual.get(day);
    if (!want || !have || want.first !== have.first || want.last !== have.last) {
      fail(want?.first ?? have?.first ?? null, `the positions of ${day} (${have ? `${have.first}–${have.last}` : 'none'}) do not say what the entries say (${want ? `${want.first}–${want.last}` : 'none'}): the day index was edited`);
    }
  }
}

async function checkCounts(db: Queryable, expected: Map<string, { total: number; allowed: number }>): Promise<void> {
  const rows = await db.query<{ key: string; total: number; allowed: number }>(
    `select day::text || '|' || department || '|' || client_id || '|' || agreement_id || '|' || license_type || '|' || purpose || '|' || operation as key, total, allowed from audit_access_counts`,
  );
  const actual = new Map(rows.rows.map((r) => [r.key, { total: Number(r.total), allowed: Number(r.allowed) }]));
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? { total: 0, allowed: 0 };
    const have = actual.get(key) ?? { total: 0, allowed: 0 };
    if (want.total !== have.total || want.allowed !== have.allowed) {
      fail(null, `the access counts of ${key.split('|').slice(0, 3).join(' ')} (${have.total} accesses, ${have.allowed} allowed) do not say what the entries say (${want.total}, ${want.allowed}): the counts were edited`);
    }
  }
}

/** A witness's head must be authentic (with the key the witness kept, if it did) and not longer than the log. */
async function checkExportedHead(keys: ReadonlyMap<string, VerificationKey>, head: ExportedTreeHead, treeSize: number): Promise<void> {
  let key: VerificationKey | undefined;
  if (head.jwk) {
    try {
      key = verificationKeyFromJwk(head.jwk);
    } catch (error) {
      fail(null, `the exported tree head carries an unusable key: ${(error as Error).message}`);
    }
  } else key = keys.get(head.keyId);
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
