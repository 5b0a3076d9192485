// Registry of license types the platform knows. One today; new types are appended here.
import { BUSINESS_LICENSE } from './businessLicense.ts';
import type { LicenseTypeStandard } from './businessLicense.ts';

export const LICENSE_TYPES: LicenseTypeStandard[] = [BUSINESS_LICENSE];

/** Look a type up by its stable key (e.g. 'business-license'). */
export function findLicenseType(key: string): LicenseTypeStandard | undefined {
  return LICENSE_TYPES.find((t) => t.key === key);
}
