// Public API of the standards module: codes, identifiers and license-type definitions.

export {
  CREDIT_CODE_ALPHABET,
  REGISTRATION_AUTHORITIES,
  checkCreditCode,
  creditCodeCheckChar,
  organizationCodeCheckChar,
  generateCreditCode,
} from './creditCode.ts';
export type { CodeProblem, CreditCodeCheck, CreditCodeParts, RegistrationAuthority } from './creditCode.ts';

export {
  LICENSE_ID_ROOT,
  mod37_36CheckChar,
  buildLicenseIdentifier,
  parseLicenseIdentifier,
} from './licenseIdentifier.ts';
export type { LicenseIdentifierParts } from './licenseIdentifier.ts';

export { DEMO_PROVINCE, divisions, findDivision, isProvinceCode } from './divisions.ts';
export type { Division } from './divisions.ts';

export { HOLDER_CODE_TYPES, checkHolderCode } from './holderCodeTypes.ts';
export type { HolderCodeType } from './holderCodeTypes.ts';

export {
  BUSINESS_LICENSE,
  ENTITY_TYPES,
  dataSchema as businessLicenseDataSchema,
  metadataSchema as businessLicenseMetadataSchema,
  normalizeRegisteredCapital,
} from './businessLicense.ts';
export type { BusinessLicenseData, EntityType, LicenseMetadata, LicenseTypeStandard, LifecycleEvent } from './businessLicense.ts';

export { LICENSE_TYPES, findLicenseType } from './licenseTypes.ts';

export { authoriseIssuer, isAuthorisedIssuer, issuerRegistry, listIssuers, withdrawIssuer, type AuthorisedIssuer } from './issuers.ts';
export type { IssuerRegistryEvent } from './events.ts';
