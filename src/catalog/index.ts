// The catalog capability (its facade): data resources (政务数据资源目录), their owners, sharing
// classes, fields and access modes, version history and the DCAT-AP export. Reads and changes take
// the principal and are decided by the policies; the owner stays the owner.
import { listDepartments } from '../departments/index.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, type PolicyResource } from '../policy/index.ts';
import { findLicenseType } from '../standards/index.ts';
import {
  createResource,
  getEntry,
  listResourceVersions,
  resourcePolicyEntity,
  searchCatalog,
  typeFieldsOf,
  updateResource,
  type CatalogEntry,
  type CatalogQuery,
  type ResourceInput,
  type ResourceVersion,
} from './catalog.ts';
import { dcatCatalog } from './dcat.ts';
import { syncLicenseTypeResource } from './licenseTypeResources.ts';
import { typeEvent } from '../standards/index.ts';
import type { LicenseTypeStandard } from '../standards/index.ts';

export { ACCESS_MODES, CATALOG_CHANGES, SENSITIVITIES, SHARING_CLASSES, findResourceForLicenseType, getResource, resourcePolicyEntity, typeFieldsOf, validateResource } from './catalog.ts';
export type { AccessMode, CatalogEntry, CatalogField, CatalogQuery, CatalogResource, ResourceInput, Sensitivity, SharingClass } from './catalog.ts';
export type { CatalogEvent } from './events.ts';
export { catalogCountsByOwner, licenseTypeProviders, type CatalogCounts } from './figures.ts';

const CATALOG: PolicyResource = { type: 'Catalog', id: 'catalog' };

/** Searches the catalog (every department's staff and systems: the catalog says what exists and on what legal basis). */
export async function searchResources(platform: Platform, principal: Principal, query: CatalogQuery): Promise<{ items: CatalogEntry[]; total: number }> {
  authorize(principal, 'catalog:read', CATALOG);
  // In practice mode (练习模式) the catalog is the practice copy's.
  const owners = principal.kind === 'person' && principal.practice ? (principal.practiceDepartments ?? []) : undefined;
  return searchCatalog(platform.store, { ...query, owners });
}

/** The catalog as DCAT-AP JSON-LD. */
export async function catalogDcat(platform: Platform, principal: Principal, query: Pick<CatalogQuery, 'department' | 'sharingClass'>): Promise<unknown> {
  authorize(principal, 'catalog:read', CATALOG);
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const page = await searchCatalog(platform.store, { ...query, limit: 200, offset });
    items.push(...page.items);
    if (page.items.length < 200) break;
  }
  return dcatCatalog(platform.config.publicUrl, items, await listDepartments(platform.store), (key) => findLicenseType(platform, key));
}

export async function readResource(platform: Platform, principal: Principal, id: string): Promise<CatalogEntry> {
  const entry = await getEntry(platform.store, id);
  authorize(principal, 'catalog:read', resourcePolicyEntity(entry));
  return entry;
}

export async function resourceVersions(platform: Platform, principal: Principal, id: string): Promise<ResourceVersion[]> {
  await readResource(platform, principal, id);
  return listResourceVersions(platform.store, id);
}

/** Registers a resource of the principal's department (version 1). */
export async function registerResource(platform: Platform, principal: Principal, input: ResourceInput & { id?: string; ownerDepartment?: string }): Promise<CatalogEntry> {
  const ownerDepartment = input.ownerDepartment ?? (isStaff(principal) ? principal.departmentCode : '');
  const id = input.id ?? input.licenseType ?? input.dataset ?? 'new';
  authorize(principal, 'catalog:create', resourcePolicyEntity({ id, ownerDepartment, sharingClass: input.sharingClass }));
  return createResource(platform, { ...input, ownerDepartment }, actorOf(principal), input.licenseType ? typeFieldsOf(platform, input.licenseType) : undefined);
}

/** Describes a resource anew (its owner): the next version. */
export async function reviseResource(platform: Platform, principal: Principal, id: string, change: Parameters<typeof updateResource>[2]): Promise<CatalogEntry> {
  authorize(principal, 'catalog:update', resourcePolicyEntity(await getEntry(platform.store, id)));
  return updateResource(platform, id, change, actorOf(principal), (type) => typeFieldsOf(platform, type));
}

/**
 * Registers resources as the operator of the installation sets a catalog up (the demo's, a
 * province's first load): each one not there yet, as version 1; those already there are left.
 */
export async function seedResources(platform: Platform, resources: readonly (ResourceInput & { id: string; ownerDepartment: string })[], actor: string): Promise<void> {
  for (const resource of resources) {
    const exists = await platform.store.query('select 1 from catalog_resources where id = $1', [resource.id]);
    if (exists.rowCount === 0) await createResource(platform, resource, actor, resource.licenseType ? typeFieldsOf(platform, resource.licenseType) : undefined);
  }
}

/** The resource of a published license type owned by `ownerDepartment` (a type published without issuers; the demo), created or brought up to date. */
export async function registerLicenseTypeResource(platform: Platform, standard: LicenseTypeStandard, ownerDepartment: string, actor: string): Promise<CatalogEntry> {
  return platform.store.transaction((tx) => syncLicenseTypeResource(platform, tx, typeEvent('standards.license-type-published', standard, actor).data, ownerDepartment, actor));
}
