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

export { normalizeRegisteredCapital, NORMALISERS, type NormaliserName } from './normalisers.ts';

export { CHECK_ALGORITHMS, checkCharacterOf, isCheckAlgorithm, type CheckAlgorithm } from './checkAlgorithms.ts';
export { checkLicenseNumber, normaliseNumber, numberCheckCharacter, type NumberCheck, type NumberProblem, type NumberRule } from './licenseNumbers.ts';
export { checkNumberOfType } from './numberOfType.ts';
export { RESERVED_FIELD_NAMES, type LicenseMetadata } from './metadata.ts';
export {
  compareVersions,
  compileLicenseType,
  DEFAULT_EXPRESSION,
  definitionSchema,
  validateTypeDefinition,
  type DefinitionError,
  type Display,
  type DisplayEntry,
  type FieldSharing,
  type LicenseTypeDefinition,
  type LicenseTypeStandard,
} from './licenseType.ts';
export { findLicenseType, licenseTypeFields, licenseTypeRegistry, licenseTypesOf, shippedDefinitions, shippedLicenseType, LICENSE_TYPE_CHANGES } from './licenseTypes.ts';
export { checkDefinition, draftLicenseType, publishLicenseType, listLicenseTypes, licenseTypeHistory, typeEvent, type LicenseTypeVersionView } from './typePublishing.ts';
export { DIMENSIONS, QUALITY_CHECKS, isCheck, isVersionCheckName, ruleFields, type Check, type Dimension, type QualityRuleDefinition, type Severity } from './qualityChecks.ts';
export { HOLDER_KINDS, type HolderKind } from './holderCodeTypes.ts';

export { authoriseIssuer, isAuthorisedIssuer, issuerRegistry, listIssuers, provideDepartmentNames, recordAuthorisation, withdrawIssuer, type AuthorisedIssuer, type DepartmentNames } from './issuers.ts';
export type { IssuerRegistryEvent, LicenseTypeEvent, StandardsEvent } from './events.ts';
