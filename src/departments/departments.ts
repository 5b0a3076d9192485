import { randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/store/store.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import { checkCreditCode, findDivision } from '../standards/index.ts';
import { hashSecret, newClientSecret, secretMatches } from './secrets.ts';

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

export async function registerDepartment(db: Queryable, department: Department): Promise<Department> {
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
  const rows = await db.query<DepartmentRow>('select code, name, name_en, level, region from departments order by created_at, code');
  return rows.rows.map(toDepartment);
}

export async function findDepartment(db: Queryable, code: string): Promise<Department | undefined> {
  const rows = await db.query<DepartmentRow>('select code, name, name_en, level, region from departments where code = $1', [
    code,
  ]);
  return rows.rows[0] ? toDepartment(rows.rows[0]) : undefined;
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
export async function createClient(
  db: Queryable,
  input: { departmentCode: string; name?: string; roles: readonly string[]; clientId?: string; secret?: string },
): Promise<Client & { clientSecret: string }> {
  const roles = parseRoles(input.roles);
  const department = await getDepartment(db, input.departmentCode);
  const clientId = input.clientId ?? `cb-${randomBytes(9).toString('base64url')}`;
  const clientSecret = input.secret ?? newClientSecret();
  const name = input.name ?? `${department.nameEn} system`;
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

/** The client, when the id exists, is enabled and the secret matches; otherwise undefined. */
export async function authenticateClient(db: Queryable, clientId: string, secret: string): Promise<Client | undefined> {
  const row = (
    await db.query<{ client_id: string; department_code: string; name: string; roles: Role[]; secret_hash: string }>(
      'select client_id, department_code, name, roles, secret_hash from clients where client_id = $1 and disabled_at is null',
      [clientId],
    )
  ).rows[0];
  if (!row || !(await secretMatches(secret, row.secret_hash))) return undefined;
  return { clientId: row.client_id, departmentCode: row.department_code, name: row.name, roles: row.roles };
}
