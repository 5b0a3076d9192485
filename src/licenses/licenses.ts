/**
 * The licenses capability's decisions: who may issue, read and change a license, asked of the
 * policies with the facts they need (the license's issuer, whether the department is an authorised
 * issuer of the type today). The facade (index.ts) calls these before it acts.
 */
import { isStaff, type Principal } from '../platform/auth/principal.ts';
import { DomainError, forbidden, invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, decide, type Action, type PolicyResource } from '../policy/index.ts';
import { findLicenseType, isAuthorisedIssuer } from '../standards/index.ts';

/** Issuing and amending also need the principal's department to be an authorised issuer of the type today. */
export async function authorizeIssuing(platform: Platform, principal: Principal, action: Action, resource: PolicyResource, licenseType: string): Promise<void> {
  if (!findLicenseType(platform, licenseType)) throw invalid('unknown-license-type', `unknown license type ${licenseType}`, '/type');
  const department = isStaff(principal) ? principal.departmentCode : '';
  const authorisedIssuer = department !== '' && (await isAuthorisedIssuer(platform, licenseType, department));
  if (decide(principal, action, resource, { authorisedIssuer }).allowed) return;
  if (isStaff(principal) && !authorisedIssuer) {
    throw forbidden(
      `department ${department} is not an authorised issuer of ${licenseType} (see GET /api/v1/standards/license-types/${licenseType}/issuers)`,
      { action, licenseType },
      'not-an-authorised-issuer',
    );
  }
  authorize(principal, action, resource, { authorisedIssuer });
}

/** The policies' view of a license. */
export const licenseEntity = (identifier: string, issuerCode: string): PolicyResource => ({ type: 'License', id: identifier, attrs: { issuerCode } });

/** The department a staff principal acts for (issuing needs one). */
export function actingDepartment(principal: Principal): string {
  if (!isStaff(principal)) throw new DomainError('forbidden', 'forbidden', "licenses are issued by a department's system or staff");
  return principal.departmentCode;
}

/** Issuing in bulk (an import, a first load) in the name of `issuerCode`: it must be an authorised issuer of the type today. */
export async function authorizeImport(platform: Platform, principal: Principal, licenseType: string, issuerCode: string): Promise<void> {
  if (!findLicenseType(platform, licenseType)) throw invalid('unknown-license-type', `unknown license type ${licenseType}`, '/type');
  const authorisedIssuer = await isAuthorisedIssuer(platform, licenseType, issuerCode);
  const resource: PolicyResource = { type: 'LicenseType', id: licenseType, attrs: { key: licenseType } };
  if (decide(principal, 'license:import', resource, { authorisedIssuer, department: issuerCode }).allowed) return;
  if (!authorisedIssuer) {
    throw forbidden(`department ${issuerCode} is not an authorised issuer of ${licenseType} (see GET /api/v1/standards/license-types/${licenseType}/issuers)`, { licenseType }, 'not-an-authorised-issuer');
  }
  authorize(principal, 'license:import', resource, { authorisedIssuer, department: issuerCode });
}
