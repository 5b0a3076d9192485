import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { expireDueLicenses } from './index.ts';
import { licenseRoutes } from './routes.ts';
import { startVerificationTally } from './verificationTally.ts';

/** 到期: licenses whose business term has ended expire at start and every hour after. */
function startExpiry(platform: Platform): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(() => expireDueLicenses(platform))
      .catch((error: unknown) => platform.log.warn({ err: error }, 'licenses: the expiry sweep failed; trying again in an hour'));
  };
  sweep();
  const timer = setInterval(sweep, 3600_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export const licensesCapability: Capability = {
  name: 'licenses',
  migrations: [
    sqlMigration('licenses', '001_licenses', import.meta.url),
    sqlMigration('licenses', '002_issuers_of_existing_licenses', import.meta.url),
    sqlMigration('licenses', '003_registry', import.meta.url),
  ],
  routes: licenseRoutes,
  start: (platform) => {
    const stops = [startExpiry(platform), startVerificationTally(platform)];
    return async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
  },
};
