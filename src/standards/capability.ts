import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { licenseTypeRegistry, shippedTypeMigrations } from './licenseTypes.ts';
import { standardRoutes } from './routes.ts';

export const standardsCapability: Capability = {
  name: 'standards',
  // After departments: the registry of authorised issuers names departments. The shipped type
  // documents (./types) are published by migrations of their own.
  migrations: [sqlMigration('standards', '001_license_type_issuers', import.meta.url), sqlMigration('standards', '002_license_type_versions', import.meta.url), ...shippedTypeMigrations()],
  routes: standardRoutes,
  // Every capability asks for license types synchronously: they are in memory before anything runs.
  open: (platform) => licenseTypeRegistry(platform).load(),
};
