/**
 * The sequencer: takes committed entries that wait in audit_pending, in id order, gives them the
 * next leaf indexes, stores their leaf hashes and the perfect-subtree roots they complete, counts
 * accesses for oversight and signs a tree head — all in one transaction, so the leaves, the
 * nodes and the tree head move together or not at all. One sequencer at a time across all
 * processes (a PostgreSQL advisory lock); the others skip their turn.
 */
import type { SigningKey } from '../platform/crypto/keys.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { isStoredLevel } from './merkle.ts';
import { currentTreeSize, insertTreeHead, latestTreeHead, loadFrontier } from './log.ts';
import { countAccesses, DEFAULT_OVERSIGHT, type AccessGroup, type AlertSink, type OversightOptions } from './oversight.ts';
import { signTreeHead, type TreeHead } from './treeHead.ts';

/** Advisory lock key of the sequencer ("audit" in ASCII). */
const SEQUENCER_LOCK = 0x61756469;

export interface SequencerOptions {
  /** Entries per transaction. */
  batchSize: number;
  /** A new tree head is signed at least this often, even with nothing new (ms). */
  treeHeadIntervalMs: number;
  oversight: OversightOptions;
  alertSink?: AlertSink;
}

export const DEFAULT_SEQUENCER: SequencerOptions = {
  batchSize: 20_000,
  treeHeadIntervalMs: 300_000,
  oversight: DEFAULT_OVERSIGHT,
};

interface MovedBatch {
  n: number;
  /** The leaf hashes in leaf order, hex, concatenated: one value instead of a row per entry. */
  hashes: string;
  /** The batch's accesses counted per system, agreement and China day. */
  groups: AccessGroup[];
}

export interface BatchResult {
  /** False when another process holds the sequencer lock. */
  ran: boolean;
  sequenced: number;
  treeHead?: TreeHead;
}

async function signHead(tx: Queryable, key: SigningKey, treeSize: number, root: Buffer, previous?: TreeHead): Promise<TreeHead> {
  // Timestamps never go backwards, even if this process's clock is behind the last signer's.
  const timestamp = Math.max(Date.now(), previous ? previous.timestamp + (previous.treeSize === treeSize ? 1 : 0) : 0);
  const head = signTreeHead(key, { treeSize, rootHash: root.toString('hex'), timestamp });
  await insertTreeHead(tx, head);
  return head;
}

/** One batch in one transaction. `wait` blocks for the lock instead of skipping. */
export async function sequenceBatch(platform: Platform, options: SequencerOptions, wait: boolean): Promise<BatchResult> {
  // Outside the transaction: the key store reads through the store, and PGlite has one connection.
  const key = await platform.keys.activeKey('audit', 'EdDSA');
  return platform.store.transaction(async (tx) => {
    if (wait) await tx.query('select pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
    else if (!(await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [SEQUENCER_LOCK])).rows[0].ok) {
      return { ran: false, sequenced: 0 };
    }
    const size = await currentTreeSize(tx);
    // Numbered on the narrow pending ids; each leaf hash is taken from the entry text as stored.
    const moved = (
      await tx.query<MovedBatch>(
        `with ids as (
           select id, $1::bigint + row_number() over (order by id) - 1 as leaf_index
             from (select id from audit_pending order by id limit $2) s
         ), taken as (
           delete from audit_pending p using ids where p.id = ids.id returning p.id
         ), numbered as (
           select ids.leaf_index, e.id, e.type, e.at, e.department, e.client_id, e.agreement_id, e.license_type, e.purpose, e.outcome,
                  sha256('\\x00'::bytea || convert_to(e.entry, 'UTF8')) as hash
             from taken join ids on ids.id = taken.id join audit_entries e on e.id = taken.id
         ), leaves as (
           insert into audit_leaves (leaf_index, entry_id, hash) select leaf_index, id, hash from numbered
         )
         select count(*)::int as n, coalesce(string_agg(encode(hash, 'hex'), '' order by leaf_index), '') as hashes,
                (select coalesce(json_agg(g), '[]'::json) from (
                   select coalesce(department, '') as department, coalesce(client_id, '') as client_id, coalesce(agreement_id, '') as agreement_id,
                          ((at at time zone 'UTC') + interval '8 hours')::date::text as day,
                          count(*)::int as total, (count(*) filter (where outcome = 'allowed'))::int as allowed,
                          min(license_type) as license_type, min(purpose) as purpose, max(at) as at
                     from numbered where type = 'exchange.accessed' group by 1, 2, 3, 4) g) as groups
           from numbered`,
        [size, options.batchSize],
        { name: 'audit.sequence' },
      )
    ).rows[0];
    const previous = await latestTreeHead(tx);
    const frontier = await loadFrontier(tx, size);
    if (moved.n === 0) {
      const due = !previous || previous.treeSize !== size || Date.now() - previous.timestamp >= options.treeHeadIntervalMs;
      return { ran: true, sequenced: 0, treeHead: due ? await signHead(tx, key, size, frontier.root(), previous) : previous };
    }
    const leaves = Buffer.from(moved.hashes, 'hex');
    if (leaves.length !== moved.n * 32) throw new Error(`sequencer: ${leaves.length / 32} leaf hashes for ${moved.n} entries`);
    const levels: number[] = [];
    const indexes: number[] = [];
    const hashes: Buffer[] = [];
    for (let i = 0; i < moved.n; i++) {
      frontier.append(leaves.subarray(i * 32, i * 32 + 32), (level, index, hash) => {
        if (level > 0 && isStoredLevel(level)) {
          levels.push(level);
          indexes.push(index);
          hashes.push(hash);
        }
      });
    }
    if (levels.length > 0) {
      await tx.query(
        `insert into audit_nodes (level, idx, hash)
         select t.level, t.idx, substring($3::bytea from (t.o::int - 1) * 32 + 1 for 32)
           from unnest($1::smallint[], $2::bigint[]) with ordinality as t(level, idx, o)`,
        [levels, indexes, Buffer.concat(hashes)],
        { name: 'audit.nodes' },
      );
    }
    await tx.query('update audit_state set tree_size = $1', [frontier.size]);
    if (moved.groups.length > 0) await countAccesses(tx, moved.groups, options.oversight, options.alertSink);
    const treeHead = await signHead(tx, key, frontier.size, frontier.root(), previous);
    return { ran: true, sequenced: moved.n, treeHead };
  });
}

/** Per platform: one pass at a time in this process (the advisory lock covers other processes). */
const running = new WeakMap<Platform, Promise<unknown>>();

function exclusive<T>(platform: Platform, work: () => Promise<T>): Promise<T> {
  const previous = running.get(platform) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  running.set(platform, next);
  return next;
}

/**
 * Every sequenced entry leaves a dead row in audit_pending, and the next batch's index scan
 * would visit them all until autovacuum (once a minute at best) removes them: at thousands of
 * entries a second that makes every batch slower than the last. So the sequencer vacuums the
 * (small) table itself, at most once a second, outside its transaction.
 */
const vacuumed = new WeakMap<Platform, { at: number; since: number }>();

async function vacuumPending(platform: Platform, sequenced: number): Promise<void> {
  const state = vacuumed.get(platform) ?? { at: 0, since: 0 };
  state.since += sequenced;
  vacuumed.set(platform, state);
  if (state.since < 5000 || Date.now() - state.at < 1000) return;
  state.at = Date.now();
  state.since = 0;
  await platform.store.query('vacuum (skip_locked) audit_pending');
}

/**
 * Sequences everything committed so far and returns the newest tree head (signing one if none
 * exists yet). Waits for another process's pass rather than skipping it.
 */
export function drain(platform: Platform, options: SequencerOptions): Promise<{ sequenced: number; treeHead: TreeHead }> {
  return exclusive(platform, async () => {
    let sequenced = 0;
    for (;;) {
      const batch = await sequenceBatch(platform, options, true);
      sequenced += batch.sequenced;
      await vacuumPending(platform, batch.sequenced);
      if (batch.sequenced < options.batchSize) return { sequenced, treeHead: batch.treeHead! };
    }
  });
}

/** One background pass: skips if another process is sequencing. */
export function backgroundPass(platform: Platform, options: SequencerOptions): Promise<number> {
  return exclusive(platform, async () => {
    let sequenced = 0;
    for (;;) {
      const batch = await sequenceBatch(platform, options, false);
      sequenced += batch.sequenced;
      await vacuumPending(platform, batch.sequenced);
      if (!batch.ran || batch.sequenced < options.batchSize) return sequenced;
    }
  });
}
