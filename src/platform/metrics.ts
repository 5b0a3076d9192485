/**
 * Metrics in the Prometheus text format (prom-client), one registry per platform so that tests with
 * several platforms stay apart. The kernel counts HTTP requests, the store's pool and the background
 * workers; capabilities add their own (`Capability.metrics`) — counters where the thing happens,
 * gauges read from their own tables at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackgroundWork } from './background.ts';
import type { Store } from './store/store.ts';

export { Counter, Gauge, Histogram, Registry };

/** A gauge whose values are read when scraped (`read` returns one value per label set). */
export function scrapedGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { labels, value } of await read()) this.set(labels, value);
    },
  });
}

/** The kernel's own metrics: the process, the store's connections and the background workers. */
export function kernelMetrics(registry: Registry, store: Store, background: BackgroundWork): void {
  collectDefaultMetrics({ register: registry, prefix: 'certbridge_' });
  scrapedGauge(registry, 'certbridge_db_pool_connections', "connections of the store's pool by state (PostgreSQL; the embedded store has one)", ['state'], async () => {
    const pool = store.poolUse?.();
    if (!pool) return [{ labels: { state: 'total' }, value: 1 }];
    return [
      { labels: { state: 'total' }, value: pool.total },
      { labels: { state: 'idle' }, value: pool.idle },
      { labels: { state: 'waiting' }, value: pool.waiting },
      { labels: { state: 'max' }, value: pool.max },
    ];
  });
  scrapedGauge(registry, 'certbridge_worker_last_pass_age_seconds', 'seconds since each background worker of this process last passed', ['worker'], async () =>
    background.states().filter((w) => w.running).map((w) => ({ labels: { worker: w.name }, value: (Date.now() - w.lastPassAt) / 1000 })),
  );
  scrapedGauge(registry, 'certbridge_worker_failing', 'whether the last pass of each background worker failed (1) or not (0)', ['worker'], async () =>
    background.states().filter((w) => w.running).map((w) => ({ labels: { worker: w.name }, value: w.lastError === null ? 0 : 1 })),
  );
}

/** HTTP requests by route template (never the raw path: ids would make a series each) and status. */
export function httpMetrics(registry: Registry) {
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    requests: new Counter({ name: 'certbridge_http_requests_total', help: 'HTTP requests by method, route and status', labelNames, registers: [registry] }),
    duration: new Histogram({
      name: 'certbridge_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
