// The departments capability (its facade): the registry of departments and of their systems
// (OAuth clients). Every change takes the principal and is decided by the policies.
import type { Principal } from '../platform/auth/principal.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize } from '../policy/index.ts';
import { departmentOfClient, getClient, insertClient, insertDepartment, listClientRecords, listClients, type Client, type ClientRecord, type Department } from './departments.ts';

export { ROLES, clientNames, departmentNames, disableClient, enableClient, findDepartment, getDepartment, listDepartments, rotateClientSecret } from './departments.ts';
export type { Client, ClientRecord, Department, Role } from './departments.ts';
export type { ClientEvent } from './events.ts';

const departmentEntity = (code: string) => ({ type: 'Department', id: code });

/** Registers a department (the coordination office, or the operator). */
export async function registerDepartment(platform: { store: Queryable }, principal: Principal, department: Department): Promise<Department> {
  authorize(principal, 'department:register', departmentEntity(department.code));
  return insertDepartment(platform.store, department);
}

/**
 * Registers a system of a department; its secret is returned once, here, and only its scrypt hash
 * is kept. `clientId` and `secret` are given only for the demo's well-known credentials.
 */
export async function createClient(
  platform: { store: Queryable },
  principal: Principal,
  input: { departmentCode: string; name?: string; roles: readonly string[]; clientId?: string; secret?: string },
): Promise<Client & { clientSecret: string }> {
  authorize(principal, 'client:create', departmentEntity(input.departmentCode));
  return insertClient(platform.store, input);
}

/** A department's enabled systems (the department itself, the coordination office). */
export async function listSystems(platform: { store: Queryable }, principal: Principal, departmentCode: string): Promise<Client[]> {
  authorize(principal, 'client:list', departmentEntity(departmentCode));
  return listClients(platform.store, departmentCode);
}

/** Every system of a department, disabled ones included. */
export async function listSystemRecords(platform: { store: Queryable }, principal: Principal, departmentCode: string): Promise<ClientRecord[]> {
  authorize(principal, 'client:list', departmentEntity(departmentCode));
  return listClientRecords(platform.store, departmentCode);
}

/** One system, whichever its department. */
export async function systemRecord(platform: { store: Queryable }, principal: Principal, clientId: string): Promise<ClientRecord> {
  const department = await departmentOfClient(platform.store, clientId);
  authorize(principal, 'client:list', departmentEntity(department));
  return getClient(platform.store, department, clientId);
}

/**
 * The systems of a department, for another capability's own decisions (who receives a
 * coordination office's notices): read-only, no principal.
 */
export const departmentSystems = listClients;

/** The department of a system (for commands that know only the client id). */
export { departmentOfClient };
