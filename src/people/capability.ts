import { useSessions } from '../platform/auth/authenticate.ts';
import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { sweepSessions } from './index.ts';
import { peopleRoutes } from './routes.ts';
import { sessionLookup } from './sessionCookie.ts';

const SWEEP_MS = 10 * 60_000;

/** Ended sessions and abandoned OpenID Connect sign-ins are forgotten every ten minutes (lookups refuse them anyway). */
function startSweep(platform: Platform): () => Promise<void> {
  return platform.background.every('people-session-sweep', SWEEP_MS, () => sweepSessions(platform.store, platform.config.sessionIdleMinutes));
}

export const peopleCapability: Capability = {
  name: 'people',
  migrations: [sqlMigration('people', '001_people', import.meta.url), sqlMigration('people', '002_oidc_subject', import.meta.url)],
  routes: peopleRoutes,
  // Every route that takes a bearer token takes a signed-in session too (with its CSRF token on changes).
  attach: (platform) => useSessions(platform.tokens, sessionLookup(platform)),
  start: startSweep,
};
