import { randomBytes } from 'node:crypto';
import { actorOf, type Principal } from '../platform/auth/principal.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize } from '../policy/index.ts';
import { CLIENT_CHANGES } from './clientStatus.ts';
import { clientEvent } from './events.ts';
import type { Queryable } from '../platform/store/store.ts';
import { notPracticeSql } from '../platform/practiceCodes.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import { checkCreditCode, findDivision } from '../standards/index.ts';
import { hashSecret, newClientSecret, secretMatches } from '../platform/auth/secrets.ts';

/** What a department's system may do on the platform; the policy module decides what each allows. */
export const ROLES = ['issuer', 'consumer', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

/** A government department (部门), identified by its unified social credit code. */
export interface Department {
  code: string;
  name: string;
  nameEn: string;
  level: 'national' | 'province' | 'prefecture' | 'county';
  region: string;
}

/** One information system of a department, authenticating with client credentials. */
export interface Client {
  clientId: string;
  departmentCode: string;
  name: string;
  roles: Role[];
}

interface DepartmentRow {
  code: string;
  name: string;
  name_en: string;
  level: Department['level'];
  region: string;
}

const toDepartment = (r: DepartmentRow): Department => ({
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  level: r.level,
  region: r.region,
});

export async function insertDepartment(db: Queryable, department: Department): Promise<Department> {
  const check = checkCreditCode(department.code);
  if (!check.valid) {
    throw invalid('invalid-credit-code', check.problems.map((p) => p.message).join('; '), '/code');
  }
  if (!findDivision(department.region) && !/^\d{6}$/.test(department.region)) {
    throw invalid('validation-failed', `unknown division code ${department.region}`, '/region');
  }
  const inserted = await db.query(
    `insert into departments (code, name, name_en, level, region) values ($1, $2, $3, $4, $5)
     on conflict (code) do nothing`,
    [department.code, department.name, department.nameEn, department.level, department.region],
  );
  if (inserted.rowCount === 0) throw conflict('department-exists', `department ${department.code} is already registered`, '/code');
  return department;
}

export async function listDepartments(db: Queryable): Promise<Department[]> {
  const rows = await db.query<DepartmentRow>(`select code, name, name_en, level, region from departments where ${notPracticeSql('code')} order by created_at, code`);
  return rows.rows.map(toDepartment);
}

export async function findDepartment(db: Queryable, code: string): Promise<Department | undefined> {
  const rows = await db.query<DepartmentRow>('select code, name, name_en, level, region from departments where code = $1', [
    code,
  ]);
  return rows.rows[0] ? toDepartment(rows.rows[0]) : undefined;
}

/** The names of these departments (unknown codes are left out): for other capabilities' views, instead of a join. */
export async function departmentNames(db: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.query<{ code: string; name: string }>('select code, name from departments where code = any($1::text[])', [[...new Set(codes)]]);
  return new Map(rows.rows.map((r) => [r.code, r.name]));
}

/** The names of departments' systems, by client id (disabled ones too: they still did what they did). */
export async function clientNames(db: Queryable, clientIds: readonly string[]): Promise<Map<string, string>> {
  if (clientIds.length === 0) return new Map();
  const rows = await db.query<{ client_id: string; name: string }>('select client_id, name from clients where client_id = any($1::text[])', [[...new Set(clientIds)]]);
  return new Map(rows.rows.map((r) => [r.client_id, r.name]));
}

export async function getDepartment(db: Queryable, code: string): Promise<Department> {
  const department = await findDepartment(db, code);
  if (!department) throw notFound('department-not-found', `no department with code ${code}`);
  return department;
}

export function parseRoles(input: readonly string[]): Role[] {
  const unknown = input.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || input.length === 0) {
    throw invalid('validation-failed', `roles must be some of ${ROLES.join(', ')}; got ${input.join(',') || 'none'}`, '/roles');
  }
  return [...new Set(input)] as Role[];
}

/**
 * Registers a system of a department. The secret is returned once, here, and only its
 * scrypt hash is kept. `secret` is given only for the demo's well-known credentials.
 */
export async function insertClient(
  db: Queryable,
  input: { departmentCode: string; name?: string; roles: readonly string[]; clientId?: string; secret?: string },
): Promise<Client & { clientSecret: string }> {
  const roles = parseRoles(input.roles);
  const department = await getDepartment(db, input.departmentCode);
  const clientId = input.clientId ?? `cb-${randomBytes(9).toString('base64url')}`;
  const clientSecret = input.secret ?? newClientSecret();
  // A name as clerks and enterprises read it (the usage log), unless the operator gave one.
  const name = input.name ?? `${department.name}业务系统`;
  await db.query(
    'insert into clients (client_id, department_code, name, secret_hash, roles) values ($1, $2, $3, $4, $5)',
    [clientId, department.code, name, await hashSecret(clientSecret), roles],
  );
  return { clientId, departmentCode: department.code, name, roles, clientSecret };
}

export async function listClients(db: Queryable, departmentCode: string): Promise<Client[]> {
  const rows = await db.query<{ client_id: string; department_code: string; name: string; roles: Role[] }>(
    'select client_id, department_code, name, roles from clients where department_code = $1 and disabled_at is null order by created_at',
    [departmentCode],
  );
  return rows.rows.map((r) => ({ clientId: r.client_id, departmentCode: r.department_code, name: r.name, roles: r.roles }));
}

// Compared against when the client id is unknown, so an unknown id costs as much as a wrong secret.
let decoyHash: Promise<string> | undefined;

/**
 * The client, when the id exists, is enabled and the secret matches; otherwise undefined, in the
 * same time whichever it was (an unknown id is hashed against a decoy): which ids exist does not leak.
 */
export async function authenticateClient(db: Queryable, clientId: string, secret: string): Promise<(Client & { generation: number }) | undefined> {
  const row = (
    await db.query<{ client_id: string; department_code: string; name: string; roles: Role[]; secret_hash: string; secret_generation: number; disabled: boolean }>(
      'select client_id, department_code, name, roles, secret_hash, secret_generation, disabled_at is not null as disabled from clients where client_id = $1',
      [clientId],
    )
  ).rows[0];
  decoyHash ??= hashSecret(randomBytes(16).toString('hex'));
  const matches = await secretMatches(secret, row?.secret_hash ?? (await decoyHash));
  if (!row || !matches || row.disabled) return undefined;
  return { clientId: row.client_id, departmentCode: row.department_code, name: row.name, roles: row.roles, generation: Number(row.secret_generation) };
}

/** Whether a client id exists (a failed sign-in counts against it then). */
export async function clientExists(db: Queryable, clientId: string): Promise<boolean> {
  return (await db.query('select 1 from clients where client_id = $1', [clientId])).rows.length > 0;
}

/** A system as its department and the coordination office see it (never its secret). */
export interface ClientRecord extends Client {
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  secretRotatedAt: string | null;
  createdAt: string;
}

interface ClientRow {
  client_id: string;
  department_code: string;
  name: string;
  roles: Role[];
  disabled_at: Date | null;
  disabled_reason: string | null;
  secret_rotated_at: Date | null;
  created_at: Date;
}

const CLIENT_COLUMNS = 'client_id, department_code, name, roles, disabled_at, disabled_reason, secret_rotated_at, created_at';

const toClientRecord = (r: ClientRow): ClientRecord => ({
  clientId: r.client_id,
  departmentCode: r.department_code,
  name: r.name,
  roles: r.roles,
  enabled: r.disabled_at === null,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  disabledReason: r.disabled_reason,
  secretRotatedAt: r.secret_rotated_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

/** A department's system, enabled or not; 404 when it is not one of the department's. */
export async function getClient(db: Queryable, departmentCode: string, clientId: string, lock = false): Promise<ClientRecord> {
  const row = (
    await db.query<ClientRow>(`select ${CLIENT_COLUMNS} from clients where client_id = $1 and department_code = $2 ${lock ? 'for update' : ''}`, [clientId, departmentCode])
  ).rows[0];
  if (!row) throw notFound('client-not-found', `department ${departmentCode} has no system ${clientId}`);
  return toClientRecord(row);
}

/** Every system of a department, disabled ones included (for the department and the office). */
export async function listClientRecords(db: Queryable, departmentCode: string): Promise<ClientRecord[]> {
  const rows = await db.query<ClientRow>(`select ${CLIENT_COLUMNS} from clients where department_code = $1 order by created_at, client_id`, [departmentCode]);
  return rows.rows.map(toClientRecord);
}

/** The department a client belongs to (for callers that know only the client id, like the CLI). */
export async function departmentOfClient(db: Queryable, clientId: string): Promise<string> {
  const row = (await db.query<{ department_code: string }>('select department_code from clients where client_id = $1', [clientId])).rows[0];
  if (!row) throw notFound('client-not-found', `no system ${clientId}`);
  return row.department_code;
}

type ClientChange = 'disable' | 'enable' | 'rotate-secret';

async function changeClient(
  platform: Platform,
  principal: Principal,
  departmentCode: string,
  clientId: string,
  change: ClientChange,
  reason: string | undefined,
): Promise<ClientRecord & { clientSecret?: string }> {
  authorize(principal, `client:${change}`, { type: 'Department', id: departmentCode });
  const secret = change === 'rotate-secret' ? newClientSecret() : undefined;
  const hash = secret ? await hashSecret(secret) : undefined;
  const actor = actorOf(principal);
  const record = await platform.store.transaction(async (tx) => {
    await getClient(tx, departmentCode, clientId, true);
    if (change === 'disable') {
      await tx.query('update clients set disabled_at = coalesce(disabled_at, now()), disabled_reason = $2, disabled_by = $3 where client_id = $1', [clientId, reason ?? null, actor]);
    } else if (change === 'enable') {
      await tx.query('update clients set disabled_at = null, disabled_reason = null, disabled_by = null where client_id = $1', [clientId]);
    } else {
      await tx.query('update clients set secret_hash = $2, secret_rotated_at = now(), secret_generation = secret_generation + 1 where client_id = $1', [clientId, hash]);
    }
    const type = change === 'disable' ? 'client.disabled' : change === 'enable' ? 'client.enabled' : 'client.secret-rotated';
    await platform.events.publish(tx, [clientEvent(type, departmentCode, clientId, actor, reason)]);
    await platform.changes.announce(tx, CLIENT_CHANGES, clientId);
    return getClient(tx, departmentCode, clientId);
  });
  return secret ? { ...record, clientSecret: secret } : record;
}

/** Disables a system: its tokens are refused at once in every process, and it gets no new ones. */
export const disableClient = (platform: Platform, principal: Principal, departmentCode: string, clientId: string, reason?: string) =>
  changeClient(platform, principal, departmentCode, clientId, 'disable', reason);

export const enableClient = (platform: Platform, principal: Principal, departmentCode: string, clientId: string) =>
  changeClient(platform, principal, departmentCode, clientId, 'enable', undefined);

/** A new secret (shown once); the old one stops working, and so do tokens issued before. */
export async function rotateClientSecret(platform: Platform, principal: Principal, departmentCode: string, clientId: string): Promise<ClientRecord & { clientSecret: string }> {
  const record = await changeClient(platform, principal, departmentCode, clientId, 'rotate-secret', undefined);
  return { ...record, clientSecret: record.clientSecret! };
}
