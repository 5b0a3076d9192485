/**
 * The server's background work as registered services (EDC's lifecycle, not a timer per module):
 * each worker has a name and an interval, runs its passes one after another, and reports each pass,
 * so that `/health/ready` lists every worker (alive while it keeps passing) and `/metrics` shows how
 * long ago each one last passed.
 */
import type { HealthCheck } from './http/health.ts';
import type { Logger } from './log.ts';

export interface WorkerState {
  name: string;
  intervalMs: number;
  running: boolean;
  lastPassAt: number;
  lastError: string | null;
}

/** What a worker with its own loop reports. */
export interface WorkerBeat {
  passed(): void;
  failed(error: unknown): void;
  stopped(): void;
  /** Runs in this process again (a job whose lease it took): checked from now on. */
  holding(): void;
  /** Runs in another process for now (a job whose lease another holds): not this process's to report. */
  elsewhere(): void;
}

/**
 * A worker is alive while its last good pass is no older than ten intervals, and at least thirty
 * seconds: one long pass on a loaded machine (a deliverer's first pass over a seeded outbox) must
 * not take a node out of the load balancer.
 */
const MISSED_PASSES = 10;
const AT_LEAST_MS = 30_000;

export class BackgroundWork {
  private readonly workers = new Map<string, WorkerState>();

  constructor(private readonly log: Logger) {}

  /**
   * Registers a worker that runs its own loop; it reports through the returned beat. A worker that
   * must first take a lease starts `running: false`, so that until it holds the lease no other
   * process's job is reported as this one's.
   */
  track(name: string, intervalMs: number, options: { running?: boolean } = {}): WorkerBeat {
    const state: WorkerState = { name, intervalMs, running: options.running ?? true, lastPassAt: Date.now(), lastError: null };
    this.workers.set(name, state);
    return {
      passed: () => {
        if (state.lastError !== null) this.log.info(`${name}: works again`);
        state.lastPassAt = Date.now();
        state.lastError = null;
      },
      failed: (error) => {
        // Said once per run of failures (the readiness check keeps saying it), not every interval.
        if (state.lastError === null) this.log.warn({ err: error }, `${name}: a pass failed; trying again at every interval`);
        state.lastError = (error as Error)?.message ?? String(error);
      },
      stopped: () => {
        state.running = false;
      },
      holding: () => {
        if (state.running) return;
        state.running = true;
        state.lastPassAt = Date.now();
      },
      elsewhere: () => {
        state.running = false;
      },
    };
  }

  /**
   * Runs `pass` every `intervalMs` after the previous pass ended (the first at once when `atStart`,
   * else after one interval); returns the stop, which waits for the pass in flight.
   */
  every(name: string, intervalMs: number, pass: () => Promise<unknown>, options: { atStart?: boolean } = {}): () => Promise<void> {
    const beat = this.track(name, intervalMs);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let current: Promise<unknown> = Promise.resolve();
    const tick = () => {
      current = pass()
        .then(beat.passed, beat.failed)
        .finally(() => {
          if (stopped) return;
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        });
    };
    if (options.atStart) tick();
    else {
      timer = setTimeout(tick, intervalMs);
      timer.unref();
    }
    return async () => {
      stopped = true;
      beat.stopped();
      if (timer) clearTimeout(timer);
      await current;
    };
  }

  /** Every worker this process runs (or ran). */
  states(): WorkerState[] {
    return [...this.workers.values()];
  }

  /** One readiness check per running worker. */
  checks(now = Date.now()): HealthCheck[] {
    return this.states()
      .filter((w) => w.running)
      .map((w) => {
        const age = now - w.lastPassAt;
        const ok = age <= Math.max(MISSED_PASSES * w.intervalMs, AT_LEAST_MS);
        return { name: w.name, ok, detail: ok ? `last pass ${age} ms ago` : `no pass for ${age} ms${w.lastError ? `: ${w.lastError}` : ''}` };
      });
  }
}
