/**
 * The catalog's figures for the evaluation (考核): what each department had published by a date,
 * by sharing class, and which department provides each license type. Read here, where the catalog
 * keeps its records, so that no other capability reads the catalog's tables.
 */
import type { Queryable } from '../platform/store/store.ts';

export interface CatalogCounts {
  published: number;
  unconditional: number;
  conditional: number;
  notShared: number;
}

/** Resources registered before `until`, per owning department. */
export async function catalogCountsByOwner(db: Queryable, until: Date): Promise<Map<string, CatalogCounts>> {
  const rows = await db.query<{ owner: string; published: number; unconditional: number; conditional: number; not_shared: number }>(
    `select owner_department as owner, count(*)::int as published,
            count(*) filter (where sharing_class = 'unconditional')::int as unconditional,
            count(*) filter (where sharing_class = 'conditional')::int as conditional,
            count(*) filter (where sharing_class = 'not-shared')::int as not_shared
       from catalog_resources where created_at < $1 group by owner_department`,
    [until],
  );
  return new Map(rows.rows.map((r) => [r.owner, { published: r.published, unconditional: r.unconditional, conditional: r.conditional, notShared: r.not_shared }]));
}

/** The department providing each license type: the owner of its first resource. */
export async function licenseTypeProviders(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.query<{ license_type: string; owner: string }>(
    'select distinct on (license_type) license_type, owner_department as owner from catalog_resources where license_type is not null order by license_type, created_at',
  );
  return new Map(rows.rows.map((r) => [r.license_type, r.owner]));
}
