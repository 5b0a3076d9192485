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
  start: (platform) => platform.background.every('evaluation-recompute', RECOMPUTE_MS, () => recomputeScoreboard(platform, systemPrincipal('evaluation'), chinaMonth())),
};
