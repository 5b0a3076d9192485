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
  const seconds = platform.config.agreementSweepSeconds;
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(async () => {
        const now = new Date();
        await escalateOverdue(platform, now);
        await expireAgreements(platform, now);
      })
      .catch((error: unknown) => {
        platform.log.warn({ err: error }, 'agreements: the escalation/expiry sweep failed; trying again at the next sweep');
      });
  };
  sweep();
  const timer = setInterval(sweep, Math.max(1, seconds) * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export const agreementsCapability: Capability = {
  name: 'agreements',
  migrations: [sqlMigration('agreements', '001_agreements', import.meta.url)],
  routes: agreementRoutes,
  start: startSweeps,
};
