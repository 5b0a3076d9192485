/**
 * Authorised issuers (发证机关名录): which departments may issue each license type, from when to
 * when, and on what legal basis. The coordination office keeps the registry; every change is an
 * event in the audit log. Issuing, amending and importing are refused for a department that is
 * not an authorised issuer of the type that day, whatever roles its systems have; verification
 * fails a credential whose issuer was not authorised on the day it was issued.
 *
 * The registry is small (departments × license types) and asked on every issuance and
 * verification: each process keeps all of it in memory, reloaded when any process changes it.
 */
import { actorOf, type Principal } from '../platform/auth/principal.ts';
import { chinaDate, isCalendarDate } from '../platform/chinaTime.ts';
import { authorize } from '../policy/index.ts';
import { conflict, DomainError, invalid, notFound } from '../platform/errors.ts';
import type { DomainEvents } from '../platform/events.ts';
import type { Platform } from '../platform/platform.ts';
import { perPlatform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { issuerRegistryEvent } from './events.ts';
import { findLicenseType } from './licenseTypes.ts';

export interface AuthorisedIssuer {
  licenseType: string;
  department: string;
  departmentName: string | null;
  legalBasis: string;
  /** First day of the authorisation (China date). */
  validFrom: string;
  /** Last day, when it was withdrawn or ends; null while open-ended. */
  validUntil: string | null;
  withdrawnReason: string | null;
  createdBy: string;
  createdAt: string;
}

interface Row {
  id: number;
  license_type: string;
  department_code: string;
  department_name: string | null;
  legal_basis: string;
  valid_from: string;
  valid_until: string | null;
  withdrawn_reason: string | null;
  created_by: string;
  created_at: Date;
}

const toIssuer = (r: Row): AuthorisedIssuer => ({
  licenseType: r.license_type,
  department: r.department_code,
  departmentName: r.department_name,
  legalBasis: r.legal_basis,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  withdrawnReason: r.withdrawn_reason,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

const SELECT = `select i.id, i.license_type, i.department_code, null::text as department_name, i.legal_basis, i.valid_from, i.valid_until,
                       i.withdrawn_reason, i.created_by, i.created_at
                  from license_type_issuers i`;

/**
 * Departments' names by code, answered by the departments capability: it builds on the standards
 * (credit codes, divisions), so the standards cannot import it; it provides this when attached.
 */
export type DepartmentNames = (db: Queryable, codes: readonly string[]) => Promise<Map<string, string>>;
const directories = new WeakMap<object, DepartmentNames>();

export function provideDepartmentNames(platform: object, names: DepartmentNames): void {
  directories.set(platform, names);
}

function departmentNamesOf(platform: object): DepartmentNames {
  const names = directories.get(platform);
  if (!names) throw new Error('no department directory: the departments capability is not attached to this platform');
  return names;
}

async function named(platform: object, db: Queryable, rows: Row[]): Promise<AuthorisedIssuer[]> {
  const names = await departmentNamesOf(platform)(db, rows.map((r) => r.department_code));
  return rows.map((r) => toIssuer({ ...r, department_name: names.get(r.department_code) ?? null }));
}

const TOPIC = 'standards.issuers';

/** The whole registry of a platform, in memory; reloaded when any process announces a change. */
class IssuerRegistry {
  private loaded?: Promise<AuthorisedIssuer[]>;

  constructor(private readonly platform: Platform) {
    platform.changes.on(TOPIC, () => this.forget());
    platform.changes.onReset(() => this.forget());
  }

  forget(): void {
    this.loaded = undefined;
  }

  all(): Promise<AuthorisedIssuer[]> {
    const load = (this.loaded ??= this.platform.store
      .query<Row>(`${SELECT} order by i.license_type, i.valid_from, i.id`)
      .then((r) => named(this.platform, this.platform.store, r.rows)));
    // A failed load is not kept: the next question asks the store again.
    load.catch(() => {
      if (this.loaded === load) this.loaded = undefined;
    });
    return load;
  }

  /** Whether `department` was an authorised issuer of `licenseType` on `date` (China date). */
  async authorised(licenseType: string, department: string, date: string): Promise<boolean> {
    return (await this.all()).some((i) => i.licenseType === licenseType && i.department === department && i.validFrom <= date && (i.validUntil === null || date <= i.validUntil));
  }
}

export const issuerRegistry = perPlatform((platform) => new IssuerRegistry(platform));

/** Whether the department may issue (and amend, and import) licenses of the type on `date` (default today). */
export function isAuthorisedIssuer(platform: Platform, licenseType: string, department: string, date: string = chinaDate()): Promise<boolean> {
  return issuerRegistry(platform).authorised(licenseType, department, date);
}

export async function listIssuers(platform: Platform, licenseType: string): Promise<AuthorisedIssuer[]> {
  knownType(platform, licenseType, '/type');
  return (await issuerRegistry(platform).all()).filter((i) => i.licenseType === licenseType);
}

function knownType(platform: Platform, licenseType: string, field: string): void {
  if (!findLicenseType(platform, licenseType)) throw new DomainError('not-found', 'unknown-license-type', `no license type ${licenseType}`, { field });
}

export interface IssuerInput {
  department: string;
  legalBasis: string;
  validFrom?: string;
}

/** Registers a department as an authorised issuer of a license type (the coordination office). */
export async function authoriseIssuer(platform: Platform, principal: Principal, licenseType: string, input: IssuerInput): Promise<AuthorisedIssuer> {
  knownType(platform, licenseType, '/type');
  authorize(principal, 'issuer-registry:manage', { type: 'LicenseType', id: licenseType, attrs: { key: licenseType } });
  const actor = actorOf(principal);
  const validFrom = input.validFrom ?? chinaDate();
  if (!isCalendarDate(validFrom)) throw invalid('validation-failed', '/validFrom is not a date (YYYY-MM-DD)', '/validFrom');
  if (input.legalBasis.trim() === '') throw invalid('missing-field', 'the legal basis of the authorisation is required', '/legalBasis');
  return platform.store.transaction(async (tx) => {
    const id = await recordAuthorisation(tx, platform, licenseType, { ...input, validFrom }, actor);
    if (id === undefined) throw conflict('issuer-exists', `department ${input.department} is already an authorised issuer of ${licenseType}`, '/department');
    return (await named(platform, tx, (await tx.query<Row>(`${SELECT} where i.id = $1`, [id])).rows))[0];
  });
}

/**
 * Records an authorisation in the caller's transaction (a type's publication names its issuers):
 * its id, or undefined when the department already holds an open one from that day. Refuses a
 * department the platform does not know.
 */
export async function recordAuthorisation(
  tx: Queryable,
  platform: Pick<Platform, 'events' | 'changes'>,
  licenseType: string,
  input: IssuerInput & { validFrom: string },
  actor: string,
  field = '/department',
): Promise<number | undefined> {
  const known = await departmentNamesOf(platform)(tx, [input.department]);
  if (!known.has(input.department)) throw invalid('department-not-found', `no department with code ${input.department}`, field);
  const open = await tx.query(
    `select 1 from license_type_issuers where license_type = $1 and department_code = $2 and (valid_until is null or valid_until >= $3) for update`,
    [licenseType, input.department, input.validFrom],
  );
  if (open.rows.length > 0) return undefined;
  const row = (
    await tx.query<{ id: number }>(
      `insert into license_type_issuers (license_type, department_code, legal_basis, valid_from, created_by) values ($1, $2, $3, $4, $5) returning id`,
      [licenseType, input.department, input.legalBasis.trim(), input.validFrom, actor],
    )
  ).rows[0];
  await publishChange(tx, platform, 'standards.issuer-authorised', licenseType, input.department, actor, { legalBasis: input.legalBasis.trim(), validFrom: input.validFrom });
  return row.id;
}

/** Ends a department's authorisation (from `validUntil`, default today, inclusive), with a reason. */
export async function withdrawIssuer(
  ctx: Platform,
  principal: Principal,
  licenseType: string,
  department: string,
  input: { reason: string; validUntil?: string },
): Promise<AuthorisedIssuer> {
  knownType(ctx, licenseType, '/type');
  authorize(principal, 'issuer-registry:manage', { type: 'LicenseType', id: licenseType, attrs: { key: licenseType } });
  const actor = actorOf(principal);
  const validUntil = input.validUntil ?? chinaDate();
  if (!isCalendarDate(validUntil)) throw invalid('validation-failed', '/validUntil is not a date (YYYY-MM-DD)', '/validUntil');
  return ctx.store.transaction(async (tx) => {
    const row = (
      await tx.query<{ id: number }>(
        `update license_type_issuers set valid_until = greatest($3::date, valid_from), withdrawn_reason = $4, withdrawn_by = $5, withdrawn_at = now()
          where id = (select id from license_type_issuers where license_type = $1 and department_code = $2 and valid_until is null order by id desc limit 1)
          returning id`,
        [licenseType, department, validUntil, input.reason, actor],
      )
    ).rows[0];
    if (!row) throw notFound('issuer-not-found', `department ${department} holds no open authorisation to issue ${licenseType}`);
    await publishChange(tx, ctx, 'standards.issuer-withdrawn', licenseType, department, actor, { reason: input.reason, validUntil });
    return (await named(ctx, tx, (await tx.query<Row>(`${SELECT} where i.id = $1`, [row.id])).rows))[0];
  });
}

async function publishChange(
  tx: Queryable,
  ctx: { events: DomainEvents; changes: Platform['changes'] },
  type: 'standards.issuer-authorised' | 'standards.issuer-withdrawn',
  licenseType: string,
  department: string,
  actor: string,
  facts: Record<string, string>,
): Promise<void> {
  await ctx.events.publish(tx, [issuerRegistryEvent(type, licenseType, department, actor, facts)]);
  await ctx.changes.announce(tx, TOPIC, licenseType);
}
