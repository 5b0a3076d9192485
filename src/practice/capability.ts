import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { attachPractice, type SyntheticSource } from './index.ts';
import { practiceRoutes } from './routes.ts';

/** Practice mode; `synthetic` makes the copies' enterprises (the demo's generator, given by the composition root). */
export const practiceCapability = (synthetic: SyntheticSource): Capability => ({
  name: 'practice',
  migrations: [sqlMigration('practice', '001_practice', import.meta.url)],
  routes: practiceRoutes,
  attach: (platform) => attachPractice(platform, synthetic),
});
