/**
 * The sequencer: takes committed entries from the queue in id order, gives them the next leaf
 * indexes, stores their leaf hashes and the perfect-subtree roots they complete, counts
 * accesses for oversight and signs a tree head — all in one transaction, so the tree, the
 * entries and the tree head move together or not at all. One sequencer at a time across all
 * processes (a PostgreSQL advisory lock); the others skip their turn.
 */
import type { SigningKey } from '../platform/crypto/keys.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { isStoredLevel } from './merkle.ts';
import { asBuffer, currentTreeSize, insertTreeHead, latestTreeHead, loadFrontier } from './log.ts';
import { countAccesses, DEFAULT_OVERSIGHT, type AlertSink, type CountedAccess, type OversightOptions } from './oversight.ts';
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

interface MovedRow {
  leaf_index: number;
  leaf_hash: Uint8Array;
  type: string;
  at: Date;
  department: string | null;
  client_id: string | null;
  agreement_id: string | null;
  license_type: string | null;
  purpose: string | null;
  expected_volume: number | null;
  outcome: string | null;
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
    // Room to hold a batch of wide rows in memory rather than spilling them to disk.
    await tx.query("set local work_mem = '64MB'");
    // Numbered on the narrow ids (an index-only scan), then moved: the wide rows are never sorted.
    const moved = await tx.query<MovedRow>(
      `with ids as (
         select id, $1::bigint + row_number() over (order by id) - 1 as leaf_index
           from (select id from audit_queue order by id limit $2) s
       ), numbered as (
         delete from audit_queue q using ids where q.id = ids.id returning ids.leaf_index, q.*
       ), entries as (
         insert into audit_entries (leaf_index, entry, type, at, department, client_id, purpose, outcome, holder_code)
         select leaf_index, entry, type, at, department, client_id, purpose, outcome, holder_code from numbered
       ), leaves as (
         insert into audit_nodes (level, idx, hash) select 0, leaf_index, leaf_hash from numbered
       )
       select leaf_index, leaf_hash, type,
              case when type = 'exchange.accessed' then at end as at,
              case when type = 'exchange.accessed' then department end as department,
              case when type = 'exchange.accessed' then client_id end as client_id,
              case when type = 'exchange.accessed' then agreement_id end as agreement_id,
              case when type = 'exchange.accessed' then license_type end as license_type,
              case when type = 'exchange.accessed' then purpose end as purpose,
              case when type = 'exchange.accessed' then expected_volume end as expected_volume,
              case when type = 'exchange.accessed' then outcome end as outcome
         from numbered order by leaf_index`,
      [size, options.batchSize],
    );
    const previous = await latestTreeHead(tx);
    const frontier = await loadFrontier(tx, size);
    if (moved.rows.length === 0) {
      const due = !previous || previous.treeSize !== size || Date.now() - previous.timestamp >= options.treeHeadIntervalMs;
      return { ran: true, sequenced: 0, treeHead: due ? await signHead(tx, key, size, frontier.root(), previous) : previous };
    }
    const levels: number[] = [];
    const indexes: number[] = [];
    const hashes: Buffer[] = [];
    const accesses: CountedAccess[] = [];
    for (const row of moved.rows) {
      if (Number(row.leaf_index) !== frontier.size) throw new Error(`sequencer: leaf ${row.leaf_index} where ${frontier.size} was expected`);
      frontier.append(asBuffer(row.leaf_hash), (level, index, hash) => {
        if (level > 0 && isStoredLevel(level)) {
          levels.push(level);
          indexes.push(index);
          hashes.push(hash);
        }
      });
      if (row.type === 'exchange.accessed') {
        accesses.push({
          at: new Date(row.at),
          department: row.department,
          clientId: row.client_id,
          agreementId: row.agreement_id,
          licenseType: row.license_type,
          purpose: row.purpose,
          expectedVolume: row.expected_volume,
          outcome: row.outcome,
        });
      }
    }
    if (levels.length > 0) {
      await tx.query('insert into audit_nodes (level, idx, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])', [levels, indexes, hashes]);
    }
    await tx.query('update audit_state set tree_size = $1', [frontier.size]);
    await countAccesses(tx, accesses, options.oversight, options.alertSink);
    const treeHead = await signHead(tx, key, frontier.size, frontier.root(), previous);
    return { ran: true, sequenced: moved.rows.length, treeHead };
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
 * Sequences everything committed so far and returns the newest tree head (signing one if none
 * exists yet). Waits for another process's pass rather than skipping it.
 */
export function drain(platform: Platform, options: SequencerOptions): Promise<{ sequenced: number; treeHead: TreeHead }> {
  return exclusive(platform, async () => {
    let sequenced = 0;
    for (;;) {
      const batch = await sequenceBatch(platform, options, true);
      sequenced += batch.sequenced;
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
      if (!batch.ran || batch.sequenced < options.batchSize) return sequenced;
    }
  });
}
