import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { attachLicenseTypeResources } from './licenseTypeResources.ts';
import { catalogRoutes } from './routes.ts';

export const catalogCapability: Capability = {
  name: 'catalog',
  migrations: [sqlMigration('catalog', '001_catalog', import.meta.url), sqlMigration('catalog', '002_conditions_en', import.meta.url)],
  routes: catalogRoutes,
  attach: attachLicenseTypeResources,
};
