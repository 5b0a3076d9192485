import { provideActorNames } from '../platform/actorNames.ts';
import { useSessions } from '../platform/auth/authenticate.ts';
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { actorNames, sweepSessions } from './index.ts';
import { peopleRoutes } from './routes.ts';
import { sessionLookup } from './sessionCookie.ts';

/** Ended sessions and abandoned OpenID Connect sign-ins are forgotten every ten minutes (lookups refuse them anyway). */
const SWEEP_MS = 10 * 60_000;

export const peopleCapability: Capability = {
  name: 'people',
  migrations: [sqlMigration('people', '001_people', import.meta.url), sqlMigration('people', '002_oidc_subject', import.meta.url)],
  routes: peopleRoutes,
  attach: (platform) => {
    // Every route that takes a bearer token takes a signed-in session too (with its CSRF token on changes).
    useSessions(platform.tokens, sessionLookup(platform));
    // Every capability names who did something through the kernel (actorNamesOf), with the people's names.
    provideActorNames(platform, (actors) => actorNames(platform, actors));
  },
  jobs: [{ name: 'people.session-sweep', everyMs: () => SWEEP_MS, run: (platform) => sweepSessions(platform.store, platform.config.sessionIdleMinutes) }],
};
