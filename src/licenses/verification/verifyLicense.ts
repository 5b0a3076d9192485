import type { KeyStore } from '../../platform/crypto/keyStore.ts';
import type { VerificationKey } from '../../platform/crypto/keys.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Queryable } from '../../platform/store/store.ts';
import type { Platform } from '../../platform/platform.ts';
import { buildLicenseIdentifier, isAuthorisedIssuer, licenseTypeRegistry, parseLicenseIdentifier, type LicenseTypeStandard } from '../../standards/index.ts';
import { CredentialFormatError, parseCredential, verifyCredentialSignature } from '../credentials/credential.ts';
import type { LicenseStatus } from '../lifecycle/lifecycle.ts';
import { chinaDate } from '../../platform/chinaTime.ts';
import { schemaErrors } from '../lifecycle/licenseData.ts';
import { STATUS_LIST_SIZE, statusListsOf, type StatusLists } from '../statusLists/statusLists.ts';

export type CheckName = 'format' | 'signature' | 'issuer-key' | 'issuer-authorised' | 'status-list' | 'validity-window' | 'schema' | 'current-version';

export interface VerificationCheck {
  check: CheckName;
  passed: boolean;
  /** What the check found, as a stable code a reader's words are keyed by (the console has them in Chinese and English); `params` fill them. */
  code: string;
  params?: Record<string, string>;
  /** The same in technical English, for logs and scripts. */
  detail: string;
}

export interface VerificationResult {
  valid: boolean;
  status: LicenseStatus;
  checks: VerificationCheck[];
  /** The always-disclosed metadata and the business fields this credential discloses. */
  license: Record<string, unknown>;
  /**
   * Whether this is the license's current version (absent when the platform holds no such license).
   * An older version stays genuine (`valid` may be true) but its particulars are no longer the
   * license's: a relying party must not take it as the license in force.
   */
  current?: boolean;
  /** The current version's identifier, when this one was superseded (an amendment, 变更). */
  supersededBy?: string;
  /** The status of the license as it stands now (its current version's), beside this version's. */
  currentStatus?: LicenseStatus;
}

/**
 * How much of a license a public verification shows: `credential` — what the presented credential
 * discloses (its holder already has it); `public` — with the version's verification code, the
 * metadata and the fields the license type's standard declares public; `none` — the identifier
 * alone: the verdict and the status, nothing about the holder.
 */
export type Disclosure = 'credential' | 'public' | 'none';

/** Metadata a public verification shows with the code (the holder's code only when it is a credit code, never a citizen id). */
const PUBLIC_METADATA = ['identifier', 'version', 'licenseName', 'licenseTypeCode', 'issuerCode', 'issuerName', 'validFrom', 'validUntil', 'iat'];

/** Cuts a verification down to what `disclosure` allows. */
export function discloseOnly(result: VerificationResult, disclosure: Disclosure, standard: LicenseTypeStandard | undefined): VerificationResult & { disclosure: Disclosure } {
  if (disclosure === 'credential') return { ...result, disclosure };
  const l = result.license;
  if (disclosure === 'public') {
    const shown: Record<string, unknown> = {};
    for (const name of PUBLIC_METADATA) if (name in l) shown[name] = l[name];
    if (l.holderCodeType === '001') shown.holderCode = l.holderCode;
    for (const name of standard?.publicFields ?? []) if (name in l) shown[name] = l[name];
    return { ...result, license: shown, disclosure };
  }
  const checks = result.checks.map((c) =>
    c.check === 'validity-window' ? { check: c.check, passed: c.passed, code: c.passed ? 'within-validity' : 'outside-validity', detail: c.passed ? 'within its validity window' : 'outside its validity window' } : c,
  );
  return { ...result, checks, license: { identifier: l.identifier, licenseName: l.licenseName ?? standard?.name ?? null }, disclosure };
}

export interface VerifyContext {
  db: Queryable;
  keys: KeyStore;
  statusLists: StatusLists;
  /** Whether the department was an authorised issuer of the license type on that (China) date. */
  authorisedIssuer: (licenseType: string, department: string, date: string) => Promise<boolean>;
  /** The published versions of the type a vct names, oldest first (none for a type the platform does not serve). */
  typeVersions: (vct: string) => readonly LicenseTypeStandard[];
}

/** What verification needs of a platform. */
export function verificationContext(platform: Platform): VerifyContext {
  return {
    db: platform.store,
    keys: platform.keys,
    statusLists: statusListsOf(platform),
    authorisedIssuer: (type, department, date) => isAuthorisedIssuer(platform, type, department, date),
    typeVersions: (vct) => {
      const registry = licenseTypeRegistry(platform);
      const type = registry.findByVct(vct);
      return type ? registry.versions(type.key) : [];
    },
  };
}

/** Checks that decide validity; `current-version` only informs (an older version stays genuine). */
const BINDING: readonly CheckName[] = ['format', 'signature', 'issuer-key', 'issuer-authorised', 'status-list', 'validity-window', 'schema'];

/**
 * Verifies an SD-JWT VC license credential the way a relying party would: signature by a
 * key of the issuing department, the status list it points at, the validity window, and
 * the disclosed fields against the license type's schema.
 */
export async function verifyLicenseCredential(ctx: VerifyContext, sdJwt: string, now = new Date()): Promise<VerificationResult> {
  const kid = headerKid(sdJwt);
  const key = kid ? await ctx.keys.verificationKey(kid) : undefined;
  const checks: VerificationCheck[] = [{ check: 'format', passed: true, code: 'sd-jwt-vc', detail: 'SD-JWT VC (application/dc+sd-jwt)' }];
  let claims: Record<string, unknown>;
  let disclosed: Record<string, unknown> = {};
  try {
    const verified = verifyCredentialSignature(sdJwt, (k): VerificationKey | undefined => (k === kid ? key : undefined));
    claims = verified.payload;
    disclosed = verified.disclosed;
    const [alg, disclosures] = [String(verified.header.alg), String(Object.keys(disclosed).length)];
    checks.push({ check: 'signature', passed: true, code: 'signature-valid', params: { alg, disclosures }, detail: `${alg} signature and ${disclosures} disclosures verified` });
  } catch (error) {
    if (error instanceof CredentialFormatError) throw malformed(error);
    // Not genuine: still decode it, to say what it claims and what its status list says.
    claims = parseCredential(sdJwt).payload;
    checks.push({ check: 'signature', passed: false, code: 'signature-invalid', detail: `${(error as { code?: string }).code ?? 'invalid'}: ${(error as Error).message}` });
  }

  const keyOwner = key?.purpose === 'license' ? key.owner : undefined;
  checks.push(
    !key
      ? { check: 'issuer-key', passed: false, code: 'key-unknown', params: { kid: kid ?? '' }, detail: `key ${kid || '(none)'} is not a key of this platform` }
      : keyOwner !== claims.issuerCode
        ? { check: 'issuer-key', passed: false, code: 'key-not-of-issuer', params: { kid: kid ?? '', issuer: String(claims.issuerCode) }, detail: `key ${kid} does not belong to issuer ${String(claims.issuerCode)}` }
        : {
            check: 'issuer-key',
            passed: true,
            code: key.retired ? 'key-of-issuer-retired' : 'key-of-issuer',
            params: { kid: kid ?? '', issuer: keyOwner ?? '' },
            detail: `key ${kid} of ${keyOwner}${key.retired ? ' (retired, was active when signed)' : ''}`,
          },
  );

  const versions = typeof claims.vct === 'string' ? ctx.typeVersions(claims.vct) : [];
  const typeKey = versions[0]?.key ?? '';
  // An iat a Date cannot hold (1e300) is no issuance date: the check fails, nothing throws.
  const issuedOn = typeof claims.iat === 'number' && Number.isSafeInteger(claims.iat) && Math.abs(claims.iat) < 8.64e12 ? chinaDate(claims.iat * 1000) : undefined;
  const issuerCode = typeof claims.issuerCode === 'string' ? claims.issuerCode : '';
  const authorised = issuedOn !== undefined && issuerCode !== '' && (await ctx.authorisedIssuer(typeKey, issuerCode, issuedOn));
  checks.push({
    check: 'issuer-authorised',
    passed: authorised,
    code: authorised ? 'issuer-authorised' : 'issuer-not-authorised',
    params: { issuer: issuerCode, type: typeKey, date: issuedOn ?? '' },
    detail: authorised
      ? `${issuerCode} was an authorised issuer of ${typeKey} on ${issuedOn}`
      : `${issuerCode || '(no issuer)'} was not an authorised issuer of ${typeKey || '(unknown type)'}${issuedOn ? ` on ${issuedOn}` : ''}`,
  });

  const reference = statusReference(claims.status);
  const state = reference ? await licenseState(ctx.db, reference.listId, reference.idx, chinaDate(now)) : undefined;
  const status = reference && state ? await ctx.statusLists.statusAt(reference.listId, reference.idx, state.revision) : undefined;
  checks.push(
    status === undefined
      ? { check: 'status-list', passed: false, code: 'no-status-reference', detail: 'no usable status list reference' }
      : { check: 'status-list', passed: status === 'valid', code: `status-${status}`, detail: `status list says ${status}` },
  );

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const notYet = typeof claims.nbf === 'number' && claims.nbf > nowSeconds;
  const ended = typeof claims.exp === 'number' && claims.exp <= nowSeconds;
  checks.push({
    check: 'validity-window',
    passed: !notYet && !ended,
    code: notYet ? 'not-yet-valid' : ended ? 'validity-ended' : 'within-validity',
    params: { from: String(claims.validFrom), until: claims.validUntil ? String(claims.validUntil) : '', today: chinaDate(now) },
    detail: `valid from ${String(claims.validFrom)} until ${claims.validUntil ? String(claims.validUntil) : '长期 (no end)'}; today is ${chinaDate(now)}`,
  });

  // The credential was issued under one of the type's versions: the disclosed fields must fit one.
  const fits = versions.find((v) => schemaErrors(v, disclosed, 'partial').length === 0);
  const errors = versions.length > 0 && !fits ? schemaErrors(versions[versions.length - 1], disclosed, 'partial') : [];
  checks.push(
    versions.length === 0
      ? { check: 'schema', passed: false, code: 'unknown-type', params: { type: String(claims.vct) }, detail: `unknown license type ${String(claims.vct)}` }
      : fits
        ? { check: 'schema', passed: true, code: 'conforms', params: { type: fits.key, version: fits.version }, detail: `conforms to ${fits.key} ${fits.version}` }
        : { check: 'schema', passed: false, code: 'does-not-conform', params: { fields: errors.map((e) => e.instancePath.slice(1) || '/').join(', ') }, detail: errors.map((e) => `${e.instancePath} ${e.message}`).join('; ') },
  );

  const latest = state?.currentVersion ? currentIdentifier(String(claims.identifier), state.currentVersion) : undefined;
  if (latest) {
    checks.push({
      check: 'current-version',
      passed: latest === claims.identifier,
      code: latest === claims.identifier ? 'current-version' : 'superseded',
      params: { identifier: latest },
      detail: latest === claims.identifier ? 'this is the current version' : `superseded by ${latest}`,
    });
  }

  const effective: LicenseStatus = status && status !== 'valid' ? status : ended ? 'expired' : 'valid';
  const valid = BINDING.every((name) => checks.find((c) => c.check === name)?.passed) && effective === 'valid';
  const metadata = Object.fromEntries(Object.entries(claims).filter(([name]) => !SD_JWT_MECHANICS.has(name)));
  // Said in fields of their own, not only in a check's detail: a page must never show an old version as 有效.
  const currency = latest && state?.currentStatus ? { current: latest === claims.identifier, ...(latest === claims.identifier ? {} : { supersededBy: latest }), currentStatus: state.currentStatus } : {};
  return { valid, status: effective, checks, license: { ...metadata, ...disclosed }, ...currency };
}

const malformed = (error: Error) =>
  new DomainError('invalid', 'malformed-credential', `not an SD-JWT credential: ${error.message}`, { field: '/credential' });

/** The key id from the JWT header, read without decoding the rest (the key must be fetched before verifying). */
function headerKid(sdJwt: string): string | undefined {
  const end = sdJwt.indexOf('.');
  if (end <= 0) throw malformed(new Error('no JWT header'));
  try {
    const kid = (JSON.parse(Buffer.from(sdJwt.slice(0, end), 'base64url').toString('utf8')) as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch (error) {
    throw malformed(error as Error);
  }
}

/** Claims that carry the SD-JWT machinery rather than facts about the license. */
const SD_JWT_MECHANICS = new Set(['_sd', '_sd_alg', 'status', 'cnf']);

/** status_lists.id is an int. */
const MAX_STATUS_LIST = 2_147_483_647;

function statusReference(reference: unknown): { listId: number; idx: number } | undefined {
  const ref = (reference as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
  if (!ref || typeof ref.idx !== 'number' || typeof ref.uri !== 'string') return undefined;
  const match = /\/api\/v1\/status-lists\/(\d{1,10})$/.exec(ref.uri);
  if (!match || !Number.isInteger(ref.idx) || ref.idx < 0 || ref.idx >= STATUS_LIST_SIZE) return undefined;
  const listId = Number(match[1]);
  // License ids (list × size + index) are far below 2^53; a list id beyond the table's int is no list of ours.
  if (listId > MAX_STATUS_LIST) return undefined;
  return { listId, idx: ref.idx };
}

/**
 * The list's revision, the license's current version and its status now, in one round trip (the
 * license id is list × size + index).
 */
async function licenseState(db: Queryable, listId: number, idx: number, today: string): Promise<{ revision: number; currentVersion?: number; currentStatus?: LicenseStatus }> {
  const row = (
    await db.query<{ revision: number | null; current_version: number | null; status: LicenseStatus | null; valid_until: string | null }>(
      `select (select revision from status_lists where id = $1) as revision, l.current_version, l.status, l.valid_until
         from (select 1) as one left join licenses l on l.id = $2`,
      [listId, listId * STATUS_LIST_SIZE + idx],
    )
  ).rows[0];
  // As the exchange reads it: a license whose term ended reads as expired even before the expiry job ran.
  const ended = row?.valid_until != null && row.valid_until < today;
  const currentStatus = row?.status ? (ended && (row.status === 'valid' || row.status === 'suspended') ? 'expired' : row.status) : undefined;
  return { revision: Number(row?.revision ?? 0), currentVersion: row?.current_version ?? undefined, currentStatus };
}

/** The identifier of another version of the same license: only the version segment and the check differ. */
function currentIdentifier(identifier: string, version: number): string | undefined {
  const parsed = parseLicenseIdentifier(identifier);
  return parsed.ok ? buildLicenseIdentifier({ ...parsed.parts, version }) : undefined;
}
