import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { escalateOverdue, expireAgreements } from './agreements.ts';
import { agreementRoutes } from './routes.ts';

/**
 * Every few minutes (CERTBRIDGE_AGREEMENT_SWEEP_SECONDS, default 300): escalate the requests
 * unanswered past their deadline, and expire the agreements whose term is over.
 */
function startSweeps(platform: Platform): () => Promise<void> {
  return platform.background.every(
    'agreements-sweep',
    Math.max(1, platform.config.agreementSweepSeconds) * 1000,
    async () => {
      const now = new Date();
      await escalateOverdue(platform, now);
      await expireAgreements(platform, now);
    },
    { atStart: true },
  );
}

export const agreementsCapability: Capability = {
  name: 'agreements',
  migrations: [sqlMigration('agreements', '001_agreements', import.meta.url)],
  routes: agreementRoutes,
  start: startSweeps,
};
