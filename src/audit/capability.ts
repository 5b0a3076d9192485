import type { Capability } from '../platform/capability.ts';
import { provideLogReader } from '../platform/followers.ts';
import { scrapedGauge } from '../platform/metrics.ts';
import { followLog } from './follow.ts';
import { logSize } from './size.ts';
import { logCache } from './storage.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { logAppender } from './appender.ts';
import { auditRoutes } from './routes.ts';
import { sequencerHealth, startSequencer } from './sequencing.ts';

export const auditCapability: Capability = {
  name: 'audit',
  migrations: [
    sqlMigration('audit', '001_audit', import.meta.url),
    sqlMigration('audit', '002_append_in_sql', import.meta.url),
    sqlMigration('audit', '003_bundles_and_tiles', import.meta.url),
    sqlMigration('audit', '004_tile_inner_levels', import.meta.url),
  ],
  routes: auditRoutes,
  attach: (platform) => {
    platform.events.append('', logAppender(platform));
    // The kernel runs the other capabilities' followers of the log through this reader.
    // The followers read what the indexer just read (and the appender just wrote): full bundles from memory.
    provideLogReader(platform, { read: (db, after, limit, types) => followLog(db, after, limit, types, { cache: logCache(platform) }), size: async (db) => (await logSize(db)).entries });
  },
  // The appender's signing key, read before anything is appended.
  open: (platform) => logAppender(platform).ready(),
  start: startSequencer,
  metrics: (platform) =>
    scrapedGauge(platform.metrics, 'certbridge_audit_log_entries', 'entries of the audit log: appended (all), and read by its indexer (indexed); the difference is the sequencing lag', ['state'], async () => {
      const size = await logSize(platform.store);
      return [
        { labels: { state: 'appended' }, value: size.entries },
        { labels: { state: 'indexed' }, value: size.indexed },
        { labels: { state: 'unindexed' }, value: size.entries - size.indexed },
      ];
    }),
  // Ready while the indexer keeps passing (a pass every CERTBRIDGE_AUDIT_INTERVAL_MS; more than ten missed is not alive).
  readiness: async (platform) => {
    const health = sequencerHealth(platform);
    if (!health.running) return { name: 'audit-sequencer', ok: true, detail: 'not run by this process' };
    const age = Date.now() - health.lastPassAt;
    const ok = age <= Math.max(10 * platform.config.auditIntervalMs, 5_000);
    return { name: 'audit-sequencer', ok, detail: ok ? `last pass ${age} ms ago` : `no pass for ${age} ms${health.lastError ? `: ${health.lastError}` : ''}` };
  },
};
