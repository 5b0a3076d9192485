// The departments capability: the registry of departments and of their systems (clients).
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { departmentRoutes } from './routes.ts';

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

export const departmentsCapability: Capability = {
  name: 'departments',
  migrations: [sqlMigration('departments', '001_departments', import.meta.url)],
  routes: departmentRoutes,
};
