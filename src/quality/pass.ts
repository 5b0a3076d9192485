/**
 * When the rules run. On every change of a license: a follower of the sequenced audit log run by the
 * kernel (src/platform/followers.ts, as the ledger's postings are) re-checks the licenses the
 * `license.*` entries since its place name, and the kernel moves its place in the same transaction
 * as the findings — never a listener inside the licenses' transaction. And in a full pass
 * (`certbridge quality run`, and the server once a day): every license, in batches read by key
 * order, then the uniqueness rules as one grouping.
 */
import type { FollowedEntry } from '../audit/index.ts';
import { countLicensesOfTypes, currentVersionsOf, currentVersionsPage } from '../licenses/index.ts';
import { catchUp, type Follower, type LogPage } from '../platform/followers.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { checkUniqueness, checkVersions, evaluateBatch, writeBatch, type Written } from './findings.ts';
import { passCompletedEvent } from './events.ts';
import type { CheckedVersion } from './rules.ts';
import { findLicenseType, licenseTypeRegistry, licenseTypesOf, type LicenseTypeDefinition, type LicenseTypeStandard } from '../standards/index.ts';
import { siblingModule, WorkerPool } from '../platform/workers/pool.ts';
import { lazyVersion, toVersion, type TypeOf, type VersionRow } from './versions.ts';
import type { EvaluatedBatch, NewFinding } from './findings.ts';

/** Licenses checked per transaction in the full pass, and leaves of the log read per transaction by the follower. */
export const PASS_BATCH = 5000;
export const FOLLOW_BATCH = 2000;

const LICENSE_EVENTS = ['issued', 'amended', 'suspended', 'reinstated', 'revoked', 'cancelled', 'expired'].map((e) => `license.${e}`);

/**
 * The rules of the full pass in a worker thread (src/quality/evaluator.ts): a page's rows go there
 * as read (the data as text) and its findings and identity keys come back, so the main thread reads
 * and writes meanwhile. After any failure of the worker, pages are evaluated here (where a rule
 * that throws fails the pass as it always did).
 */
class PageEvaluator {
  #pool: WorkerPool<{ rows: VersionRow[]; types: LicenseTypeDefinition[] }, { findings: NewFinding[]; identityKeys: (string | null)[] }> | undefined = new WorkerPool(
    siblingModule('evaluator', import.meta.url),
    1,
    null,
  );

  constructor(private readonly types: PassTypes) {}

  async evaluate(rows: VersionRow[]): Promise<EvaluatedBatch> {
    const result = this.#pool && (await this.#pool.run({ rows, types: this.types.definitions }).catch(() => this.close()));
    if (!result) return evaluateBatch(rows.map((r) => toVersion(r, this.types.typeOf)));
    return { checked: rows.map((r) => lazyVersion(r, this.types.typeOf)).filter((v) => v.standard !== undefined), findings: result.findings, identityKeys: result.identityKeys };
  }

  close(): undefined {
    void this.#pool?.close();
    this.#pool = undefined;
  }
}

/** The type versions a pass checks against: the registry's at the pass's start, so every page (and the worker) judges alike. */
interface PassTypes {
  keys: string[];
  newest: LicenseTypeStandard[];
  definitions: LicenseTypeDefinition[];
  typeOf: TypeOf;
}

function passTypes(platform: Platform): PassTypes {
  const registry = licenseTypeRegistry(platform);
  const newest = licenseTypesOf(platform);
  const versions = newest.flatMap((t) => registry.versions(t.key));
  const byVersion = new Map(versions.map((v) => [`${v.key}@${v.version}`, v]));
  return { keys: newest.map((t) => t.key), newest, definitions: versions.map((v) => v.definition), typeOf: (key, version) => byVersion.get(`${key}@${version}`) };
}

/** The registry's type versions, for the follower's re-checks. */
const registryTypeOf = (platform: Platform): TypeOf => (key, version) => findLicenseType(platform, key, version);

export interface PassResult {
  licenses: number;
  opened: number;
  resolved: number;
  /** Milliseconds the pass took. */
  ms: number;
}

export interface PassProgress {
  checked: number;
  total: number;
}

/** The full pass over every license of a type with rules; `onProgress` after each batch. */
export async function fullPass(platform: Platform, actor: string, onProgress?: (p: PassProgress) => void): Promise<PassResult> {
  const started = new Date();
  const types = passTypes(platform);
  const total = await countLicensesOfTypes(platform.store, types.keys);
  const result = { licenses: 0, opened: 0, resolved: 0 };
  const read = (after: number) => currentVersionsPage(platform.store, after, PASS_BATCH, types.keys);
  // On PostgreSQL three things overlap: the next page is read on one connection, the previous page
  // is written in its transaction on another, and this one is evaluated in a worker thread
  // (PageEvaluator) — the database, the rules' interpreter and `pg`'s parsing each keep a core busy. One write at a time, in key order. (The embedded store
  // has one connection: it reads, evaluates and writes one page after the other.)
  const overlap = platform.store.kind === 'postgres';
  const tally = (written: Written) => {
    result.opened += written.opened;
    result.resolved += written.resolved;
  };
  let writing: Promise<Written> | undefined;
  let next = read(0);
  const evaluator = overlap ? new PageEvaluator(types) : undefined;
  try {
    for (;;) {
      const rows = await next;
      const more = rows.length === PASS_BATCH;
      const last = rows.length > 0 ? Number(rows[rows.length - 1].id) : 0;
      if (more && overlap) {
        next = read(last);
        next.catch(() => undefined); // awaited at the top of the loop (unless a write failed first)
      }
      const evaluated = evaluator ? await evaluator.evaluate(rows) : evaluateBatch(rows.map((r) => toVersion(r, types.typeOf)));
      if (writing) tally(await writing);
      writing = platform.store.transaction((tx) => writeBatch(tx, evaluated, { previousKeys: false }));
      // Awaited at the next page or after the loop; a failure meanwhile is not an unhandled rejection.
      writing.catch(() => undefined);
      if (!overlap) {
        tally(await writing);
        writing = undefined;
        if (more) next = read(last);
      }
      result.licenses += rows.length;
      onProgress?.({ checked: result.licenses, total: Math.max(total, result.licenses) });
      if (!more) break;
    }
    if (writing) tally(await writing);
  } finally {
    evaluator?.close();
  }
  const unique = await platform.store.transaction(async (tx) => {
    const written = await checkUniqueness(tx, types.newest, 'all');
    const done = { licenses: result.licenses, opened: result.opened + written.opened, resolved: result.resolved + written.resolved };
    await tx.query('insert into quality_runs (started_at, licenses, opened, resolved, run_by) values ($1, $2, $3, $4, $5)', [started, done.licenses, done.opened, done.resolved, actor]);
    await platform.events.publish(tx, [passCompletedEvent({ ...done, startedAt: started.toISOString() }, actor)]);
    return done;
  });
  return { ...unique, ms: Date.now() - started.getTime() };
}

/** One page of the log, in the kernel's transaction that then moves the follower's place: the changed licenses re-checked. */
async function followPage(tx: Queryable, page: LogPage<FollowedEntry>, platform: Platform): Promise<FollowResult> {
  const identifiers = [...new Set(page.entries.filter((e) => !e.columns.licenseType || findLicenseType(platform, e.columns.licenseType)).map((e) => e.entry.subject))];
  return identifiers.length > 0 ? recheck(tx, identifiers, registryTypeOf(platform)) : { opened: 0, resolved: 0, licenses: 0 };
}

/** The follower of license changes, as the kernel runs it (a leased job) and a pass by hand does. */
export const changesFollower: Follower<FollowedEntry, FollowResult> = {
  name: 'quality.follow-changes',
  types: LICENSE_EVENTS,
  batch: FOLLOW_BATCH,
  apply: followPage,
};

/** Re-checks the licenses of these version identifiers (their current versions), uniqueness included. */
export async function recheck(tx: Queryable, identifiers: readonly string[], typeOf: TypeOf): Promise<Written & { licenses: number }> {
  const rows = await currentVersionsOf(tx, identifiers);
  const versions = rows.map((r) => toVersion(r, typeOf)).filter((v) => v.standard !== undefined);
  const written = await checkVersions(tx, versions);
  // Uniqueness by the rules of each type's newest version among the changed ones.
  const types = [...new Map(versions.map((v) => [v.licenseType, v.standard!])).values()];
  const unique = await checkUniqueness(tx, types, {
    licenseIds: versions.map((v) => v.licenseId),
    holderKeys: [...new Set([...written.previousKeys.holderKeys, ...(await keysOf(tx, versions, 'holder_key'))])],
    identityKeys: [...new Set([...written.previousKeys.identityKeys, ...(await keysOf(tx, versions, 'identity_key'))])],
  });
  return { licenses: versions.length, opened: written.opened + unique.opened, resolved: written.resolved + unique.resolved };
}

async function keysOf(tx: Queryable, versions: readonly CheckedVersion[], column: 'holder_key' | 'identity_key'): Promise<string[]> {
  const rows = await tx.query<{ k: string | null }>(`select ${column} as k from quality_checked where license_id = any($1::bigint[])`, [versions.map((v) => v.licenseId)]);
  return rows.rows.flatMap((r) => (r.k ? [r.k] : []));
}

export interface FollowResult extends Written {
  licenses: number;
}

/** Re-checks every license changed since the follower's place, page by page. */
export async function followChanges(platform: Platform, batch = FOLLOW_BATCH): Promise<FollowResult> {
  const { results } = await catchUp(platform, changesFollower, batch);
  return results.reduce((total, r) => ({ licenses: total.licenses + r.licenses, opened: total.opened + r.opened, resolved: total.resolved + r.resolved }), { licenses: 0, opened: 0, resolved: 0 });
}

/** The day (China date) of the last full pass, or undefined when none has run. */
export async function lastPassDay(db: Queryable): Promise<string | undefined> {
  const row = (await db.query<{ day: string | null }>(`select to_char(max(started_at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from quality_runs`)).rows[0];
  return row?.day ?? undefined;
}
