import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import { followerLag } from '../platform/metrics.ts';
import { logSize } from '../audit/index.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { checkChanges, runFullPass } from './index.ts';
import { lastPassDay } from './pass.ts';
import { qualityRoutes } from './routes.ts';

/** How often the follower looks for newly sequenced license changes, and how often the server asks whether today's full pass has run. */
export const FOLLOW_INTERVAL_MS = 2000;
export const DAILY_CHECK_INTERVAL_MS = 15 * 60_000;

export const qualityCapability: Capability = {
  name: 'quality',
  migrations: [
    sqlMigration('quality', '001_quality', import.meta.url),
    sqlMigration('quality', '002_hash_key_indexes', import.meta.url),
    sqlMigration('quality', '003_suspected_reports', import.meta.url),
  ],
  routes: qualityRoutes,
  metrics: (platform) =>
    followerLag(platform.metrics, 'quality', async () => {
      const cursor = Number((await platform.store.query<{ last_index: number }>('select last_index from quality_cursor')).rows[0].last_index);
      return (await logSize(platform.store)).entries - (cursor + 1);
    }),
  // The rules run on every change (a follower of the audit log) and once a day over every license.
  jobs: [
    { name: 'quality.follow-changes', everyMs: () => FOLLOW_INTERVAL_MS, run: (platform) => checkChanges(platform, systemPrincipal('quality')) },
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
