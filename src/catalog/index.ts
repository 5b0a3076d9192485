// The catalog capability: data resources (政务数据资源目录), their owners, sharing classes,
// fields and access modes, version history and the DCAT-AP export.
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { catalogRoutes } from './routes.ts';

export {
  ACCESS_MODES,
  SENSITIVITIES,
  SHARING_CLASSES,
  createResource,
  findResourceForLicenseType,
  getResource,
  listResourceVersions,
  resourcePolicyEntity,
  searchCatalog,
  updateResource,
  validateResource,
} from './catalog.ts';
export type {
  AccessMode,
  CatalogEntry,
  CatalogField,
  CatalogQuery,
  CatalogResource,
  ResourceInput,
  Sensitivity,
  SharingClass,
} from './catalog.ts';
export { demoCatalog, seedDemoCatalog, type DemoCatalogDepartments } from './seed.ts';

export const catalogCapability: Capability = {
  name: 'catalog',
  migrations: [sqlMigration('catalog', '001_catalog', import.meta.url)],
  routes: catalogRoutes,
};
