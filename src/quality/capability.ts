import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { runFullPass } from './index.ts';
import { changesFollower, lastPassDay } from './pass.ts';
import { qualityRoutes } from './routes.ts';

/** How often the server asks whether today's full pass has run. */
export const DAILY_CHECK_INTERVAL_MS = 15 * 60_000;

export const qualityCapability: Capability = {
  name: 'quality',
  migrations: [
    sqlMigration('quality', '001_quality', import.meta.url),
    sqlMigration('quality', '002_hash_key_indexes', import.meta.url),
    sqlMigration('quality', '003_suspected_reports', import.meta.url),
    sqlMigration('quality', '004_cursor_to_kernel', import.meta.url),
  ],
  routes: qualityRoutes,
  // The rules run on every change (a follower of the audit log, run by the kernel) and once a day over every license.
  followers: [changesFollower],
  jobs: [
    {
      name: 'quality.daily-pass',
      everyMs: () => DAILY_CHECK_INTERVAL_MS,
      run: async (platform) => {
        if ((await lastPassDay(platform.store)) === chinaDate()) return;
        const result = await runFullPass(platform, systemPrincipal('quality'));
        platform.log.info(result, 'quality: daily full pass done');
      },
    },
  ],
};
