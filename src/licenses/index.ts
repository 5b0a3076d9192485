// The licenses capability: issuance, lifecycle, versions, credentials, status lists, verification, import.
import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { expireDueLicenses } from './licenseRecords.ts';
import { startVerificationTally } from './verificationTally.ts';
import { licenseRoutes } from './routes.ts';

export { StatusLists, STATUS_LIST_SIZE, statusListsOf } from './statusLists.ts';
export { isLicenseEvent, type LicenseChange, type LicenseEvent, type LicensesEvent, type VerificationEvent } from './events.ts';
export {
  amendLicense,
  changeLicenseStatus,
  expireDueLicenses,
  getLicense,
  issueLicense,
  listVersions,
  type License,
  type LicenseContext,
} from './licenseRecords.ts';
export { discloseOnly, verificationContext, verifyLicenseCredential, type VerificationResult } from './verifyLicense.ts';
export { isVerificationCode, verificationCode, verificationUrl } from './verificationCode.ts';
export { verificationTally } from './verificationTally.ts';
export { presentCredential, parseCredential } from './credential.ts';
export { findCurrentLicense, findCurrentLicenses, findVersionCredential, issuersOfHolder, type CurrentLicense } from './currentLicenses.ts';

/** 到期: licenses whose business term has ended expire at start and every hour after. */
function startExpiry(platform: Platform): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(() => expireDueLicenses(platform.store, undefined, platform.events))
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
  migrations: [sqlMigration('licenses', '001_licenses', import.meta.url), sqlMigration('licenses', '002_issuers_of_existing_licenses', import.meta.url)],
  routes: licenseRoutes,
  start: (platform) => {
    const stops = [startExpiry(platform), startVerificationTally(platform)];
    return async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
  },
};
