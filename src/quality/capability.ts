import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { checkChanges, runFullPass } from './index.ts';
import { lastPassDay } from './pass.ts';
import { qualityRoutes } from './routes.ts';

/** How often the follower looks for newly sequenced license changes, and how often the server asks whether today's full pass has run. */
export const FOLLOW_INTERVAL_MS = 2000;
export const DAILY_CHECK_INTERVAL_MS = 15 * 60_000;

/** Runs `pass` every interval after the previous one ended; returns its stop. */
function every(platform: Platform, intervalMs: number, what: string, pass: () => Promise<unknown>): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = pass()
      .catch((error: unknown) => platform.log.warn({ err: error }, `quality: ${what} failed; trying again at the next interval`))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      });
  };
  timer = setTimeout(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await current;
  };
}

export const qualityCapability: Capability = {
  name: 'quality',
  migrations: [
    sqlMigration('quality', '001_quality', import.meta.url),
    sqlMigration('quality', '002_hash_key_indexes', import.meta.url),
    sqlMigration('quality', '003_suspected_reports', import.meta.url),
  ],
  routes: qualityRoutes,
  // The rules run on every change (a follower of the audit log) and once a day over every license.
  start: (platform) => {
    const principal = systemPrincipal('quality');
    const stopFollower = every(platform, FOLLOW_INTERVAL_MS, 'checking changed licenses', () => checkChanges(platform, principal));
    const stopDaily = every(platform, DAILY_CHECK_INTERVAL_MS, 'the daily full pass', async () => {
      if ((await lastPassDay(platform.store)) === chinaDate()) return;
      const result = await runFullPass(platform, principal);
      platform.log.info(result, 'quality: daily full pass done');
    });
    return async () => {
      await stopFollower();
      await stopDaily();
    };
  },
};
