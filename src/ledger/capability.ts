import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { lookupsFollower } from './postings.ts';
import { ledgerRoutes } from './routes.ts';

export const ledgerCapability: Capability = {
  name: 'ledger',
  migrations: [sqlMigration('ledger', '001_ledger', import.meta.url), sqlMigration('ledger', '002_cursor_to_kernel', import.meta.url)],
  routes: ledgerRoutes,
  // Follows the sequenced audit log and posts its lookups, run by the kernel.
  followers: [lookupsFollower],
};
