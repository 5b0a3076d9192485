import { describe, expect, it } from 'vitest';
import { BUSINESS_LICENSE } from './businessLicense.ts';
import { LICENSE_TYPES, findLicenseType } from './licenseTypes.ts';

describe('licenseTypes', () => {
  it('registers the business license', () => {
    expect(LICENSE_TYPES).toEqual([BUSINESS_LICENSE]);
  });

  it('finds a type by key', () => {
    expect(findLicenseType('business-license')).toBe(BUSINESS_LICENSE);
    expect(findLicenseType('Business-License')).toBeUndefined();
    expect(findLicenseType('')).toBeUndefined();
  });

  it('has unique keys, vcts and type codes', () => {
    for (const field of ['key', 'vct', 'typeCode'] as const) {
      expect(new Set(LICENSE_TYPES.map((t) => t[field])).size).toBe(LICENSE_TYPES.length);
    }
  });
});
