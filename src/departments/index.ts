// The departments capability: the registry of departments and of their systems (clients).
import { sqlMigration, type Migration } from '../platform/store/migrate.ts';

export {
  ROLES,
  authenticateClient,
  createClient,
  findDepartment,
  getDepartment,
  listClients,
  listDepartments,
  registerDepartment,
} from './departments.ts';
export type { Client, Department, Role } from './departments.ts';

export const departmentMigrations: Migration[] = [sqlMigration('departments', '001_departments', import.meta.url)];
