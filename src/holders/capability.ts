import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { holdersRoutes } from './routes.ts';

export const holdersCapability: Capability = {
  name: 'holders',
  migrations: [sqlMigration('holders', '001_holders', import.meta.url)],
  routes: holdersRoutes,
};
