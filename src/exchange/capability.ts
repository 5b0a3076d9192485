import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { accessCounter, exchangeRuntime } from './exchangeState.ts';
import { exchangeRoutes } from './routes.ts';

export const exchangeCapability: Capability = {
  name: 'exchange',
  migrations: [
    sqlMigration('exchange', '001_exchange', import.meta.url),
    sqlMigration('exchange', '002_quota_shards', import.meta.url),
    sqlMigration('exchange', '003_access_indexes', import.meta.url),
    sqlMigration('exchange', '004_access_records_are_audit_entries', import.meta.url),
  ],
  routes: exchangeRoutes,
  // The grant cache listens to agreement and catalog changes from the start, in every process.
  attach: (platform) => void exchangeRuntime(platform),
  metrics: (platform) => void accessCounter(platform),
  start: (platform) => async () => {
    // The server still answers until it closes: the recorder's connections stay open for it (the process ends them).
    await exchangeRuntime(platform).recorder.drained();
  },
};
