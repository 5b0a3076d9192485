import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { followerLag } from '../platform/metrics.ts';
import { logSize } from '../audit/index.ts';
import { followerHealth, startFollower } from './postings.ts';
import { ledgerRoutes } from './routes.ts';
import { postLookups } from './index.ts';

export const ledgerCapability: Capability = {
  name: 'ledger',
  migrations: [sqlMigration('ledger', '001_ledger', import.meta.url)],
  routes: ledgerRoutes,
  // Follows the sequenced audit log and posts its lookups, as the platform's own background work.
  metrics: (platform) =>
    followerLag(platform.metrics, 'ledger', async () => {
      const cursor = Number((await platform.store.query<{ last_index: number }>('select last_index from ledger_cursor')).rows[0].last_index);
      return (await logSize(platform.store)).entries - (cursor + 1);
    }),
  start: (platform) => startFollower(platform, () => postLookups(platform, systemPrincipal('ledger'))),
  // Ready while the follower keeps passing (one every interval; ten missed is not alive).
  readiness: async (platform) => {
    const health = followerHealth(platform);
    if (!health.running) return { name: 'ledger-follower', ok: true, detail: 'not run by this process' };
    const age = Date.now() - health.lastPassAt;
    const ok = age <= 10 * health.intervalMs;
    return { name: 'ledger-follower', ok, detail: ok ? `last pass ${age} ms ago` : `no pass for ${age} ms${health.lastError ? `: ${health.lastError}` : ''}` };
  },
};
