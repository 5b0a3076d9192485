/**
 * Background work run by the kernel: a capability declares its jobs (`name`, how often, `run`) and
 * the platform runs them, one loop each, with the same error handling, and reports each to
 * `platform.background` (so `/health/ready` and `/metrics` show every job this process runs). A job that must run in one process at a time (followers of the audit log, sweeps) holds a
 * lease in `job_leases`: with several processes on one database exactly one runs it, and when that
 * process dies another takes it over once the lease lapses (LEASE_MS). Work every process must do
 * for itself (flushing its own counters) says `everyProcess`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { perPlatform, type Platform } from './platform.ts';

export interface BackgroundJob {
  /** Unique across the platform, `<capability>.<what>` (also the lease's name). */
  name: string;
  /** The pause between the end of one run and the start of the next, from the platform's settings. */
  everyMs: (platform: Platform) => number;
  run: (platform: Platform) => Promise<unknown>;
  /** Runs at start rather than after the first pause. */
  atStart?: boolean;
  /** Each process runs it for itself (no lease), and once more when the process stops. */
  everyProcess?: boolean;
}

/** How long a lease lasts unless renewed: another process takes the job over at most this long after its holder died. */
export const LEASE_MS = 10_000;
/** How often a holder renews its lease while a run is under way. */
const RENEW_MS = 3_000;

/** Who holds a platform's leases: host, pid and a random part (a pid is reused across restarts; two platforms of one process are two holders). */
const holderOf = perPlatform((): string => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`);

/** What taking a lease tells: whether this holder has it, and whether the job is due (by the last run of any holder). */
interface Lease {
  held: boolean;
  /** No holder has run it yet. */
  neverRun: boolean;
  /** Its last run, by whichever holder, ended at least an interval ago. */
  due: boolean;
}

/**
 * Takes or renews the job's lease: free, lapsed or already ours → ours until now + LEASE_MS. One
 * statement, so two processes asking at once cannot both get it; the database's clock decides.
 */
async function takeLease(platform: Platform, name: string, everyMs: number): Promise<Lease> {
  const taken = await platform.store.query<{ never_run: boolean; due: boolean }>(
    `insert into job_leases (name, holder, expires_at) values ($1, $2, now() + make_interval(secs => $3))
     on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where job_leases.holder = excluded.holder or job_leases.expires_at <= now()
     returning last_run_at is null as never_run, coalesce(last_run_at <= now() - make_interval(secs => $4), false) as due`,
    [name, holderOf(platform), LEASE_MS / 1000, everyMs / 1000],
  );
  const row = taken.rows[0];
  return row ? { held: true, neverRun: row.never_run, due: row.due } : { held: false, neverRun: false, due: false };
}

/** Notes that a run ended (or, for a job's first holder, starts the clock of its interval). */
async function markRun(platform: Platform, name: string): Promise<void> {
  await platform.store.query('update job_leases set last_run_at = now() where name = $1 and holder = $2', [name, holderOf(platform)]);
}

/** Gives the lease up at stop (it lapses now), so another process need not wait for it. */
async function releaseLease(platform: Platform, name: string): Promise<void> {
  await platform.store.query('update job_leases set expires_at = now() where name = $1 and holder = $2', [name, holderOf(platform)]);
}

/**
 * Runs one job until stopped; returns its stop. A leased job beats every RENEW_MS (or its interval,
 * if shorter): the beat takes or renews the lease, and the holder runs the job when it is due by
 * the last run of any holder, so a process that takes a job over neither runs it early nor waits a
 * whole interval of its own.
 */
function startJob(platform: Platform, job: BackgroundJob): () => Promise<void> {
  const everyMs = job.everyMs(platform);
  const leased = job.everyProcess !== true;
  const health = platform.background.track(job.name, everyMs, { running: !leased });
  let held = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  const runOnce = () => job.run(platform).then(health.passed, health.failed);

  const beat = async () => {
    let lease: Lease;
    try {
      lease = await takeLease(platform, job.name, everyMs);
    } catch (error) {
      // The store is away: the job is not run, and readiness says so once it has missed enough passes.
      health.failed(new Error(`cannot take the lease: ${(error as Error).message}`));
      return;
    }
    held = lease.held;
    if (!held) return health.elsewhere();
    health.holding();
    if (lease.neverRun && !job.atStart) return markRun(platform, job.name);
    if (!lease.neverRun && !lease.due) return;
    // A long run (the daily full pass) keeps its lease; a failed renewal is tried again at the next beat.
    const renew = setInterval(() => void takeLease(platform, job.name, everyMs).catch(() => undefined), RENEW_MS);
    renew.unref();
    try {
      await runOnce();
      await markRun(platform, job.name);
    } finally {
      clearInterval(renew);
    }
  };

  const pauseMs = leased ? Math.min(everyMs, RENEW_MS) : everyMs;
  const tick = () => {
    current = (leased ? beat() : runOnce())
      .catch((error: unknown) => platform.log.warn({ err: error, job: job.name }, `${job.name}: could not note its run`))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, pauseMs);
        // The server's socket keeps the process alive; a job's timer alone must not.
        timer.unref();
      });
  };
  if (leased || job.atStart) tick();
  else {
    timer = setTimeout(tick, everyMs);
    timer.unref();
  }

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current;
    if (!leased) await runOnce();
    else if (held) await releaseLease(platform, job.name).catch(() => undefined);
    health.stopped();
  };
}

/** Starts every job; the stop ends them all and waits for runs under way. */
export function startJobs(platform: Platform, jobs: readonly BackgroundJob[]): () => Promise<void> {
  const names = new Set<string>();
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`two background jobs are named ${job.name}`);
    names.add(job.name);
  }
  const stops = jobs.map((job) => startJob(platform, job));
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
