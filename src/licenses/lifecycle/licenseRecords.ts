import type { DomainEvents } from '../../platform/events.ts';
import type { Platform } from '../../platform/platform.ts';
import { licenseEvent } from '../events.ts';
import type { SigningKey } from '../../platform/crypto/keys.ts';
import { DomainError, invalid, notFound } from '../../platform/errors.ts';
import type { Queryable } from '../../platform/store/store.ts';
import { departmentNames } from '../../departments/index.ts';
import {
  buildLicenseIdentifier,
  checkHolderCode,
  findLicenseType,
  HOLDER_KINDS,
  parseLicenseIdentifier,
  type LicenseTypeStandard,
} from '../../standards/index.ts';
import { issueCredential, type CredentialMetadata } from '../credentials/credential.ts';
import { transition, type LicenseEvent, type LicenseStatus, type LifecycleChange } from './lifecycle.ts';
import { chinaDate } from '../../platform/chinaTime.ts';
import { licenseFacts, prepareLicenseData, type LicenseData } from './licenseData.ts';
import { STATUS_LIST_SIZE, statusIndexOf, statusListOf, statusListUri, touchStatusList } from '../statusLists/statusLists.ts';

/**
 * What the license capability needs from the platform: its store, keys, settings, events (listeners
 * such as the outbox and the audit log see every change inside its transaction) and the license
 * types it serves.
 */
export type LicenseContext = Platform;

/** What signing needs of a type version: plain data, so it crosses to a worker thread. */
export type SigningType = Pick<LicenseTypeStandard, 'key' | 'version' | 'vct' | 'typeCode' | 'name' | 'validity' | 'issueDate' | 'number' | 'holder'>;

export const signingTypeOf = (s: LicenseTypeStandard): SigningType => ({
  key: s.key,
  version: s.version,
  vct: s.vct,
  typeCode: s.typeCode,
  name: s.name,
  validity: s.validity,
  ...(s.issueDate ? { issueDate: s.issueDate } : {}),
  ...(s.number ? { number: s.number } : {}),
  holder: s.holder,
});

export interface Issuer {
  code: string;
  name: string;
}

export interface Holder {
  code: string;
  codeType: string;
  name: string;
}

/** A license as the API shows it: its current version, status and credential. */
export interface License {
  identifier: string;
  version: number;
  status: LicenseStatus;
  type: string;
  /** The version of the type's definition the current version was issued under. */
  typeVersion: string;
  typeCode: string;
  issuer: Issuer;
  holder: Holder;
  validFrom: string;
  validUntil: string | null;
  data: LicenseData;
  credential: string;
  issuedAt: string;
  updatedAt: string;
}

export interface LicenseVersion {
  identifier: string;
  version: number;
  change: 'issue' | 'amend';
  reason: string | null;
  data: LicenseData;
  credential: string;
  createdAt: string;
  createdBy: string | null;
}

export interface IssueRequest {
  type: string;
  holder: { code: string; codeType?: string; name?: string };
  data: unknown;
}

/** The type a license of `type` is issued under: its newest published version, or the version given. */
export function licenseStandard(platform: Platform, type: string, field = '/type', version?: string): LicenseTypeStandard {
  const standard = findLicenseType(platform, type, version);
  if (!standard) throw invalid('unknown-license-type', `unknown license type ${type}${version ? ` ${version}` : ''}`, field);
  return standard;
}

/** The holder's code, checked as a kind the type accepts (the first kind when the request names none). */
export function checkHolder(standard: Pick<LicenseTypeStandard, 'key' | 'holder'>, holder: IssueRequest['holder'], field = '/holder'): { code: string; codeType: string } {
  const accepted: string[] = standard.holder.codeTypes.map((kind) => HOLDER_KINDS[kind]);
  const codeType = holder.codeType ?? accepted[0];
  if (!accepted.includes(codeType)) {
    throw invalid('holder-code-type-not-accepted', `a ${standard.key} is held under a code of type ${accepted.join(' or ')}, not ${codeType}`, `${field}/codeType`, { accepted });
  }
  const problems = checkHolderCode(codeType, holder.code);
  if (problems.length > 0) {
    throw new DomainError('invalid', codeType === '001' ? 'invalid-credit-code' : 'invalid-holder-code', problems.map((p) => p.message).join('; '), {
      field: `${field}/code`,
      details: { problems },
    });
  }
  return { code: holder.code, codeType };
}

/** The holder's name: given with the request, or the type's name field. */
function holderNameOf(standard: LicenseTypeStandard, given: string | undefined, data: LicenseData, field = '/holder/name'): string {
  const name = given ?? licenseFacts(standard, data, '').holderName;
  if (name === undefined || name.trim() === '') throw invalid('missing-field', `the holder's name is required (a ${standard.key} carries it in no field)`, field);
  return name;
}

/** A license ready to be written: validated, identified and signed. */
export interface PreparedLicense {
  id: number;
  standard: SigningType;
  issuer: Issuer;
  holder: Holder;
  data: LicenseData;
  identifier: string;
  credential: string;
  kid: string;
}

const serialOf = (id: number) => String(id).padStart(8, '0');

export function credentialMetadata(
  standard: SigningType,
  issuer: Issuer,
  holder: Holder,
  data: LicenseData,
  identifier: string,
  version: number,
  issuedAt: Date,
): CredentialMetadata {
  const facts = licenseFacts(standard, data, holder.code, chinaDate(issuedAt));
  return {
    identifier,
    version,
    vct: standard.vct,
    licenseTypeCode: standard.typeCode,
    licenseName: standard.name,
    issuerCode: issuer.code,
    issuerName: issuer.name,
    holderCode: holder.code,
    holderCodeType: holder.codeType,
    validFrom: facts.validFrom,
    validUntil: facts.validUntil,
    issuedAt,
  };
}

/** Identifies and signs version `version` of license `id`. Pure computation: no I/O. */
export function signLicenseVersion(
  key: SigningKey,
  publicUrl: string,
  p: { id: number; version: number; standard: SigningType; issuer: Issuer; holder: Holder; data: LicenseData; issuedAt: Date },
): { identifier: string; credential: string } {
  const identifier = buildLicenseIdentifier({
    typeCode: p.standard.typeCode,
    issuerCode: p.issuer.code,
    serial: serialOf(p.id),
    version: p.version,
  });
  const credential = issueCredential({
    key,
    issuerUrl: publicUrl,
    status: { uri: statusListUri(publicUrl, statusListOf(p.id)), idx: statusIndexOf(p.id) },
    meta: credentialMetadata(p.standard, p.issuer, p.holder, p.data, identifier, p.version, p.issuedAt),
    fields: p.data,
  });
  return { identifier, credential };
}

export async function allocateLicenseIds(db: Queryable, count: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>('select nextval($1::regclass) as id from generate_series(1, $2)', [
    'license_serial_seq',
    count,
  ]);
  return rows.rows.map((r) => Number(r.id));
}

/**
 * Writes prepared licenses (version 1): on PostgreSQL a large batch by COPY, else one multi-row
 * statement per table. A holder that already has a license of the type is skipped, not
 * overwritten: re-running an import issues nothing twice. Returns the ids actually written.
 */
export async function insertIssuedLicenses(
  tx: Queryable,
  licenses: readonly PreparedLicense[],
  actor: string,
  events: DomainEvents,
): Promise<number[]> {
  if (licenses.length === 0) return [];
  const facts = licenses.map((l) => licenseFacts(l.standard, l.data, l.holder.code));
  const copy = licenses.length >= COPY_ROWS ? tx.copyFrom?.bind(tx) : undefined;
  const copied = copy ? await copyIssuedLicenses(tx, copy, licenses, facts, actor) : undefined;
  const kept = copied ?? (await insertLicenseRows(tx, licenses, facts, actor));
  if (kept.length === 0) return [];
  await events.publish(
    tx,
    kept.map((l) =>
      licenseEvent(
        'issued',
        { identifier: l.identifier, version: 1, typeKey: l.standard.key, issuerCode: l.issuer.code, holderCode: l.holder.code, status: 'valid', data: l.data },
        actor,
      ),
    ),
  );
  return kept.map((l) => l.id);
}

type LicenseFacts = ReturnType<typeof licenseFacts>;

/** From this many licenses a batch is written by COPY: below it, three COPYs and a savepoint cost more than the inserts. */
const COPY_ROWS = 100;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Rows in COPY's text format: tab-separated, \N for null, backslash escapes (no NUL: rows with one are rejected before). */
function copyText(rows: readonly (readonly (string | number | null)[])[]): string {
  const value = (v: string | number | null) => (v === null ? '\\N' : typeof v === 'number' ? String(v) : v.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]));
  let text = '';
  for (const row of rows) text += `${row.map(value).join('\t')}\n`;
  return text;
}

/**
 * Writes the batch with one COPY per table. COPY has no `on conflict`: when a holder got a
 * license since the batch was checked (another import at the same moment), the COPYs are undone
 * to a savepoint and undefined is returned, for the inserts to write the batch without it.
 */
async function copyIssuedLicenses(
  tx: Queryable,
  copy: NonNullable<Queryable['copyFrom']>,
  licenses: readonly PreparedLicense[],
  facts: readonly LicenseFacts[],
  actor: string,
): Promise<readonly PreparedLicense[] | undefined> {
  await tx.query('savepoint copy_licenses');
  try {
    await copy(
      `copy licenses (id, type_key, type_code, issuer_code, holder_code, holder_code_type, holder_name,
                      current_version, status, valid_from, valid_until, status_list, status_idx, issued_on, type_version) from stdin`,
      copyText(
        licenses.map((l, i) => [
          l.id,
          l.standard.key,
          l.standard.typeCode,
          l.issuer.code,
          l.holder.code,
          l.holder.codeType,
          l.holder.name,
          1,
          'valid',
          facts[i].validFrom,
          facts[i].validUntil,
          statusListOf(l.id),
          statusIndexOf(l.id),
          facts[i].issuedOn,
          l.standard.version,
        ]),
      ),
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('rollback to savepoint copy_licenses');
    return undefined;
  }
  await tx.query('release savepoint copy_licenses');
  await copy(
    'copy license_versions (license_id, version, identifier, data, credential, kid, change, created_by, type_version) from stdin',
    copyText(licenses.map((l) => [l.id, 1, l.identifier, JSON.stringify(l.data), l.credential, l.kid, 'issue', actor, l.standard.version])),
  );
  await copy('copy license_events (license_id, version, event, actor) from stdin', copyText(licenses.map((l) => [l.id, 1, 'issued', actor])));
  return licenses;
}

const UNIQUE_VIOLATION = '23505';

/** Writes the batch in one multi-row statement per table, skipping holders that have a license of the type. */
async function insertLicenseRows(tx: Queryable, licenses: readonly PreparedLicense[], facts: readonly LicenseFacts[], actor: string): Promise<readonly PreparedLicense[]> {
  const col = <T>(pick: (l: PreparedLicense) => T) => licenses.map(pick);
  const inserted = await tx.query<{ id: number }>(
    `insert into licenses (id, type_key, type_code, issuer_code, holder_code, holder_code_type, holder_name,
                           current_version, status, valid_from, valid_until, status_list, status_idx, issued_on, type_version)
     select t.id, t.type_key, t.type_code, t.issuer_code, t.holder_code, t.holder_code_type, t.holder_name,
            1, 'valid', t.valid_from, t.valid_until, t.id / $10, t.id % $10, t.issued_on, t.type_version
       from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[], $11::date[], $12::text[])
            as t(id, type_key, type_code, issuer_code, holder_code, holder_code_type, holder_name, valid_from, valid_until, issued_on, type_version)
     on conflict (type_key, holder_code) do nothing
     returning id`,
    [
      col((l) => l.id),
      col((l) => l.standard.key),
      col((l) => l.standard.typeCode),
      col((l) => l.issuer.code),
      col((l) => l.holder.code),
      col((l) => l.holder.codeType),
      col((l) => l.holder.name),
      facts.map((f) => f.validFrom),
      facts.map((f) => f.validUntil),
      STATUS_LIST_SIZE,
      facts.map((f) => f.issuedOn),
      col((l) => l.standard.version),
    ],
  );
  const written = new Set(inserted.rows.map((r) => Number(r.id)));
  const kept = licenses.filter((l) => written.has(l.id));
  if (kept.length === 0) return [];
  await tx.query(
    `insert into license_versions (license_id, version, identifier, data, credential, kid, change, created_by, type_version)
     select t.id, 1, t.identifier, t.data, t.credential, t.kid, 'issue', $5, t.type_version
       from unnest($1::bigint[], $2::text[], $3::jsonb[], $4::text[], $6::text[], $7::text[]) as t(id, identifier, data, credential, kid, type_version)`,
    [
      kept.map((l) => l.id),
      kept.map((l) => l.identifier),
      kept.map((l) => JSON.stringify(l.data)),
      kept.map((l) => l.credential),
      actor,
      kept.map((l) => l.kid),
      kept.map((l) => l.standard.version),
    ],
  );
  await tx.query(
    `insert into license_events (license_id, version, event, actor) select id, 1, 'issued', $2 from unnest($1::bigint[]) as t(id)`,
    [kept.map((l) => l.id), actor],
  );
  return kept;
}

/** 设立: issues a license and its first signed version. */
export async function issueLicense(ctx: LicenseContext, issuer: Issuer, request: IssueRequest, actor: string): Promise<License> {
  const standard = licenseStandard(ctx, request.type);
  const holderCode = checkHolder(standard, request.holder);
  const data = prepareLicenseData(standard, request.data, { issuerName: issuer.name });
  const holder: Holder = { ...holderCode, name: holderNameOf(standard, request.holder.name, data) };
  const key = await ctx.keys.activeKey('license', ctx.config.signingAlgorithm, issuer.code);
  const identifier = await ctx.store.transaction(async (tx) => {
    const [id] = await allocateLicenseIds(tx, 1);
    const type = signingTypeOf(standard);
    const signed = signLicenseVersion(key, ctx.config.publicUrl, { id, version: 1, standard: type, issuer, holder, data, issuedAt: new Date() });
    const written = await insertIssuedLicenses(tx, [{ id, standard: type, issuer, holder, data, ...signed, kid: key.kid }], actor, ctx.events);
    if (written.length === 0) {
      throw new DomainError('conflict', 'license-exists', `holder ${holder.code} already has a ${standard.key}`, {
        field: '/holder/code',
      });
    }
    return signed.identifier;
  });
  return getLicense(ctx.store, identifier);
}

interface LicenseRow {
  id: number;
  type_key: string;
  type_version: string;
  type_code: string;
  issuer_code: string;
  issuer_name: string | null;
  holder_code: string;
  holder_code_type: string;
  holder_name: string;
  current_version: number;
  status: LicenseStatus;
  valid_from: string;
  valid_until: string | null;
  created_at: Date;
  updated_at: Date;
}

const LICENSE_COLUMNS = `l.id, l.type_key, l.type_version, l.type_code, l.issuer_code, null::text as issuer_name, l.holder_code, l.holder_code_type,
  l.holder_name, l.current_version, l.status, l.valid_from, l.valid_until, l.created_at, l.updated_at`;

/** The issuing departments' names, from the departments' facade (their table is theirs). */
async function withIssuerNames<R extends LicenseRow>(db: Queryable, rows: R[]): Promise<R[]> {
  const names = await departmentNames(db, rows.map((r) => r.issuer_code));
  return rows.map((r) => ({ ...r, issuer_name: names.get(r.issuer_code) ?? null }));
}

/** Finds the license that a version identifier (any version's) belongs to. */
export async function findLicenseRow(db: Queryable, identifier: string, lock = false): Promise<LicenseRow> {
  const parsed = parseLicenseIdentifier(identifier);
  if (!parsed.ok) {
    throw new DomainError('invalid', 'invalid-license-identifier', parsed.problems.map((p) => p.message).join('; '), {
      field: '/identifier',
      details: { problems: parsed.problems },
    });
  }
  const row = (
    await db.query<LicenseRow>(
      `select ${LICENSE_COLUMNS} from license_versions v join licenses l on l.id = v.license_id
        where v.identifier = $1 ${lock ? 'for update of l' : ''}`,
      [identifier],
    )
  ).rows[0];
  if (!row) throw notFound('license-not-found', `no license with identifier ${identifier}`);
  return (await withIssuerNames(db, [row]))[0];
}

async function currentVersion(db: Queryable, licenseId: number, version: number) {
  return (
    await db.query<{ identifier: string; data: LicenseData; credential: string; kid: string }>(
      'select identifier, data, credential, kid from license_versions where license_id = $1 and version = $2',
      [licenseId, version],
    )
  ).rows[0];
}

function toLicense(row: LicenseRow, version: { identifier: string; data: LicenseData; credential: string }): License {
  return {
    identifier: version.identifier,
    version: row.current_version,
    status: row.status,
    type: row.type_key,
    typeVersion: row.type_version,
    typeCode: row.type_code,
    issuer: { code: row.issuer_code, name: row.issuer_name ?? row.issuer_code },
    holder: { code: row.holder_code, codeType: row.holder_code_type, name: row.holder_name },
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    data: version.data,
    credential: version.credential,
    issuedAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The license's current version, whichever version's identifier is given. */
export async function getLicense(db: Queryable, identifier: string): Promise<License> {
  const row = await findLicenseRow(db, identifier);
  const version = await currentVersion(db, row.id, row.current_version);
  return toLicense(row, version);
}

/** The licenses a holder holds (any type, any status), their current versions, newest first; at most `limit`. */
export async function listHolderLicenses(db: Queryable, holderCode: string, limit: number): Promise<License[]> {
  const rows = await db.query<LicenseRow & { identifier: string; data: LicenseData; credential: string }>(
    `select ${LICENSE_COLUMNS}, v.identifier, v.data, v.credential from licenses l
       join license_versions v on v.license_id = l.id and v.version = l.current_version
      where l.holder_code = $1 order by l.created_at desc, l.id desc limit $2`,
    [holderCode, limit],
  );
  return (await withIssuerNames(db, rows.rows)).map((row) => toLicense(row, row));
}

export async function licenseIssuerOf(db: Queryable, identifier: string): Promise<string> {
  return (await findLicenseRow(db, identifier)).issuer_code;
}

export async function listVersions(db: Queryable, identifier: string): Promise<LicenseVersion[]> {
  const row = await findLicenseRow(db, identifier);
  const rows = await db.query<{
    identifier: string;
    version: number;
    change: 'issue' | 'amend';
    reason: string | null;
    data: LicenseData;
    credential: string;
    created_at: Date;
    created_by: string | null;
  }>(
    'select identifier, version, change, reason, data, credential, created_at, created_by from license_versions where license_id = $1 order by version',
    [row.id],
  );
  return rows.rows.map((r) => ({
    identifier: r.identifier,
    version: r.version,
    change: r.change,
    reason: r.reason,
    data: r.data,
    credential: r.credential,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  }));
}

export async function listEvents(db: Queryable, identifier: string) {
  const row = await findLicenseRow(db, identifier);
  const rows = await db.query<{ version: number; event: LicenseEvent; reason: string | null; actor: string | null; at: Date }>(
    'select version, event, reason, actor, at from license_events where license_id = $1 order by id',
    [row.id],
  );
  return rows.rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') throw invalid('missing-field', 'a reason is required', '/reason');
  return reason;
}

/** 变更: a new immutable, signed version with the changed fields. */
export async function amendLicense(
  ctx: LicenseContext,
  identifier: string,
  change: { data: unknown; reason: string },
  actor: string,
  within?: Queryable,
): Promise<License> {
  const reason = requireReason(change.reason);
  if (typeof change.data !== 'object' || change.data === null || Array.isArray(change.data)) {
    throw invalid('invalid-license-data', '/data must be an object of the fields that change', '/data');
  }
  // `within`: the caller's transaction, when the amendment is one step of a larger change (an objection accepted).
  const inTransaction = <T>(work: (tx: Queryable) => Promise<T>) => (within ? work(within) : ctx.store.transaction(work));
  // The issuer's signing key is read before the transaction opens: the embedded store has one
  // connection, and the key store's read outside the open transaction would wait for it forever
  // (the first amendment after a start hung). A caller passing `within` loads it the same way first.
  if (!within) await ctx.keys.activeKey('license', ctx.config.signingAlgorithm, await licenseIssuerOf(ctx.store, identifier));
  const newIdentifier = await inTransaction(async (tx) => {
    const row = await findLicenseRow(tx, identifier, true);
    transition(row.status, 'amend');
    const previous = await currentVersion(tx, row.id, row.current_version);
    const issuer = { code: row.issuer_code, name: row.issuer_name ?? row.issuer_code };
    const { standard, data } = amendedData(ctx, row, { ...previous.data, ...(change.data as LicenseData) }, issuer.name);
    const facts = licenseFacts(standard, data, row.holder_code);
    const holder = { code: row.holder_code, codeType: row.holder_code_type, name: facts.holderName ?? row.holder_name };
    const version = row.current_version + 1;
    const key = await ctx.keys.activeKey('license', ctx.config.signingAlgorithm, issuer.code);
    const signed = signLicenseVersion(key, ctx.config.publicUrl, { id: row.id, version, standard: signingTypeOf(standard), issuer, holder, data, issuedAt: new Date() });
    await tx.query(
      `insert into license_versions (license_id, version, identifier, data, credential, kid, change, reason, created_by, type_version)
       values ($1, $2, $3, $4, $5, $6, 'amend', $7, $8, $9)`,
      [row.id, version, signed.identifier, JSON.stringify(data), signed.credential, key.kid, reason, actor, standard.version],
    );
    await tx.query(
      `update licenses set current_version = $2, holder_name = $3, valid_from = $4, valid_until = $5, issued_on = $6, type_version = $7, updated_at = now() where id = $1`,
      [row.id, version, holder.name, facts.validFrom, facts.validUntil, facts.issuedOn, standard.version],
    );
    await recordEvent(tx, row.id, version, 'amended', reason, actor);
    await ctx.events.publish(tx, [
      licenseEvent(
        'amended',
        { identifier: signed.identifier, version, typeKey: row.type_key, issuerCode: row.issuer_code, holderCode: row.holder_code, status: row.status, data, reason },
        actor,
      ),
    ]);
    return signed.identifier;
  });
  return getLicense(within ?? ctx.store, newIdentifier);
}

/**
 * The amended data and the type version it is signed under: the newest published version when the
 * data fits it (a license moves up to it), else the version the license has; its problems otherwise.
 */
function amendedData(platform: Platform, row: LicenseRow, merged: LicenseData, issuerName: string): { standard: LicenseTypeStandard; data: LicenseData } {
  const own = licenseStandard(platform, row.type_key, '/type', row.type_version);
  const newest = licenseStandard(platform, row.type_key);
  if (newest !== own) {
    try {
      return { standard: newest, data: prepareLicenseData(newest, merged, { issuerName }) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { standard: own, data: prepareLicenseData(own, merged, { issuerName }) };
}

async function recordEvent(tx: Queryable, licenseId: number, version: number, event: LicenseEvent, reason: string | null, actor: string) {
  await tx.query('insert into license_events (license_id, version, event, reason, actor) values ($1, $2, $3, $4, $5)', [
    licenseId,
    version,
    event,
    reason,
    actor,
  ]);
}

/**
 * 暂停 / 恢复 / 吊销 / 注销: changes the status, and the status list in the same transaction,
 * so a verification made after this returns sees the new status.
 */
export async function changeLicenseStatus(
  ctx: LicenseContext,
  identifier: string,
  change: Exclude<LifecycleChange, 'amend' | 'expire'>,
  reason: string,
  actor: string,
): Promise<License> {
  const why = requireReason(reason);
  await ctx.store.transaction(async (tx) => {
    const row = await findLicenseRow(tx, identifier, true);
    const { to, event } = transition(row.status, change);
    await tx.query('update licenses set status = $2, updated_at = now() where id = $1', [row.id, to]);
    await touchStatusList(tx, statusListOf(row.id));
    await recordEvent(tx, row.id, row.current_version, event, why, actor);
    const current = await currentVersion(tx, row.id, row.current_version);
    await ctx.events.publish(tx, [
      licenseEvent(
        event,
        { identifier: current.identifier, version: row.current_version, typeKey: row.type_key, issuerCode: row.issuer_code, holderCode: row.holder_code, status: to, reason: why },
        actor,
      ),
    ]);
  });
  return getLicense(ctx.store, identifier);
}

/** 到期: licenses whose validity ended before `today` expire. Returns how many did. */
export async function expireDueLicenses(ctx: Pick<LicenseContext, 'store' | 'events'>, today: string = chinaDate()): Promise<number> {
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.query<{ id: number; current_version: number; type_key: string; issuer_code: string; holder_code: string; identifier: string }>(
      `update licenses l set status = 'expired', updated_at = now()
         from license_versions v
        where v.license_id = l.id and v.version = l.current_version
          and l.status in ('valid', 'suspended') and l.valid_until is not null and l.valid_until < $1
        returning l.id, l.current_version, l.type_key, l.issuer_code, l.holder_code, v.identifier`,
      [today],
    );
    if (rows.rows.length === 0) return 0;
    await tx.query(
      `insert into license_events (license_id, version, event, reason, actor)
       select id, v, 'expired', 'validity ended', 'system' from unnest($1::bigint[], $2::int[]) as t(id, v)`,
      [rows.rows.map((r) => r.id), rows.rows.map((r) => r.current_version)],
    );
    for (const list of new Set(rows.rows.map((r) => statusListOf(r.id)))) await touchStatusList(tx, list);
    await ctx.events.publish(
      tx,
      rows.rows.map((r) =>
        licenseEvent(
          'expired',
          { identifier: r.identifier, version: r.current_version, typeKey: r.type_key, issuerCode: r.issuer_code, holderCode: r.holder_code, status: 'expired', reason: 'validity ended' },
          'system',
        ),
      ),
    );
    return rows.rows.length;
  });
}
