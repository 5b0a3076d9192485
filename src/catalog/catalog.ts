import type { ChangeFeed } from '../platform/changes.ts';
import type { DomainEvents } from '../platform/events.ts';
import { resourceEvent } from './events.ts';
import { conflict, DomainError, invalid } from '../platform/errors.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import { notPracticeSql } from '../platform/practiceCodes.ts';
import type { PolicyResource } from '../policy/index.ts';
import { findLicenseType } from '../standards/index.ts';
import type { Platform } from '../platform/platform.ts';

export const SHARING_CLASSES = ['unconditional', 'conditional', 'not-shared'] as const;
/** 无条件共享 / 有条件共享 / 不予共享 (政务数据共享条例). */
export type SharingClass = (typeof SHARING_CLASSES)[number];
export const SENSITIVITIES = ['public', 'internal', 'sensitive'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
export const ACCESS_MODES = ['query', 'subscription', 'bulk'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

export interface CatalogField {
  name: string;
  sensitivity: Sensitivity;
  title?: string;
  titleEn?: string;
  /** The field's own sharing class (a license type's definition sets one per field); the resource's when absent. */
  sharingClass?: SharingClass;
}

/** A data resource of the catalog (政务数据资源目录). */
export interface CatalogResource {
  id: string;
  ownerDepartment: string;
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  licenseType: string | null;
  dataset: string | null;
  fields: CatalogField[];
  sharingClass: SharingClass;
  /** The sharing conditions (Chinese), and the same in English (null: not written in English). */
  conditions: string | null;
  conditionsEn: string | null;
  legalBasis: string | null;
  updateCycle: string;
  accessModes: AccessMode[];
  serviceLevel: Record<string, unknown>;
  version: number;
}

/** A resource with its bookkeeping, as the API shows it. */
export interface CatalogEntry extends CatalogResource {
  createdAt: string;
  updatedAt: string;
}

/** What an owner writes: everything but the id, the owner and the version. */
export interface ResourceInput {
  title: string;
  titleEn: string;
  description?: string;
  descriptionEn?: string;
  licenseType?: string | null;
  dataset?: string | null;
  fields: CatalogField[];
  sharingClass: SharingClass;
  conditions?: string | null;
  conditionsEn?: string | null;
  legalBasis?: string | null;
  updateCycle: string;
  accessModes: AccessMode[];
  serviceLevel?: object;
}

export interface CatalogContext {
  store: Store;
  events: DomainEvents;
  changes: ChangeFeed;
}

/** The titles of a license type's fields, by name: what a resource exposing the type may list. */
export type TypeFields = ReadonlyMap<string, { title?: string; titleEn?: string }>;

/** The fields of a license type the platform serves (its newest version). */
export function typeFieldsOf(platform: Platform, licenseType: string): TypeFields | undefined {
  const standard = findLicenseType(platform, licenseType);
  if (!standard) return undefined;
  return new Map(Object.entries(standard.dataSchema.properties).map(([name, schema]) => [name, { title: schema.title, titleEn: schema['x-title-en'] }]));
}

/** Announced when a resource changes: what the exchange keeps of the catalog is forgotten (in every process). */
export const CATALOG_CHANGES = 'catalog.resource';

const SLUG = /^[a-z0-9][a-z0-9-]{1,63}$/;

interface ResourceRow {
  id: string;
  owner_department: string;
  title: string;
  title_en: string;
  description: string;
  description_en: string;
  license_type: string | null;
  dataset: string | null;
  fields: CatalogField[];
  sharing_class: SharingClass;
  conditions: string | null;
  conditions_en: string | null;
  legal_basis: string | null;
  update_cycle: string;
  access_modes: AccessMode[];
  service_level: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, owner_department, title, title_en, description, description_en, license_type, dataset, fields,
  sharing_class, conditions, conditions_en, legal_basis, update_cycle, access_modes, service_level, version, created_at, updated_at`;

function toEntry(r: ResourceRow): CatalogEntry {
  return {
    id: r.id,
    ownerDepartment: r.owner_department,
    title: r.title,
    titleEn: r.title_en,
    description: r.description,
    descriptionEn: r.description_en,
    licenseType: r.license_type,
    dataset: r.dataset,
    fields: r.fields,
    sharingClass: r.sharing_class,
    conditions: r.conditions,
    conditionsEn: r.conditions_en,
    legalBasis: r.legal_basis,
    updateCycle: r.update_cycle,
    accessModes: r.access_modes,
    serviceLevel: r.service_level,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The interface other capabilities code against: the resource without bookkeeping. */
export function toResource(entry: CatalogEntry): CatalogResource {
  const { createdAt: _c, updatedAt: _u, ...resource } = entry;
  return resource;
}

/** What the policies see of a resource. */
export const resourcePolicyEntity = (r: Pick<CatalogResource, 'id' | 'ownerDepartment' | 'sharingClass'>): PolicyResource => ({
  type: 'CatalogResource',
  id: r.id,
  attrs: { ownerDepartment: r.ownerDepartment, sharingClass: r.sharingClass },
});

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

/**
 * Checks a resource against the catalog's rules and fills what the standard already says
 * (field titles of a license type, given as `typeFields`). Throws a problem naming the first field at fault.
 */
export function validateResource(input: ResourceInput, typeFields: TypeFields | undefined): ResourceInput {
  if (blank(input.licenseType) && blank(input.dataset)) {
    throw new DomainError('invalid', 'missing-field', 'a resource exposes a license type (licenseType) or a dataset (dataset)', { field: '/licenseType' });
  }
  if (!blank(input.dataset) && !SLUG.test(input.dataset!)) {
    throw invalid('validation-failed', '/dataset must be a lowercase key such as tax-credit-rating', '/dataset');
  }
  if (input.sharingClass === 'not-shared' && blank(input.legalBasis)) {
    throw new DomainError('invalid', 'missing-field', 'a not-shared (不予共享) resource must cite its legal basis', { field: '/legalBasis' });
  }
  if (input.sharingClass === 'conditional' && blank(input.conditions)) {
    throw new DomainError('invalid', 'missing-field', 'a conditional (有条件共享) resource must state its sharing conditions', { field: '/conditions' });
  }
  if (input.fields.length === 0) throw invalid('validation-failed', 'a resource has at least one field', '/fields');
  const seen = new Set<string>();
  if (!blank(input.licenseType) && !typeFields) throw invalid('unknown-license-type', `unknown license type ${input.licenseType}`, '/licenseType');
  const fields = input.fields.map((field, i) => {
    if (seen.has(field.name)) throw invalid('validation-failed', `field ${field.name} is listed twice`, `/fields/${i}/name`);
    seen.add(field.name);
    if (blank(input.licenseType)) return field;
    const defined = typeFields!.get(field.name);
    if (!defined) {
      throw invalid('field-not-in-standard', `${field.name} is not a field of license type ${input.licenseType}`, `/fields/${i}/name`);
    }
    return { ...field, title: field.title ?? defined.title, titleEn: field.titleEn ?? defined.titleEn };
  });
  if (new Set(input.accessModes).size !== input.accessModes.length || input.accessModes.length === 0) {
    throw invalid('validation-failed', 'accessModes lists each of query, subscription, bulk at most once, and at least one', '/accessModes');
  }
  return {
    ...input,
    licenseType: blank(input.licenseType) ? null : input.licenseType,
    dataset: blank(input.dataset) ? null : input.dataset,
    description: input.description ?? '',
    descriptionEn: input.descriptionEn ?? '',
    conditions: blank(input.conditions) ? null : input.conditions,
    // English conditions without the Chinese ones would be shown to no one: they go with them.
    conditionsEn: blank(input.conditions) || blank(input.conditionsEn) ? null : input.conditionsEn,
    legalBasis: blank(input.legalBasis) ? null : input.legalBasis,
    serviceLevel: input.serviceLevel ?? {},
    fields: fields.map((f) => ({
      name: f.name,
      sensitivity: f.sensitivity,
      ...(f.title !== undefined ? { title: f.title } : {}),
      ...(f.titleEn !== undefined ? { titleEn: f.titleEn } : {}),
      ...(f.sharingClass !== undefined ? { sharingClass: f.sharingClass } : {}),
    })),
  };
}


async function recordVersion(tx: Queryable, entry: CatalogEntry, actor: string, reason: string | null): Promise<void> {
  await tx.query('insert into catalog_resource_versions (resource_id, version, resource, reason, created_by) values ($1, $2, $3, $4, $5)', [
    entry.id,
    entry.version,
    JSON.stringify(toResource(entry)),
    reason,
    actor,
  ]);
}

/**
 * Registers a resource of `ownerDepartment` as version 1; `within`: the caller's transaction (a
 * license type's publication registers its resource).
 */
export async function createResource(
  ctx: CatalogContext,
  input: ResourceInput & { id?: string; ownerDepartment: string },
  actor: string,
  typeFields: TypeFields | undefined,
  within?: Queryable,
): Promise<CatalogEntry> {
  const r = validateResource(input, typeFields);
  const id = input.id ?? r.licenseType ?? r.dataset!;
  if (!SLUG.test(id)) throw invalid('validation-failed', '/id must be a lowercase key of 2–64 letters, digits and hyphens', '/id');
  const inTransaction = <T>(work: (tx: Queryable) => Promise<T>) => (within ? work(within) : ctx.store.transaction(work));
  return inTransaction(async (tx) => {
    const clashes = async () => {
      const clash = await tx.query<{ id: string; license_type: string | null }>(
        'select id, license_type from catalog_resources where id = $1 or (license_type is not null and license_type = $2)',
        [id, r.licenseType],
      );
      if (clash.rows.some((c) => c.id === id)) return conflict('resource-exists', `the catalog already has a resource ${id}`, '/id');
      if (clash.rows.length > 0) return conflict('resource-exists', `license type ${r.licenseType} is already in the catalog as ${clash.rows[0].id}`, '/licenseType');
      return undefined;
    };
    const before = await clashes();
    if (before) throw before;
    // Two registrations racing past the check: the database's unique keys decide, and the loser is told so (409).
    const row = await tx.query<ResourceRow>(
      `insert into catalog_resources (id, owner_department, title, title_en, description, description_en, license_type, dataset, fields,
                                      sharing_class, conditions, legal_basis, update_cycle, access_modes, service_level, version,
                                      created_by, updated_by, conditions_en)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, $17)
       on conflict do nothing
       returning ${COLUMNS}`,
      [
        id,
        input.ownerDepartment,
        r.title,
        r.titleEn,
        r.description,
        r.descriptionEn,
        r.licenseType,
        r.dataset,
        JSON.stringify(r.fields),
        r.sharingClass,
        r.conditions,
        r.legalBasis,
        r.updateCycle,
        r.accessModes,
        JSON.stringify(r.serviceLevel),
        actor,
        r.conditionsEn,
      ],
    );
    if (row.rows.length === 0) throw (await clashes()) ?? conflict('resource-exists', `the catalog already has a resource ${id}`, '/id');
    const entry = toEntry(row.rows[0]);
    await recordVersion(tx, entry, actor, null);
    await ctx.events.publish(tx, [resourceEvent('catalog.resource-created', toResource(entry), actor)]);
    await ctx.changes.announce(tx, CATALOG_CHANGES, entry.id);
    return entry;
  });
}

const editable = (r: CatalogResource | ResourceInput) => ({
  title: r.title,
  titleEn: r.titleEn,
  description: r.description ?? '',
  descriptionEn: r.descriptionEn ?? '',
  licenseType: r.licenseType ?? null,
  dataset: r.dataset ?? null,
  fields: r.fields,
  sharingClass: r.sharingClass,
  conditions: r.conditions ?? null,
  conditionsEn: r.conditionsEn ?? null,
  legalBasis: r.legalBasis ?? null,
  updateCycle: r.updateCycle,
  accessModes: r.accessModes,
  serviceLevel: r.serviceLevel ?? {},
});

/**
 * Changes a resource: `change` is merged over the current version (a PUT sends all of it, a
 * PATCH some), checked again, and written as the next version. The license type is part of
 * the resource's identity and does not change. An unchanged resource keeps its version.
 */
export async function updateResource(
  ctx: CatalogContext,
  id: string,
  change: Partial<ResourceInput> & { reason?: string; version?: number },
  actor: string,
  typeFields: (licenseType: string) => TypeFields | undefined,
  within?: Queryable,
): Promise<CatalogEntry> {
  const inTransaction = <T>(work: (tx: Queryable) => Promise<T>) => (within ? work(within) : ctx.store.transaction(work));
  return inTransaction(async (tx) => {
    const current = await getEntry(tx, id, true);
    if (change.version !== undefined && change.version !== current.version) {
      throw conflict('version-conflict', `resource ${id} is at version ${current.version}, not ${change.version}`, '/version');
    }
    const { reason, version: _v, ...fields } = change;
    const merged = { ...editable(current), ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) } as ResourceInput;
    if ((merged.licenseType ?? null) !== current.licenseType) {
      throw invalid('validation-failed', 'the license type of a resource does not change; register a new resource instead', '/licenseType');
    }
    const r = validateResource(merged, merged.licenseType ? typeFields(merged.licenseType) : undefined);
    if (JSON.stringify(editable(r)) === JSON.stringify(editable(current))) return current;
    const row = await tx.query<ResourceRow>(
      `update catalog_resources set title = $2, title_en = $3, description = $4, description_en = $5, dataset = $6, fields = $7,
              sharing_class = $8, conditions = $9, legal_basis = $10, update_cycle = $11, access_modes = $12, service_level = $13,
              version = version + 1, updated_at = now(), updated_by = $14, conditions_en = $15
        where id = $1 returning ${COLUMNS}`,
      [
        id,
        r.title,
        r.titleEn,
        r.description,
        r.descriptionEn,
        r.dataset,
        JSON.stringify(r.fields),
        r.sharingClass,
        r.conditions,
        r.legalBasis,
        r.updateCycle,
        r.accessModes,
        JSON.stringify(r.serviceLevel),
        actor,
        r.conditionsEn,
      ],
    );
    const entry = toEntry(row.rows[0]);
    await recordVersion(tx, entry, actor, reason ?? null);
    await ctx.events.publish(tx, [resourceEvent('catalog.resource-updated', toResource(entry), actor, reason)]);
    await ctx.changes.announce(tx, CATALOG_CHANGES, entry.id);
    return entry;
  });
}

export async function getEntry(db: Queryable, id: string, lock = false): Promise<CatalogEntry> {
  const row = (await db.query<ResourceRow>(`select ${COLUMNS} from catalog_resources where id = $1 ${lock ? 'for update' : ''}`, [id])).rows[0];
  if (!row) throw new DomainError('not-found', 'resource-not-found', `the catalog has no resource ${id}`);
  return toEntry(row);
}

/** One resource; a 404 problem `resource-not-found` when there is none. */
export async function getResource(db: Queryable, id: string): Promise<CatalogResource> {
  return toResource(await getEntry(db, id));
}

/** The resource that exposes a license type, if the catalog has one. */
export async function findResourceForLicenseType(db: Queryable, licenseType: string): Promise<CatalogResource | undefined> {
  const row = (await db.query<ResourceRow>(`select ${COLUMNS} from catalog_resources where license_type = $1`, [licenseType])).rows[0];
  return row ? toResource(toEntry(row)) : undefined;
}

export interface CatalogQuery {
  q?: string;
  department?: string;
  sharingClass?: SharingClass;
  licenseType?: string;
  accessMode?: AccessMode;
  /** Only these owners' resources (a practice copy's, in practice mode); otherwise the real catalog, without practice copies'. */
  owners?: readonly string[];
  limit?: number;
  offset?: number;
}

/** Searches the catalog: `q` matches ids, titles and descriptions (zh and en); filters combine. */
export async function searchCatalog(db: Queryable, query: CatalogQuery): Promise<{ items: CatalogEntry[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.q && query.q.trim() !== '') {
    const like = param(`%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(id ilike ${like} or title ilike ${like} or title_en ilike ${like} or description ilike ${like} or description_en ilike ${like}
                 or coalesce(license_type, '') ilike ${like} or coalesce(dataset, '') ilike ${like})`);
  }
  if (query.department) where.push(`owner_department = ${param(query.department)}`);
  if (query.sharingClass) where.push(`sharing_class = ${param(query.sharingClass)}`);
  if (query.licenseType) where.push(`license_type = ${param(query.licenseType)}`);
  if (query.accessMode) where.push(`${param(query.accessMode)} = any(access_modes)`);
  if (query.owners) where.push(`owner_department = any(${param([...query.owners])}::text[])`);
  else where.push(notPracticeSql('owner_department'));
  const limit = param(query.limit ?? 50);
  const offset = param(query.offset ?? 0);
  const rows = await db.query<ResourceRow & { total: number }>(
    `select ${COLUMNS}, count(*) over () as total from catalog_resources
      ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
      order by owner_department, id limit ${limit} offset ${offset}`,
    params,
  );
  let total = rows.rows[0] ? Number(rows.rows[0].total) : 0;
  if (rows.rows.length === 0 && (query.offset ?? 0) > 0) {
    // Past the last page: the window count is not there to read, so count apart.
    total = Number((await db.query<{ n: number }>(`select count(*)::int as n from catalog_resources ${where.length > 0 ? `where ${where.join(' and ')}` : ''}`, params.slice(0, -2))).rows[0].n);
  }
  return { items: rows.rows.map(toEntry), total };
}

export interface ResourceVersion {
  version: number;
  resource: CatalogResource;
  reason: string | null;
  createdAt: string;
  createdBy: string;
}

/** Every version of a resource, oldest first. */
export async function listResourceVersions(db: Queryable, id: string): Promise<ResourceVersion[]> {
  await getEntry(db, id);
  const rows = await db.query<{ version: number; resource: CatalogResource; reason: string | null; created_at: Date; created_by: string }>(
    'select version, resource, reason, created_at, created_by from catalog_resource_versions where resource_id = $1 order by version',
    [id],
  );
  return rows.rows.map((r) => ({ version: r.version, resource: r.resource, reason: r.reason, createdAt: r.created_at.toISOString(), createdBy: r.created_by }));
}
