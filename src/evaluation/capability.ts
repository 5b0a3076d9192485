import type { Capability } from '../platform/capability.ts';
import { systemPrincipal } from '../platform/auth/principal.ts';
import { chinaMonth } from '../platform/chinaTime.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { recomputeScoreboard } from './index.ts';
import { evaluationRoutes } from './routes.ts';

/** How often the server recomputes the current month's board (so the console reads a kept one). */
const RECOMPUTE_MS = 60 * 60_000;

export const evaluationCapability: Capability = {
  name: 'evaluation',
  migrations: [sqlMigration('evaluation', '001_evaluation', import.meta.url)],
  routes: evaluationRoutes,
  start: (platform) => {
    const timer = setInterval(() => {
      recomputeScoreboard(platform, systemPrincipal('evaluation'), chinaMonth()).catch((error: unknown) =>
        platform.log.warn({ err: error }, 'evaluation: recomputing the month’s scoreboard failed; trying again at the next interval'),
      );
    }, RECOMPUTE_MS);
    timer.unref();
    return async () => clearInterval(timer);
  },
};
