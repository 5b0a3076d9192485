import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { CURRENT_LICENSE_CHANGES, currentLicenses } from './currentLicenses.ts';
import type { LicenseEvent } from './events.ts';
import { expireDueLicenses } from './index.ts';
import { licenseRoutes } from './routes.ts';
import { startVerificationTally } from './verificationTally.ts';

/** 到期: licenses whose business term has ended expire at start and every hour after. */
function startExpiry(platform: Platform): () => Promise<void> {
  return platform.background.every('licenses-expiry', 3600_000, () => expireDueLicenses(platform), { atStart: true });
}

/**
 * Every process forgets a remembered license once a change to it commits (see currentLicenses):
 * announced with the change. A license issued anew needs no announcement (holders without one are
 * not remembered); a sweep that changes many announces one `*`.
 */
function announceCurrentLicenseChanges(platform: Platform): void {
  void currentLicenses(platform);
  platform.events.on<LicenseEvent>('license.', async (tx, events) => {
    const changed = events.filter((e) => e.type !== 'license.issued');
    if (changed.length > 20) await platform.changes.announce(tx, CURRENT_LICENSE_CHANGES, '*');
    else for (const e of changed) await platform.changes.announce(tx, CURRENT_LICENSE_CHANGES, `${e.data.typeKey}|${e.data.holderCode}`);
  });
}

export const licensesCapability: Capability = {
  name: 'licenses',
  migrations: [
    sqlMigration('licenses', '001_licenses', import.meta.url),
    sqlMigration('licenses', '002_issuers_of_existing_licenses', import.meta.url),
    sqlMigration('licenses', '003_registry', import.meta.url),
    sqlMigration('licenses', '004_type_versions', import.meta.url),
  ],
  routes: licenseRoutes,
  attach: announceCurrentLicenseChanges,
  start: (platform) => {
    const stops = [startExpiry(platform), startVerificationTally(platform)];
    return async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
  },
};
