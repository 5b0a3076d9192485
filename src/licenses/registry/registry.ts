/**
 * The license registry (GET /api/v1/licenses): an issuing department searches and lists the
 * licenses it issued, the coordination office every department's — newest issue date first, by
 * keyset paging, on 20 million licenses.
 *
 * Every query is shaped for an index (migration 003_registry):
 * - no filter, or a date range: `(issued_on, id)` and `(issuer_code, issued_on, id)` are read
 *   backwards from the cursor, so a page costs its 50 rows however deep it is — no OFFSET;
 * - a status other than `valid` (a small share): partial indexes of the not-valid licenses in the
 *   same order; `valid` (nearly all) filters the ordered scan;
 * - a holder code: the `(type_key, holder_code)` unique index, probed once per license type;
 * - a name: a trigram index (pg_trgm, which reads Chinese in a UTF-8 database) when the text has
 *   three characters or more, else the ordered scan filters (a two-character brand name is common).
 * The cursor is opaque to callers: the last row's (issued_on, id), encoded.
 */
import { decodeCursor, encodeCursor } from '../../platform/cursor.ts';
import { invalid } from '../../platform/errors.ts';
import type { Queryable } from '../../platform/store/store.ts';
import { notPracticeSql } from '../../platform/practiceCodes.ts';
import type { LicenseStatus } from '../lifecycle/lifecycle.ts';

export const REGISTRY_MAX_LIMIT = 200;
export const REGISTRY_DEFAULT_LIMIT = 50;
export const REGISTRY_NAME_MAX = 100;

export interface RegistryQuery {
  holderCode?: string;
  /** A part of the holder's name, any case. */
  name?: string;
  status?: LicenseStatus;
  type?: string;
  /** Issue dates, inclusive (YYYY-MM-DD). */
  issuedFrom?: string;
  issuedTo?: string;
  limit?: number;
  cursor?: string;
}

export interface RegistryItem {
  identifier: string;
  type: string;
  holderCode: string;
  holderName: string;
  status: LicenseStatus;
  version: number;
  issuedOn: string;
  validFrom: string;
  validUntil: string | null;
  issuerCode: string;
}

export interface RegistryPage {
  items: RegistryItem[];
  nextCursor: string | null;
}

interface Position {
  issuedOn: string;
  id: number;
}

const encodeRegistryCursor = (p: Position): string => encodeCursor([p.issuedOn, p.id]);

/** A cursor's position, every value checked after decoding (src/platform/cursor.ts). */
function decodeRegistryCursor(cursor: string): Position {
  const [issuedOn, id] = decodeCursor(cursor, ['date', 'id']);
  return { issuedOn, id };
}

/** `text` as a LIKE pattern matching it anywhere (its own %, _ and \ taken literally). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface Row {
  id: number;
  type_key: string;
  holder_code: string;
  holder_name: string;
  status: LicenseStatus;
  current_version: number;
  issued_on: string;
  valid_from: string;
  valid_until: string | null;
  issuer_code: string;
  identifier: string;
}

/**
 * One page of licenses, newest issue date first (then newest id), of one issuer (`issuerCode`) or
 * of all (undefined): the caller decided who may see which.
 */
/** `typeKeys`: the keys of every type the platform serves (a holder's licenses are probed once per type). */
export async function listRegistry(db: Queryable, issuerCode: string | undefined, query: RegistryQuery, typeKeys: readonly string[]): Promise<RegistryPage> {
  const limit = Math.min(Math.max(query.limit ?? REGISTRY_DEFAULT_LIMIT, 1), REGISTRY_MAX_LIMIT);
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown, cast = '') => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  if (issuerCode !== undefined) where.push(`l.issuer_code = ${param(issuerCode)}`);
  // Every issuer's licenses (the office) are the real ones: practice copies' (练习模式) are not listed.
  else where.push(notPracticeSql('l.issuer_code'));
  if (query.holderCode !== undefined) {
    // Probes the (type_key, holder_code) unique index once per type instead of scanning for the code.
    const types = query.type !== undefined ? [query.type] : typeKeys;
    where.push(`l.type_key = any(${param(types, '::text[]')})`, `l.holder_code = ${param(query.holderCode.trim().toUpperCase())}`);
  } else if (query.type !== undefined) {
    where.push(`l.type_key = ${param(query.type)}`);
  }
  if (query.name !== undefined && query.name.trim() !== '') {
    const name = query.name.trim();
    if (name.length > REGISTRY_NAME_MAX) throw invalid('validation-failed', `name must be at most ${REGISTRY_NAME_MAX} characters`, '/name');
    where.push(`l.holder_name ilike ${param(containsPattern(name))}`);
  }
  if (query.status !== undefined) where.push(`l.status = ${param(query.status)}`);
  if (query.issuedFrom !== undefined) where.push(`l.issued_on >= ${param(query.issuedFrom, '::date')}`);
  if (query.issuedTo !== undefined) where.push(`l.issued_on <= ${param(query.issuedTo, '::date')}`);
  if (query.cursor !== undefined) {
    const after = decodeRegistryCursor(query.cursor);
    where.push(`(l.issued_on, l.id) < (${param(after.issuedOn, '::date')}, ${param(after.id, '::bigint')})`);
  }
  // One row more than the page tells whether another page follows.
  const sql = `select p.*, v.identifier
      from (select l.id, l.type_key, l.holder_code, l.holder_name, l.status, l.current_version, l.issued_on, l.valid_from, l.valid_until, l.issuer_code
              from licenses l
             ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
             order by l.issued_on desc, l.id desc
             limit ${param(limit + 1, '::int')}) p
      join license_versions v on v.license_id = p.id and v.version = p.current_version
     order by p.issued_on desc, p.id desc`;
  const rows = (await db.query<Row>(sql, params)).rows;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      identifier: r.identifier,
      type: r.type_key,
      holderCode: r.holder_code,
      holderName: r.holder_name,
      status: r.status,
      version: Number(r.current_version),
      issuedOn: r.issued_on,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      issuerCode: r.issuer_code,
    })),
    nextCursor: rows.length > limit && last ? encodeRegistryCursor({ issuedOn: last.issued_on, id: Number(last.id) }) : null,
  };
}

/**
 * The names holders go by on their newest licenses, by holder code, in one query however many
 * holders (a history or a list names several); a holder without a license is left out.
 */
export async function holderNamesOf(db: Queryable, holderCodes: readonly string[], typeKeys: readonly string[]): Promise<Map<string, string>> {
  if (holderCodes.length === 0) return new Map();
  const rows = await db.query<{ holder_code: string; holder_name: string }>(
    `select distinct on (holder_code) holder_code, holder_name from licenses
      where type_key = any($1::text[]) and holder_code = any($2::text[])
      order by holder_code, updated_at desc`,
    [typeKeys, [...new Set(holderCodes)]],
  );
  return new Map(rows.rows.map((r) => [r.holder_code, r.holder_name]));
}
