import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { objectionMarks } from './marks.ts';
import { escalateOverdueObjections } from './objections.ts';
import { objectionRoutes } from './routes.ts';

/** How often unanswered objections past their deadline are escalated. */
const CHECK_MS = 60_000;

/**
 * Every minute: escalate the objections unanswered past their deadline. And the marks the
 * exchange reads are loaded at start, so the first lookup does not wait for them.
 */
function startChecks(platform: Platform): () => Promise<void> {
  const loaded = objectionMarks(platform)
    .ready()
    .catch((error: unknown) => platform.log.warn({ err: error }, 'objections: could not load the licenses under objection; the first lookup tries again'));
  const stop = platform.background.every('objections-overdue-check', CHECK_MS, () => escalateOverdueObjections(platform, new Date()), { atStart: true });
  return async () => {
    await loaded;
    await stop();
  };
}

export const objectionsCapability: Capability = {
  name: 'objections',
  migrations: [sqlMigration('objections', '001_objections', import.meta.url)],
  routes: objectionRoutes,
  start: startChecks,
};
