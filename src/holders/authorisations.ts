import { randomUUID } from 'node:crypto';
import { findDepartment, departmentSystems, listDepartments } from '../departments/index.ts';
import { isPurpose } from '../agreements/index.ts';
import { parseValidUntil } from '../platform/chinaTime.ts';
import { authorisationEvent } from './events.ts';
import { DomainError, invalid, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import type { DomainEvents } from '../platform/events.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import { findLicenseType, licenseTypeFields } from '../standards/index.ts';

/** Who an authorisation is for: every system of a department, or one system (by its client id). */
export type Grantee = { department: string } | { clientId: string };

export type AuthorisationStatus = 'active' | 'expired' | 'revoked';

/** 授权: a holder lets a third party read its license of a type, for a purpose, until a time. */
export interface Authorisation {
  id: string;
  holderCode: string;
  type: string;
  grantee: Grantee;
  purpose: string;
  fields: string[];
  validUntil: string;
  status: AuthorisationStatus;
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface GrantRequest {
  grantee: { department?: string; clientId?: string };
  purpose: string;
  type?: string;
  fields?: string[];
  validUntil: string;
}

/** An authorisation may run at most this long: consent is renewed, not given forever. */
const MAX_TERM_MS = 5 * 366 * 86_400_000;

interface Row {
  id: string;
  holder_code: string;
  license_type: string;
  grantee_department: string | null;
  grantee_client: string | null;
  purpose: string;
  fields: string[];
  valid_until: Date;
  created_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const COLUMNS = 'id, holder_code, license_type, grantee_department, grantee_client, purpose, fields, valid_until, created_at, revoked_at, revoked_reason';

function toAuthorisation(r: Row, now = Date.now()): Authorisation {
  return {
    id: r.id,
    holderCode: r.holder_code,
    type: r.license_type,
    grantee: r.grantee_client ? { clientId: r.grantee_client } : { department: r.grantee_department! },
    purpose: r.purpose,
    fields: r.fields,
    validUntil: r.valid_until.toISOString(),
    status: r.revoked_at ? 'revoked' : r.valid_until.getTime() <= now ? 'expired' : 'active',
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokedReason: r.revoked_reason,
  };
}

async function findClientDepartment(db: Queryable, clientId: string): Promise<string | undefined> {
  // Through the departments index: a province has tens of departments, and grants are rare.
  for (const department of await listDepartments(db)) {
    if ((await departmentSystems(db, department.code)).some((c) => c.clientId === clientId)) return department.code;
  }
  return undefined;
}


/** Without a type named: the type of the holder's licenses when it holds one type only. */
function onlyType(types: readonly string[]): string {
  if (types.length === 1) return types[0];
  throw invalid('missing-field', types.length === 0 ? 'name the license type (type) to authorise' : 'you hold licenses of several types: name the one to authorise (type)', '/type');
}

/** The holder grants an authorisation; `authorisation.granted` is published in the same transaction. */
export async function grantAuthorisation(platform: Platform, holderCode: string, request: GrantRequest, actor: string, typesHeld: () => Promise<string[]>): Promise<Authorisation> {
  const { store, events } = platform;
  const type = request.type ?? onlyType(await typesHeld());
  if (!findLicenseType(platform, type)) throw invalid('unknown-license-type', `unknown license type ${type}`, '/type');
  const known = licenseTypeFields(platform, type);
  const fields = request.fields ?? known;
  const unknown = fields.filter((f) => !known.includes(f));
  if (unknown.length > 0) throw invalid('unknown-field', `${type} has no field ${unknown.join(', ')}`, '/fields');
  if (fields.length === 0) throw invalid('validation-failed', 'name at least one field', '/fields');
  if (!isPurpose(request.purpose)) {
    throw invalid('unknown-purpose', `${request.purpose} is not a purpose code of GET /api/v1/purposes`, '/purpose');
  }
  const validUntil = parseValidUntil(request.validUntil);
  if (!validUntil) throw invalid('validation-failed', 'validUntil must be a date (YYYY-MM-DD) or an RFC 3339 date-time', '/validUntil');
  if (validUntil.getTime() <= Date.now()) throw invalid('validation-failed', 'validUntil must be in the future', '/validUntil');
  if (validUntil.getTime() > Date.now() + MAX_TERM_MS) throw invalid('validation-failed', 'an authorisation may run at most 5 years', '/validUntil');

  const { department, clientId } = request.grantee;
  if ((department === undefined) === (clientId === undefined)) {
    throw invalid('validation-failed', 'name the grantee by exactly one of department or clientId', '/grantee');
  }
  if (department !== undefined && !(await findDepartment(store, department))) {
    throw invalid('department-not-found', `no department with code ${department}`, '/grantee/department');
  }
  if (clientId !== undefined && !(await findClientDepartment(store, clientId))) {
    throw invalid('client-not-found', `no system with client id ${clientId}`, '/grantee/clientId');
  }

  return store.transaction(async (tx) => {
    const row = (
      await tx.query<Row>(
        `insert into holder_authorisations (id, holder_code, license_type, grantee_department, grantee_client, purpose, fields, valid_until, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
        [randomUUID(), holderCode, type, department ?? null, clientId ?? null, request.purpose, [...new Set(fields)], validUntil, actor],
      )
    ).rows[0];
    const authorisation = toAuthorisation(row);
    await events.publish(tx, [authorisationEvent('authorisation.granted', authorisation, actor)]);
    return authorisation;
  });
}

export async function listAuthorisations(db: Queryable, holderCode: string): Promise<Authorisation[]> {
  const rows = await db.query<Row>(`select ${COLUMNS} from holder_authorisations where holder_code = $1 order by created_at desc, id`, [holderCode]);
  return rows.rows.map((r) => toAuthorisation(r));
}

export async function getAuthorisation(db: Queryable, holderCode: string, id: string): Promise<Authorisation> {
  const row = (await db.query<Row>(`select ${COLUMNS} from holder_authorisations where holder_code = $1 and id = $2`, [holderCode, id])).rows[0];
  if (!row) throw notFound('authorisation-not-found', `holder ${holderCode} has no authorisation ${id}`);
  return toAuthorisation(row);
}

/**
 * The holder revokes an authorisation: the exchange stops honouring it as soon as this commits
 * (it is read per request, never cached). `authorisation.revoked` is published in the same transaction.
 * With `idempotent`, revoking an already revoked authorisation returns it unchanged.
 */
export async function revokeAuthorisation(
  store: Store,
  events: DomainEvents,
  holderCode: string,
  id: string,
  reason: string | undefined,
  actor: string,
  idempotent = false,
): Promise<Authorisation> {
  return store.transaction(async (tx) => {
    const row = (
      await tx.query<Row>(
        `update holder_authorisations set revoked_at = now(), revoked_reason = $3
          where holder_code = $1 and id = $2 and revoked_at is null returning ${COLUMNS}`,
        [holderCode, id, reason ?? null],
      )
    ).rows[0];
    if (!row) {
      const existing = await getAuthorisation(tx, holderCode, id);
      if (idempotent) return existing;
      throw new DomainError('conflict', 'authorisation-revoked', `authorisation ${id} was already revoked`);
    }
    const authorisation = toAuthorisation(row);
    await events.publish(tx, [authorisationEvent('authorisation.revoked', authorisation, actor)]);
    return authorisation;
  });
}

/** What the exchange needs of an active authorisation. */
export interface ActiveAuthorisation {
  id: string;
  holderCode: string;
  licenseType: string;
  purpose: string;
  fields: string[];
  validUntil: string;
  granteeDepartment: string | null;
  granteeClient: string | null;
}

/**
 * Active authorisations (not revoked, not expired) of these holders for this license type and
 * purpose whose grantee is this system or its department, by holder code.
 */
export async function findActiveAuthorisations(
  db: Queryable,
  q: { holderCodes: readonly string[]; licenseType: string; purpose: string; clientId: string; departmentCode: string },
): Promise<Map<string, ActiveAuthorisation[]>> {
  const found = new Map<string, ActiveAuthorisation[]>();
  if (q.holderCodes.length === 0) return found;
  const rows = await db.query<Row>(
    `select ${COLUMNS} from holder_authorisations
      where holder_code = any($1::text[]) and license_type = $2 and purpose = $3 and revoked_at is null and valid_until > now()
        and (grantee_client = $4 or grantee_department = $5)`,
    [q.holderCodes, q.licenseType, q.purpose, q.clientId, q.departmentCode],
  );
  for (const r of rows.rows) {
    const list = found.get(r.holder_code) ?? [];
    list.push({
      id: r.id,
      holderCode: r.holder_code,
      licenseType: r.license_type,
      purpose: r.purpose,
      fields: r.fields,
      validUntil: r.valid_until.toISOString(),
      granteeDepartment: r.grantee_department,
      granteeClient: r.grantee_client,
    });
    found.set(r.holder_code, list);
  }
  return found;
}
