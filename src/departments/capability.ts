import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { provideDepartmentNames } from '../standards/index.ts';
import { clientStatuses } from './clientStatus.ts';
import { departmentNames } from './departments.ts';
import { departmentRoutes } from './routes.ts';

export const departmentsCapability: Capability = {
  name: 'departments',
  migrations: [sqlMigration('departments', '001_departments', import.meta.url), sqlMigration('departments', '002_client_lifecycle', import.meta.url)],
  routes: departmentRoutes,
  // Every request of a system asks whether it is still enabled (answered from memory).
  // The standards' registry of issuers names departments through this capability (it cannot import it).
  attach: (platform) => {
    platform.tokens.addCheck('client', (principal, claims) => clientStatuses(platform).check(principal, claims));
    provideDepartmentNames(platform, departmentNames);
  },
};
