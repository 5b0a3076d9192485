/**
 * Background work run by the kernel: a capability declares its jobs (`name`, how often, `run`) and
 * the platform runs them, one loop each, with the same error handling, health and readiness for
 * all. A job that must run in one process at a time (followers of the audit log, sweeps) holds a
 * lease in `job_leases`: with several processes on one database exactly one runs it, and when that
 * process dies another takes it over once the lease lapses (LEASE_MS). Work every process must do
 * for itself (flushing its own counters) says `everyProcess`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { HealthCheck } from './http/health.ts';
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

/** How a job is doing in this process, for /health/ready and the metrics. */
export interface JobState {
  name: string;
  everyMs: number;
  /** Whether the job runs in one process at a time (under a lease) rather than in every process. */
  leased: boolean;
  /** Whether this process runs it: holds its lease, or it is an every-process job. */
  held: boolean;
  runs: number;
  failures: number;
  /** When the last run ended without error (or the job started), ms since the epoch. */
  lastSuccessAt: number;
  lastError: string | null;
}

/** How long a lease lasts unless renewed: another process takes the job over at most this long after its holder died. */
export const LEASE_MS = 10_000;
/** How often a holder renews its lease while a run is under way. */
const RENEW_MS = 3_000;

/** Who holds a platform's leases: host, pid and a random part (a pid is reused across restarts; two platforms of one process are two holders). */
const holderOf = perPlatform((): string => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`);

const states = perPlatform((): Map<string, JobState> => new Map());

/** The states of the jobs this process runs. */
export const jobStates = (platform: Platform): JobState[] => [...states(platform).values()];

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
  const state: JobState = { name: job.name, everyMs, leased, held: !leased, runs: 0, failures: 0, lastSuccessAt: Date.now(), lastError: null };
  states(platform).set(job.name, state);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  const runOnce = async () => {
    try {
      await job.run(platform);
      if (state.lastError !== null) platform.log.info({ job: job.name }, `${job.name}: works again`);
      state.lastSuccessAt = Date.now();
      state.lastError = null;
    } catch (error) {
      // Said once per run of failures (readiness keeps saying it), not at every interval.
      if (state.lastError === null) platform.log.warn({ err: error, job: job.name }, `${job.name} failed; trying again at every interval`);
      state.failures++;
      state.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      state.runs++;
    }
  };

  const beat = async () => {
    let lease: Lease;
    try {
      lease = await takeLease(platform, job.name, everyMs);
    } catch (error) {
      state.held = false;
      state.lastError = `cannot take the lease: ${(error as Error).message}`;
      return;
    }
    if (!lease.held) {
      state.held = false;
      return;
    }
    if (!state.held) state.lastSuccessAt = Date.now();
    state.held = true;
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
    else if (state.held) await releaseLease(platform, job.name).catch(() => undefined);
    states(platform).delete(job.name);
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

/**
 * Ready while every job this process holds keeps succeeding: one that has not succeeded for ten of
 * its intervals fails the check, named with its last error. Jobs held elsewhere are that process's
 * to report.
 */
export async function jobsReadiness(platform: Platform): Promise<HealthCheck> {
  const now = Date.now();
  const held = jobStates(platform).filter((s) => s.held);
  const stale = held.filter((s) => now - s.lastSuccessAt > 10 * s.everyMs);
  if (stale.length > 0) {
    return { name: 'background-jobs', ok: false, detail: stale.map((s) => `${s.name}: no success for ${now - s.lastSuccessAt} ms${s.lastError ? ` (${s.lastError})` : ''}`).join('; ') };
  }
  const leased = jobStates(platform).filter((s) => s.leased);
  const here = leased.filter((s) => s.held);
  return { name: 'background-jobs', ok: true, detail: `${here.length} of ${leased.length} leased jobs run here${here.length > 0 ? `: ${here.map((s) => s.name).join(', ')}` : ''}` };
}
