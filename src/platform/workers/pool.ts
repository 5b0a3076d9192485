import { Worker } from 'node:worker_threads';

/**
 * The module `name` beside `base` (an `import.meta.url`): `.ts` when running the sources (tests,
 * tsx), `.js` when running the compiled build.
 */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/**
 * A fixed pool of worker threads running one TypeScript module, each taking one job at a time.
 * Used for CPU-bound work (signing) so that it spreads over the cores.
 */
export class WorkerPool<In, Out> {
  private readonly idle: Worker[] = [];
  private readonly waiting: { job: In; resolve: (out: Out) => void; reject: (error: Error) => void }[] = [];
  private readonly all: Worker[] = [];

  constructor(entry: URL, size: number, init: unknown) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: { entry: entry.href, init } });
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run(job: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const { job, resolve, reject } = this.waiting.shift()!;
      const onMessage = (message: { ok: true; value: Out } | { ok: false; error: string }) => {
        worker.off('error', onError);
        this.idle.push(worker);
        if (message.ok) resolve(message.value);
        else reject(new Error(message.error));
        this.dispatch();
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
