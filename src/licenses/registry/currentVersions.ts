/**
 * Licenses' current versions as other capabilities read them in bulk (the quality rules' full pass
 * and re-checks, departments' consistency reports): read here, where the licenses keep them, so
 * that no other capability reads the licenses' tables.
 */
import type { Queryable } from '../../platform/store/store.ts';

/** A license and its current version, as stored (the data parsed, or as text where asked for). */
export interface CurrentVersionRow {
  id: string;
  type_key: string;
  type_version: string;
  issuer_code: string;
  holder_code: string;
  holder_code_type: string;
  status: string;
  current_version: number;
  identifier: string;
  data: Record<string, unknown> | string;
  created_at: Date | string;
}

const SELECT = `select l.id, l.type_key, l.type_version, l.issuer_code, l.holder_code, l.holder_code_type, l.status, l.current_version, v.identifier, v.data, v.created_at
  from licenses l join license_versions v on v.license_id = l.id and v.version = l.current_version`;

/**
 * One page of licenses of these types by id after `after`, the data as text (a reader in another
 * thread parses it). The bound is given on both sides of the join (v.license_id > $1 as well as
 * l.id > $1): a prepared statement is planned generically after five runs, and the generic plan is a
 * merge join of the two primary keys — with the bound on licenses alone it walked license_versions
 * from its first row on every page, so each page cost more than the last (O(n²) over a full pass:
 * 2.7 s a page at 900,000 of 1,000,000 rows, against 0.04 s with both bounds; EXPLAIN in
 * docs/benchmarks.md).
 */
const PAGE = `${SELECT.replace('v.data,', 'v.data::text as data,')} where l.id > $1 and v.license_id > $1 and l.type_key = any($3::text[]) order by l.id limit $2`;

export async function currentVersionsPage(db: Queryable, after: number, limit: number, types: readonly string[]): Promise<CurrentVersionRow[]> {
  return (await db.query<CurrentVersionRow>(PAGE, [after, limit, types], { name: 'licenses.current-versions-page' })).rows;
}

/** The current versions of the licenses that these version identifiers (any of their versions') belong to. */
export async function currentVersionsOf(db: Queryable, identifiers: readonly string[]): Promise<CurrentVersionRow[]> {
  return (await db.query<CurrentVersionRow>(`${SELECT} where l.id in (select license_id from license_versions where identifier = any($1::text[]))`, [identifiers])).rows;
}

/** The holder's current (valid or suspended) license of a type, if any. */
export async function currentLicenseOfHolder(db: Queryable, type: string, holderCode: string): Promise<CurrentVersionRow | undefined> {
  return (await db.query<CurrentVersionRow>(`${SELECT} where l.type_key = $1 and l.holder_code = $2 and l.status in ('valid', 'suspended')`, [type, holderCode])).rows[0];
}

/** How many licenses of these types there are (any status). */
export async function countLicensesOfTypes(db: Queryable, types: readonly string[]): Promise<number> {
  return Number((await db.query<{ n: string }>('select count(*) as n from licenses where type_key = any($1::text[])', [types])).rows[0].n);
}

/** The identifiers of these license versions, keyed `licenseId:version`. */
export async function versionIdentifiers(db: Queryable, versions: readonly { licenseId: number; version: number }[]): Promise<Map<string, string>> {
  if (versions.length === 0) return new Map();
  const rows = await db.query<{ license_id: string; version: number; identifier: string }>(
    `select v.license_id, v.version, v.identifier from unnest($1::bigint[], $2::int[]) as k(license_id, version)
       join license_versions v on v.license_id = k.license_id and v.version = k.version`,
    [versions.map((v) => v.licenseId), versions.map((v) => v.version)],
  );
  return new Map(rows.rows.map((r) => [`${r.license_id}:${r.version}`, r.identifier]));
}
