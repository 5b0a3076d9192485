import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { forgetEndedPracticeSessions } from './copies.ts';
import { attachPractice, type PracticeKit } from './index.ts';
import { practiceRoutes } from './routes.ts';

/** Practice mode; `kit` makes the copies' enterprises and licenses (the demo's, given by the composition root). */
export const practiceCapability = (kit: PracticeKit): Capability => ({
  name: 'practice',
  migrations: [sqlMigration('practice', '001_practice', import.meta.url), sqlMigration('practice', '002_practice_sessions', import.meta.url)],
  routes: practiceRoutes,
  attach: (platform) => attachPractice(platform, kit),
  jobs: [{ name: 'practice.forget-ended-sessions', everyMs: () => 60 * 60_000, run: (platform) => forgetEndedPracticeSessions(platform.store) }],
});
