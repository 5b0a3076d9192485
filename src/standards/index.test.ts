import { describe, expect, it } from 'vitest';
import * as standards from './index.ts';

describe('standards index', () => {
  it('re-exports the public API', () => {
    const expected = [
      'CREDIT_CODE_ALPHABET', 'REGISTRATION_AUTHORITIES', 'checkCreditCode', 'creditCodeCheckChar', 'organizationCodeCheckChar',
      'generateCreditCode', 'LICENSE_ID_ROOT', 'mod37_36CheckChar', 'buildLicenseIdentifier', 'parseLicenseIdentifier',
      'DEMO_PROVINCE', 'divisions', 'findDivision', 'isProvinceCode', 'HOLDER_CODE_TYPES', 'checkHolderCode',
      'normalizeRegisteredCapital', 'findLicenseType', 'licenseTypesOf', 'shippedLicenseType', 'validateTypeDefinition',
      'compileLicenseType', 'checkLicenseNumber', 'checkNumberOfType', 'draftLicenseType', 'publishLicenseType', 'definitionSchema',
    ];
    for (const name of expected) expect(standards, name).toHaveProperty(name);
    expect(standards.LICENSE_ID_ROOT).toBe('1.2.156.3005.2');
  });

  it('works end to end: generate a holder, identify a license, check its parts', () => {
    const holder = standards.generateCreditCode({ divisionCode: standards.DEMO_PROVINCE.code });
    expect(standards.checkHolderCode('001', holder)).toEqual([]);
    const id = standards.buildLicenseIdentifier({
      typeCode: standards.shippedLicenseType('business-license').typeCode,
      issuerCode: holder,
      serial: 1,
      version: 1,
    });
    const parsed = standards.parseLicenseIdentifier(id);
    expect(parsed.ok && parsed.parts.issuerCode).toBe(holder);
  });
});
