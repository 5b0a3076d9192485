import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { CURRENT_LICENSE_CHANGES, currentLicenses } from './registry/currentLicenses.ts';
import type { LicenseEvent } from './events.ts';
import { expireDueLicenses } from './index.ts';
import { licenseRoutes } from './routes.ts';
import { verificationTally } from './verification/verificationTally.ts';

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
  jobs: [
    // 到期: licenses whose business term has ended expire at start and every hour after.
    { name: 'licenses.expiry', everyMs: () => 3600_000, atStart: true, run: expireDueLicenses },
    // Each process counts its own verifications and writes them every minute, and once more as it stops.
    { name: 'licenses.verification-counts', everyMs: () => 60_000, everyProcess: true, run: (platform) => verificationTally(platform).flush() },
  ],
};
