import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { followerLag } from '../platform/metrics.ts';
import { logSize } from '../audit/index.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { FOLLOW_INTERVAL_MS } from './postings.ts';
import { ledgerRoutes } from './routes.ts';
import { postLookups } from './index.ts';

export const ledgerCapability: Capability = {
  name: 'ledger',
  migrations: [sqlMigration('ledger', '001_ledger', import.meta.url)],
  routes: ledgerRoutes,
  metrics: (platform) =>
    followerLag(platform.metrics, 'ledger', async () => {
      const cursor = Number((await platform.store.query<{ last_index: number }>('select last_index from ledger_cursor')).rows[0].last_index);
      return (await logSize(platform.store)).entries - (cursor + 1);
    }),
  // Follows the sequenced audit log and posts its lookups, as the platform's own background work.
  jobs: [{ name: 'ledger.post-lookups', everyMs: () => FOLLOW_INTERVAL_MS, run: (platform) => postLookups(platform, systemPrincipal('ledger')) }],
};
