import { AGREEMENT_CHANGES } from '../agreements/index.ts';
import { CATALOG_CHANGES } from '../catalog/index.ts';
import { Counter } from '../platform/metrics.ts';
import { perPlatform, type Platform } from '../platform/platform.ts';
import { openStore, type Queryable, type Store } from '../platform/store/store.ts';
import { GrantCache } from './grantCache.ts';
import { DailyQuotas } from './quota.ts';
import { AccessRecorder } from './recorder.ts';

/** The exchange's per-platform state: caches, quota counters, the access recorder. */
export interface ExchangeRuntime {
  platform: Platform;
  grants: GrantCache;
  quotas: DailyQuotas;
  recorder: AccessRecorder;
  /** Closes what the runtime opened (the recorder's own connections). */
  close(): Promise<void>;
}

/**
 * The access recorder's own connections on PostgreSQL: its flushes must not queue in the pool
 * behind the very lookups that wait for them (with 64 requests in flight and 10 pooled
 * connections, a flush would wait for dozens of lookups first). Opened on first use.
 */
function recorderStore(platform: Platform, connections: number): { store: Store; close: () => Promise<void> } {
  if (platform.store.kind !== 'postgres' || !platform.config.databaseUrl) return { store: platform.store, close: async () => undefined };
  let opened: Promise<Store> | undefined;
  const get = () => {
    if (!opened) {
      const opening = openStore({ databaseUrl: platform.config.databaseUrl, poolSize: connections });
      // An attempt made while the database was unreachable is not kept: the next record tries again.
      opening.catch(() => {
        if (opened === opening) opened = undefined;
      });
      opened = opening;
    }
    return opened;
  };
  const store: Store = {
    kind: 'postgres',
    query: async <T>(sql: string, params?: unknown[], options?: { name?: string }) => (await get()).query<T>(sql, params, options),
    exec: async (sql: string) => (await get()).exec(sql),
    afterCommit: (effect: () => void) => effect(),
    transaction: async <T>(work: (tx: Queryable) => Promise<T>) => (await get()).transaction(work),
    exclusive: async <T>(work: () => Promise<T>) => (await get()).exclusive(work),
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
  return { store, close: () => store.close() };
}

/** Lookups, batches and event deliveries by outcome and, when refused, the problem's code (a bounded set). */
export const accessCounter = perPlatform(
  (platform) =>
    new Counter({
      name: 'certbridge_exchange_accesses_total',
      help: 'exchange accesses (lookup, batch, event) by outcome and refusal reason (the problem code; none when allowed)',
      labelNames: ['operation', 'outcome', 'reason'],
      registers: [platform.metrics],
    }),
);

/** The exchange's state of a platform: made on first use; agreement and catalog changes empty its grant cache as they commit. */
export const exchangeRuntime = perPlatform((platform): ExchangeRuntime => {
  const quotas = new DailyQuotas(platform.store);
  const flushes = platform.config.accessFlushes;
  const own = recorderStore(platform, flushes);
  const grants = new GrantCache(platform.store, platform.config.grantCacheMs);
  // Agreements and catalog entries decide what the exchange lets through.
  platform.changes.on(AGREEMENT_CHANGES, () => grants.invalidate());
  platform.changes.on(CATALOG_CHANGES, () => grants.invalidate());
  platform.changes.onReset(() => grants.invalidate());
  return {
    platform,
    grants,
    quotas,
    recorder: new AccessRecorder(own.store, platform.events, quotas, {
      maxBatch: platform.config.accessBatch,
      maxInFlight: flushes,
      onRecord: (r) => accessCounter(platform).inc({ operation: r.operation, outcome: r.outcome, reason: r.problem ?? 'none' }),
    }),
    close: own.close,
  };
});
