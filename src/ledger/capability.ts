import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { FOLLOW_INTERVAL_MS } from './postings.ts';
import { ledgerRoutes } from './routes.ts';
import { postLookups } from './index.ts';

export const ledgerCapability: Capability = {
  name: 'ledger',
  migrations: [sqlMigration('ledger', '001_ledger', import.meta.url)],
  routes: ledgerRoutes,
  // Follows the sequenced audit log and posts its lookups, as the platform's own background work.
  jobs: [{ name: 'ledger.post-lookups', everyMs: () => FOLLOW_INTERVAL_MS, run: (platform) => postLookups(platform, systemPrincipal('ledger')) }],
};
