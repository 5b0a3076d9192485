import type { KeyStore } from '../platform/crypto/keyStore.ts';
import type { VerificationKey } from '../platform/crypto/keys.ts';
import { Problem } from '../platform/problems.ts';
import type { Queryable } from '../platform/store/store.ts';
import { findLicenseType } from '../standards/index.ts';
import { parseCredential, verifyCredentialSignature } from './credential.ts';
import type { LicenseStatus } from './lifecycle.ts';
import { chinaDate, schemaErrors } from './licenseData.ts';
import { STATUS_LIST_SIZE, type StatusLists } from './statusLists.ts';

export type CheckName = 'format' | 'signature' | 'issuer-key' | 'status-list' | 'validity-window' | 'schema' | 'current-version';

export interface VerificationCheck {
  check: CheckName;
  passed: boolean;
  detail: string;
}

export interface VerificationResult {
  valid: boolean;
  status: LicenseStatus;
  checks: VerificationCheck[];
  /** The always-disclosed metadata and the business fields this credential discloses. */
  license: Record<string, unknown>;
}

export interface VerifyContext {
  db: Queryable;
  keys: KeyStore;
  statusLists: StatusLists;
}

/** Checks that decide validity; `current-version` only informs (an older version stays genuine). */
const BINDING: readonly CheckName[] = ['format', 'signature', 'issuer-key', 'status-list', 'validity-window', 'schema'];

/**
 * Verifies an SD-JWT VC license credential the way a relying party would: signature by a
 * key of the issuing department, the status list it points at, the validity window, and
 * the disclosed fields against the license type's schema.
 */
export async function verifyLicenseCredential(ctx: VerifyContext, sdJwt: string, now = new Date()): Promise<VerificationResult> {
  let parsed: ReturnType<typeof parseCredential>;
  try {
    parsed = parseCredential(sdJwt);
  } catch (error) {
    throw new Problem(400, 'malformed-credential', `not an SD-JWT credential: ${(error as Error).message}`, { field: '/credential' });
  }
  const checks: VerificationCheck[] = [{ check: 'format', passed: true, detail: 'SD-JWT VC (application/dc+sd-jwt)' }];
  const claims = parsed.payload;
  const kid = typeof parsed.header.kid === 'string' ? parsed.header.kid : '';
  const key = kid ? await ctx.keys.verificationKey(kid) : undefined;

  let disclosed: Record<string, unknown> = {};
  try {
    const verified = verifyCredentialSignature(sdJwt, (k): VerificationKey | undefined => (k === kid ? key : undefined));
    disclosed = verified.disclosed;
    checks.push({ check: 'signature', passed: true, detail: `${String(parsed.header.alg)} signature and ${parsed.disclosures.length} disclosures verified` });
  } catch (error) {
    checks.push({ check: 'signature', passed: false, detail: `${(error as { code?: string }).code ?? 'invalid'}: ${(error as Error).message}` });
  }

  const keyOwner = key ? await keyOwnerOf(ctx.db, kid) : undefined;
  checks.push(
    !key
      ? { check: 'issuer-key', passed: false, detail: `key ${kid || '(none)'} is not a key of this platform` }
      : keyOwner !== claims.issuerCode
        ? { check: 'issuer-key', passed: false, detail: `key ${kid} does not belong to issuer ${String(claims.issuerCode)}` }
        : { check: 'issuer-key', passed: true, detail: `key ${kid} of ${keyOwner}${key.retired ? ' (retired, was active when signed)' : ''}` },
  );

  const status = await statusFromList(ctx, claims.status);
  checks.push(
    status === undefined
      ? { check: 'status-list', passed: false, detail: 'no usable status list reference' }
      : { check: 'status-list', passed: status === 'valid', detail: `status list says ${status}` },
  );

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const notYet = typeof claims.nbf === 'number' && claims.nbf > nowSeconds;
  const ended = typeof claims.exp === 'number' && claims.exp <= nowSeconds;
  checks.push({
    check: 'validity-window',
    passed: !notYet && !ended,
    detail: `valid from ${String(claims.validFrom)} until ${claims.validUntil ? String(claims.validUntil) : '长期 (no end)'}; today is ${chinaDate(now)}`,
  });

  const standard = findLicenseType(typeof claims.vct === 'string' ? vctToKey(claims.vct) : '');
  const errors = standard ? schemaErrors(standard, disclosed, true) : [];
  checks.push(
    !standard
      ? { check: 'schema', passed: false, detail: `unknown license type ${String(claims.vct)}` }
      : { check: 'schema', passed: errors.length === 0, detail: errors.length === 0 ? `conforms to ${standard.key} ${standard.version}` : errors.map((e) => `${e.instancePath} ${e.message}`).join('; ') },
  );

  const latest = await latestIdentifier(ctx.db, String(claims.identifier));
  if (latest) {
    checks.push({
      check: 'current-version',
      passed: latest === claims.identifier,
      detail: latest === claims.identifier ? 'this is the current version' : `superseded by ${latest}`,
    });
  }

  const effective: LicenseStatus = status && status !== 'valid' ? status : ended ? 'expired' : 'valid';
  const valid = BINDING.every((name) => checks.find((c) => c.check === name)?.passed) && effective === 'valid';
  const metadata = Object.fromEntries(Object.entries(claims).filter(([name]) => !SD_JWT_MECHANICS.has(name)));
  return { valid, status: effective, checks, license: { ...metadata, ...disclosed } };
}

/** Claims that carry the SD-JWT machinery rather than facts about the license. */
const SD_JWT_MECHANICS = new Set(['_sd', '_sd_alg', 'status', 'cnf']);

const vctToKey = (vct: string) => vct.split(':').pop() ?? '';

async function keyOwnerOf(db: Queryable, kid: string): Promise<string | undefined> {
  return (await db.query<{ owner: string | null }>(`select owner from signing_keys where kid = $1 and purpose = 'license'`, [kid])).rows[0]?.owner ?? undefined;
}

async function statusFromList(ctx: VerifyContext, reference: unknown): Promise<LicenseStatus | undefined> {
  const ref = (reference as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
  if (!ref || typeof ref.idx !== 'number' || typeof ref.uri !== 'string') return undefined;
  const match = /\/api\/v1\/status-lists\/(\d+)$/.exec(ref.uri);
  if (!match || ref.idx < 0 || ref.idx >= STATUS_LIST_SIZE) return undefined;
  return ctx.statusLists.statusAt(Number(match[1]), ref.idx);
}

async function latestIdentifier(db: Queryable, identifier: string): Promise<string | undefined> {
  return (
    await db.query<{ identifier: string }>(
      `select cur.identifier from license_versions v join licenses l on l.id = v.license_id
         join license_versions cur on cur.license_id = l.id and cur.version = l.current_version
        where v.identifier = $1`,
      [identifier],
    )
  ).rows[0]?.identifier;
}
