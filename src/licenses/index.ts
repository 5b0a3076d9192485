// The licenses capability: issuance, lifecycle, versions, credentials, status lists, verification, import.
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { licenseRoutes } from './routes.ts';

export { StatusLists, STATUS_LIST_SIZE } from './statusLists.ts';
export {
  amendLicense,
  changeLicenseStatus,
  expireDueLicenses,
  getLicense,
  issueLicense,
  listVersions,
  type License,
  type LicenseContext,
} from './service.ts';
export { verifyLicenseCredential, type VerificationResult } from './verify.ts';
export { presentCredential, parseCredential } from './credential.ts';
export { findCurrentLicense, findCurrentLicenses, findVersionCredential, issuersOfHolder, type CurrentLicense } from './currentLicenses.ts';

export const licensesCapability: Capability = {
  name: 'licenses',
  migrations: [sqlMigration('licenses', '001_licenses', import.meta.url)],
  routes: licenseRoutes,
};
