// The licenses capability (its facade): issuance, lifecycle, versions, credentials, status lists,
// verification, QR codes and keys. Every function that reads or changes a license takes the
// principal and decides through the policies; verification is public by design.
import { actorNamesOf, nameIn } from '../platform/actorNames.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import type { KeyPurpose } from '../platform/crypto/keyStore.ts';
import { DomainError, invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { isPracticeCode } from '../platform/practiceCodes.ts';
import { recordRead } from '../platform/reads.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize, decide, type PolicyResource } from '../policy/index.ts';
import { getDepartment } from '../departments/index.ts';
import { findLicenseType, licenseTypeRegistry } from '../standards/index.ts';
import { issueInBulk, type ValidatedLicense } from './lifecycle/bulk.ts';
import { importLicenses, resolveIssuer, type ImportOptions, type ImportProgress, type ImportSummary } from './import/importer.ts';
import { licenseFacts, prepareLicenseData } from './lifecycle/licenseData.ts';
import { checkHolder } from './lifecycle/licenseRecords.ts';
import { actingDepartment, authorizeImport, authorizeIssuing, licenseEntity } from './licenses.ts';
import { inlineSigner } from './credentials/signing.ts';
import * as records from './lifecycle/licenseRecords.ts';
import type { LifecycleChange } from './lifecycle/lifecycle.ts';
import { holderNamesOf as registryHolderNames, listRegistry, type RegistryPage, type RegistryQuery } from './registry/registry.ts';
import { statusListsOf } from './statusLists/statusLists.ts';
import { isVerificationCode, verificationCode, verificationUrl } from './verification/verificationCode.ts';
import { printedLicensePdf } from './verification/print.ts';
import { licenseQrPng } from './verification/qr.ts';
import { verificationTally } from './verification/verificationTally.ts';
import { discloseOnly, verificationContext, verifyLicenseCredential, type Disclosure, type VerificationResult } from './verification/verifyLicense.ts';

export { STATUS_LIST_SIZE, statusListsOf } from './statusLists/statusLists.ts';
export { isLicenseEvent, type LicenseChange, type LicenseEvent, type LicensesEvent, type VerificationEvent } from './events.ts';
export type { IssueRequest, License, LicenseVersion } from './lifecycle/licenseRecords.ts';
export type { LicenseStatus } from './lifecycle/lifecycle.ts';
import type { LicenseStatus } from './lifecycle/lifecycle.ts';
export { verificationContext, verifyLicenseCredential, type VerificationResult } from './verification/verifyLicense.ts';
export { isVerificationCode, verificationCode, verificationUrl } from './verification/verificationCode.ts';
export { creditCodeFailure, readsAsCreditCode, verifyHolder, type HolderLicenseVerdict, type HolderVerification } from './verification/verifyHolder.ts';
export { verificationTally } from './verification/verificationTally.ts';
export { presentCredential, parseCredential } from './credentials/credential.ts';
export { countLicensesOfTypes, currentLicenseOfHolder, currentVersionsOf, currentVersionsPage, versionIdentifiers, type CurrentVersionRow } from './registry/currentVersions.ts';
export { currentLicenses, findCurrentLicense, findVersionCredential, issuersOfHolder, type CurrentLicense } from './registry/currentLicenses.ts';
export {
  closeLicenseImports,
  IMPORT_FORMATS,
  IMPORT_MAX_BYTES,
  licenseImportReport,
  listLicenseImports,
  readLicenseImport,
  startLicenseImport,
  type ImportJobView,
  type StartImport,
} from './import/importJobs.ts';
export { REGISTRY_DEFAULT_LIMIT, REGISTRY_MAX_LIMIT, REGISTRY_NAME_MAX, type RegistryItem, type RegistryPage, type RegistryQuery } from './registry/registry.ts';

/** A license as its issuer, the coordination office and its holder see it: with its verification link (and code). */
export type LicenseView = records.License & { verificationUrl: string };

const withLink = (platform: Platform, license: records.License): LicenseView => ({
  ...license,
  verificationUrl: verificationUrl(platform.config.publicUrl, platform.keys, license.identifier),
});

/** 设立: a department that is an authorised issuer of the type issues a license in its own name. */
export async function issueLicense(platform: Platform, principal: Principal, request: records.IssueRequest): Promise<LicenseView> {
  await authorizeIssuing(platform, principal, 'license:issue', { type: 'LicenseType', id: request.type, attrs: { key: request.type } }, request.type);
  const issuer = await getDepartment(platform.store, actingDepartment(principal));
  // Practice (练习模式) and real data never meet: refused before the store is asked whether the holder
  // has a license, which would tell a practising clerk that a real enterprise holds one (409 license-exists).
  const holderCode = (request as { holder?: { code?: unknown } }).holder?.code;
  if (typeof holderCode === 'string' && isPracticeCode(issuer.code) !== isPracticeCode(holderCode)) {
    throw new DomainError(
      'forbidden',
      'practice-boundary',
      isPracticeCode(issuer.code)
        ? `in practice mode licenses are issued only to the practice copy's synthetic enterprises (练习企业), not to ${holderCode}: see GET /api/v1/session/practice for their codes`
        : `${holderCode} is in the range reserved for practice mode (练习模式): a real department issues no license to it`,
    );
  }
  return withLink(platform, await records.issueLicense(platform, { code: issuer.code, name: issuer.name }, request, actorOf(principal)));
}

async function authorizeRead(platform: Platform, principal: Principal, identifier: string): Promise<void> {
  const issuerCode = await records.licenseIssuerOf(platform.store, identifier);
  authorize(principal, 'license:read', licenseEntity(identifier, issuerCode));
}

const registryOf = (issuerCode?: string): PolicyResource => ({ type: 'LicenseRegistry', id: issuerCode ?? '*', attrs: issuerCode === undefined ? {} : { issuerCode } });

/**
 * The license registry: a page of licenses, newest issue date first. The coordination office sees
 * every issuer's (or one's, with `issuerCode`); an issuing department its own; anyone else none.
 */
export async function listLicenses(platform: Platform, principal: Principal, query: RegistryQuery & { issuerCode?: string }): Promise<RegistryPage> {
  let scope: string | undefined;
  if (query.issuerCode !== undefined) {
    authorize(principal, 'license:list', registryOf(query.issuerCode));
    scope = query.issuerCode;
  } else if (decide(principal, 'license:list', registryOf()).allowed) {
    scope = undefined;
  } else if (isStaff(principal) && decide(principal, 'license:list', registryOf(principal.departmentCode)).allowed) {
    scope = principal.departmentCode;
  } else {
    authorize(principal, 'license:list', registryOf(isStaff(principal) ? principal.departmentCode : undefined));
  }
  if (query.type !== undefined && !findLicenseType(platform, query.type)) throw invalid('unknown-license-type', `unknown license type ${query.type}`, '/type');
  if (query.issuedFrom !== undefined && query.issuedTo !== undefined && query.issuedFrom > query.issuedTo) {
    throw invalid('validation-failed', 'issuedFrom is after issuedTo', '/issuedFrom');
  }
  const page = await listRegistry(platform.store, scope, query, licenseTypeRegistry(platform).all().map((t) => t.key));
  // A search for a holder is a read of its data (in its access log); one by name, of as many as it found.
  if (query.holderCode !== undefined) {
    await recordRead(platform, principal, { what: 'license-search', subject: query.holderCode.trim().toUpperCase(), holderCode: query.holderCode.trim().toUpperCase(), count: page.items.length });
  } else if (query.name !== undefined && query.name.trim() !== '') {
    await recordRead(platform, principal, { what: 'license-search', subject: `name:${query.name.trim()}`, count: page.items.length });
  }
  return page;
}

/** The names holders go by on their newest licenses, by holder code, in one query (a holder without a license is left out). */
export const holderNamesOf = (platform: Platform, holderCodes: readonly string[]): Promise<Map<string, string>> =>
  registryHolderNames(platform.store, holderCodes, licenseTypeRegistry(platform).all().map((t) => t.key));

/** The name a holder goes by on its newest license (the console greets a signed-in enterprise by it). */
export const holderNameOf = async (platform: Platform, holderCode: string): Promise<string | undefined> => (await holderNamesOf(platform, [holderCode])).get(holderCode);

/** How many licenses of each type and status a department issued (all departments' without one): the monthly report's sections per type. */
export async function licenseCountsByType(platform: Platform, issuerCode?: string): Promise<{ type: string; status: LicenseStatus; count: number }[]> {
  const rows = await platform.store.query<{ type_key: string; status: LicenseStatus; n: string }>(
    `select type_key, status, count(*)::text as n from licenses where ($1::text is null or issuer_code = $1) group by type_key, status order by type_key, status`,
    [issuerCode ?? null],
  );
  return rows.rows.map((r) => ({ type: r.type_key, status: r.status, count: Number(r.n) }));
}

/** The types of license a holder holds (any status). */
export async function typesHeldBy(platform: Platform, holderCode: string): Promise<string[]> {
  return [...new Set((await records.listHolderLicenses(platform.store, holderCode, HELD_LICENSES_MAX)).map((l) => l.type))];
}

/** A license, its current version and status (its issuer, the coordination office). */
export async function readLicense(platform: Platform, principal: Principal, identifier: string): Promise<LicenseView> {
  await authorizeRead(platform, principal, identifier);
  const license = await records.getLicense(platform.store, identifier);
  await recordRead(platform, principal, { what: 'license', subject: identifier, holderCode: license.holder.code, licenseType: license.type, fields: Object.keys(license.data) });
  return withLink(platform, license);
}

/** How many licenses a holder's own list shows (a holder holds a few: one per type, in practice). */
export const HELD_LICENSES_MAX = 100;

/** The licenses a holder holds, as the holder (an enterprise signed in) sees them: current versions with their verification links. */
export async function heldLicenses(platform: Platform, principal: Principal, holderCode: string): Promise<LicenseView[]> {
  authorize(principal, 'license:list-held', { type: 'HolderRecord', id: holderCode, attrs: { holderCode } });
  return (await records.listHolderLicenses(platform.store, holderCode, HELD_LICENSES_MAX)).map((license) => withLink(platform, license));
}

/** Every version of a license, oldest first; versions are immutable. Who made each, by name beside the actor. */
export async function licenseVersions(platform: Platform, principal: Principal, identifier: string): Promise<(records.LicenseVersion & { createdByName: string | null })[]> {
  await authorizeRead(platform, principal, identifier);
  const versions = await records.listVersions(platform.store, identifier);
  if (principal.kind === 'person') {
    const row = await records.findLicenseRow(platform.store, identifier);
    await recordRead(platform, principal, { what: 'license-versions', subject: identifier, holderCode: row.holder_code, licenseType: row.type_key, count: versions.length });
  }
  const names = await actorNamesOf(platform, versions.map((v) => v.createdBy));
  return versions.map((v) => ({ ...v, createdByName: nameIn(names, v.createdBy) }));
}

/** The lifecycle events of a license, oldest first, each actor's name beside it. */
export async function licenseHistory(platform: Platform, principal: Principal, identifier: string) {
  await authorizeRead(platform, principal, identifier);
  const events = await records.listEvents(platform.store, identifier);
  const names = await actorNamesOf(platform, events.map((e) => e.actor));
  return events.map((e) => ({ ...e, actorName: nameIn(names, e.actor) }));
}

/**
 * 变更: a new signed version (the issuer, while it is an authorised issuer of the type). `within`:
 * the caller's transaction, when the amendment is one step of a larger change (an objection accepted).
 */
export async function amendLicense(
  platform: Platform,
  principal: Principal,
  identifier: string,
  change: { data: unknown; reason: string },
  within?: Queryable,
): Promise<LicenseView> {
  const row = await records.findLicenseRow(within ?? platform.store, identifier);
  await authorizeIssuing(platform, principal, 'license:amend', licenseEntity(identifier, row.issuer_code), row.type_key);
  return withLink(platform, await records.amendLicense(platform, identifier, change, actorOf(principal), within));
}

/**
 * 变更 on the coordination office's final decision of an objection (数据异议, src/objections):
 * the new version the issuer's amendment would make (signed with the issuer's key), recorded
 * under the coordinator, in the objection's transaction. Policy: license:amend-on-final-decision.
 */
export async function amendLicenseOnFinalDecision(
  platform: Platform,
  principal: Principal,
  identifier: string,
  change: { data: Record<string, unknown>; reason: string; objectedFields: readonly string[] },
  within: Queryable,
): Promise<LicenseView> {
  const row = await records.findLicenseRow(within, identifier);
  authorize(principal, 'license:amend-on-final-decision', licenseEntity(identifier, row.issuer_code));
  // The coordination office is no issuing authority: it may correct only what the objection disputed.
  const beyond = Object.keys(change.data).find((field) => !change.objectedFields.includes(field));
  if (beyond) throw invalid('field-not-objected', `${beyond} was not objected to: a final decision may change only ${change.objectedFields.join(', ')}`, `/data/${beyond}`);
  return withLink(platform, await records.amendLicense(platform, identifier, { data: change.data, reason: change.reason }, actorOf(principal), within));
}

/** 暂停 / 恢复 / 吊销 / 注销 (the issuer). */
export async function changeLicenseStatus(
  platform: Platform,
  principal: Principal,
  identifier: string,
  change: Exclude<LifecycleChange, 'amend' | 'expire'>,
  reason: string,
): Promise<LicenseView> {
  const issuerCode = await records.licenseIssuerOf(platform.store, identifier);
  authorize(principal, `license:${change}`, licenseEntity(identifier, issuerCode));
  return withLink(platform, await records.changeLicenseStatus(platform, identifier, change, reason, actorOf(principal)));
}

/**
 * The printed license as PDF (its type's display, the QR code and the verification code): for its
 * issuer, the coordination office and its holder.
 */
export async function printLicense(platform: Platform, principal: Principal, identifier: string): Promise<{ pdf: Buffer; fileName: string }> {
  const row = await records.findLicenseRow(platform.store, identifier);
  const holder = principal.kind === 'holder' && principal.holderCode === row.holder_code;
  if (!holder) authorize(principal, 'license:read', licenseEntity(identifier, row.issuer_code));
  const license = await records.getLicense(platform.store, identifier);
  const standard = records.licenseStandard(platform, license.type, '/identifier', license.typeVersion);
  const url = verificationUrl(platform.config.publicUrl, platform.keys, license.identifier);
  const pdf = await printedLicensePdf({ license, standard, verificationCode: verificationCode(platform.keys, license.identifier), qrPng: await licenseQrPng(url) });
  await recordRead(platform, principal, { what: 'license-print', subject: license.identifier, holderCode: license.holder.code, licenseType: license.type, fields: Object.keys(license.data) });
  return { pdf, fileName: `${license.type}-${license.holder.code}-v${license.version}.pdf` };
}

/**
 * The link a license's QR code carries: with the version's verification code for its issuer, the
 * coordination office and its holder (signed in), or for whoever gives the right code; without it
 * (the verdict only) for anyone else.
 */
export async function qrLink(platform: Platform, principal: Principal | undefined, identifier: string, code: string | undefined): Promise<string> {
  const row = await records.findLicenseRow(platform.store, identifier);
  const withCode = verificationUrl(platform.config.publicUrl, platform.keys, identifier);
  if (code !== undefined) {
    if (!isVerificationCode(platform.keys, identifier, code)) throw invalid('invalid-verification-code', 'that is not the verification code of this license version', '/code');
    return withCode;
  }
  const entitled =
    principal !== undefined &&
    (decide(principal, 'license:read', licenseEntity(identifier, row.issuer_code)).allowed || (principal.kind === 'holder' && principal.holderCode === row.holder_code));
  return entitled ? withCode : `${platform.config.publicUrl}/api/v1/verify/${identifier}`;
}

/** The type a verified credential's vct names (its newest version), when the platform serves it. */
const typeOfCredential = (platform: Platform, result: VerificationResult) => (typeof result.license.vct === 'string' ? licenseTypeRegistry(platform).findByVct(result.license.vct) : undefined);

/** Public verification of a presented credential: the verdict and what the credential itself discloses. */
export async function verifyCredential(platform: Platform, credential: string): Promise<VerificationResult & { disclosure: Disclosure }> {
  const result = await verifyLicenseCredential(verificationContext(platform), credential);
  const license = result.license;
  const standard = typeOfCredential(platform, result);
  if (result.checks.find((c) => c.check === 'signature')?.passed && typeof license.holderCode === 'string' && standard) {
    verificationTally(platform).count('credential', { holderCode: license.holderCode, licenseType: standard.key });
  }
  return discloseOnly(result, 'credential', standard);
}

/**
 * Public verification by identifier, as a QR scan does: the verdict and the status; with the
 * version's verification code, also the public fields of the license type.
 */
export async function verifyIdentifier(platform: Platform, identifier: string, code: string | undefined): Promise<VerificationResult & { disclosure: Disclosure }> {
  let versions: records.LicenseVersion[];
  try {
    versions = await records.listVersions(platform.store, identifier);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'license-not-found') verificationTally(platform).count('not-found');
    throw error;
  }
  const version = versions.find((v) => v.identifier === identifier) ?? versions[versions.length - 1];
  const withCode = code !== undefined && isVerificationCode(platform.keys, version.identifier, code);
  if (code !== undefined && !withCode) throw invalid('invalid-verification-code', 'that is not the verification code of this license version', '/code');
  const result = await verifyLicenseCredential(verificationContext(platform), version.credential);
  const holderCode = typeof result.license.holderCode === 'string' ? result.license.holderCode : '';
  const standard = typeOfCredential(platform, result);
  verificationTally(platform).count(withCode ? 'code' : 'identifier', { holderCode, licenseType: standard?.key ?? '' });
  return discloseOnly(result, withCode ? 'public' : 'none', standard);
}

/** A status list token (IETF Token Status List), public. */
export const statusListToken = (platform: Platform, id: number): Promise<string> => statusListsOf(platform).token(id);

/** Key rotation (the coordination office): the key retires, its successor signs from now on, old signatures keep verifying. */
export async function rotateKey(platform: Platform, principal: Principal, input: { purpose: Extract<KeyPurpose, 'license' | 'status' | 'token'>; department?: string }) {
  authorize(principal, 'key:rotate', { type: 'Platform', id: 'certbridge' });
  const { purpose, department } = input;
  if (purpose === 'license' && !department) throw invalid('missing-field', 'a license key belongs to a department: give its code', '/department');
  const alg = purpose === 'license' ? platform.config.signingAlgorithm : 'EdDSA';
  const key = await platform.keys.rotate(purpose, alg, purpose === 'license' ? department : '');
  return { kid: key.kid, alg: key.alg, purpose, department: purpose === 'license' ? department! : null };
}

/** 到期: licenses whose validity ended before `today` expire (the platform's own sweep). */
export const expireDueLicenses = (platform: Platform, today?: string): Promise<number> => records.expireDueLicenses(platform, today);

/**
 * Issues many licenses at once in the name of an authorised issuer (a province's first load, the
 * demo): each item checked against the standard, signed, written in batches; a holder that already
 * has a license of the type is skipped. The operator of the installation, or the issuer's own staff.
 */
export async function issueMany(
  platform: Platform,
  principal: Principal,
  input: { type: string; issuerCode: string; items: Iterable<{ holderCode: string; holderName?: string; data: unknown }> },
  onProgress: (done: number) => void = () => undefined,
): Promise<{ issued: number; existing: number }> {
  await authorizeImport(platform, principal, input.type, input.issuerCode);
  const standard = findLicenseType(platform, input.type)!;
  const issuer = await getDepartment(platform.store, input.issuerCode);
  const signer = inlineSigner(await platform.keys.activeKey('license', platform.config.signingAlgorithm, issuer.code), platform.config.publicUrl);
  async function* batches(): AsyncGenerator<ValidatedLicense[]> {
    let batch: ValidatedLicense[] = [];
    for (const item of input.items) {
      const data = prepareLicenseData(standard, item.data, { issuerName: issuer.name });
      const holder = checkHolder(standard, { code: item.holderCode });
      batch.push({ holder: { ...holder, name: item.holderName ?? licenseFacts(standard, data, holder.code).holderName ?? holder.code }, data });
      if (batch.length === 500) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
  }
  let done = 0;
  return issueInBulk(platform, standard, { code: issuer.code, name: issuer.name }, batches(), signer, actorOf(principal), (_outcome, batch) => onProgress((done += batch.length)), 1);
}

/** Imports a department's file of license data (the CLI's operator, or the issuer's staff); see docs/import.md. */
export async function importLicenseFile(platform: Platform, principal: Principal, file: string, options: ImportOptions, onProgress?: (progress: ImportProgress) => void): Promise<ImportSummary> {
  const issuer = await resolveIssuer(platform, options.type, options.issuer);
  await authorizeImport(platform, principal, options.type, issuer.code);
  return importLicenses(platform, file, { ...options, issuer: issuer.code }, onProgress, actorOf(principal));
}
