import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { standardRoutes } from './routes.ts';

export const standardsCapability: Capability = {
  name: 'standards',
  // After departments: the registry of authorised issuers names departments.
  migrations: [sqlMigration('standards', '001_license_type_issuers', import.meta.url)],
  routes: standardRoutes,
};
