import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';

export const objectionsCapability: Capability = {
  name: 'objections',
  migrations: [sqlMigration('objections', '001_objections', import.meta.url)],
};
