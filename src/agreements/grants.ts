import type { Queryable } from '../platform/store/store.ts';
import { chinaDate, parseValidUntil } from '../platform/chinaTime.ts';

/** What an active agreement lets a consumer department have: the exchange checks this on every lookup. */
export interface ActiveGrant {
  agreementId: string;
  consumerDepartment: string;
  resourceId: string;
  licenseType: string;
  purpose: string;
  fields: string[];
  expectedDailyVolume: number;
  /** YYYY-MM-DD, China's local date; the agreement holds through that day. */
  validUntil: string;
}

interface GrantRow {
  id: string;
  consumer_department: string;
  resource_id: string;
  license_type: string | null;
  purpose: string;
  granted_fields: string[];
  expected_daily_volume: number;
  valid_until: string;
}

const toGrant = (r: GrantRow): ActiveGrant => ({
  agreementId: r.id,
  consumerDepartment: r.consumer_department,
  resourceId: r.resource_id,
  licenseType: r.license_type ?? '',
  purpose: r.purpose,
  fields: r.granted_fields,
  expectedDailyVolume: r.expected_daily_volume,
  validUntil: r.valid_until,
});

const COLUMNS = 'id, consumer_department, resource_id, license_type, purpose, granted_fields, expected_daily_volume, valid_until';

/**
 * The active agreement of a department for a license type and purpose: approved (or granted at
 * once, for an unconditional resource), not suspended, revoked or expired, and in its term
 * today. One probe of the partial index agreements_active_grant. When several are active (a
 * renewal overlapping the old one), the one that runs longest, then the newest.
 */
export async function findActiveGrant(
  db: Queryable,
  q: { departmentCode: string; licenseType: string; purpose: string },
  now: Date = new Date(),
): Promise<ActiveGrant | undefined> {
  const rows = await db.query<GrantRow>(
    `select ${COLUMNS} from agreements
      where consumer_department = $1 and license_type = $2 and purpose = $3 and status = 'active' and valid_until >= $4::date
      order by valid_until desc, submitted_at desc limit 1`,
    [q.departmentCode, q.licenseType, q.purpose, chinaDate(now)],
  );
  return rows.rows[0] ? toGrant(rows.rows[0]) : undefined;
}

/** Every active agreement of a department for a resource (one per purpose, usually). */
export async function findActiveGrantsForResource(
  db: Queryable,
  q: { departmentCode: string; resourceId: string },
  now: Date = new Date(),
): Promise<ActiveGrant[]> {
  const rows = await db.query<GrantRow>(
    `select ${COLUMNS} from agreements
      where consumer_department = $1 and resource_id = $2 and status = 'active' and valid_until >= $3::date
      order by purpose, valid_until desc, submitted_at desc`,
    [q.departmentCode, q.resourceId, chinaDate(now)],
  );
  return rows.rows.map(toGrant);
}

/** The moment an agreement's validity ends (validUntil is a date: valid through that China day). */
export function grantEndsAt(grant: Pick<ActiveGrant, 'validUntil'>): number {
  return parseValidUntil(grant.validUntil)?.getTime() ?? Date.parse(grant.validUntil);
}

/** Active agreements of a department for a resource, for the purpose when one is given (subscriptions): never cached. */
export async function grantsForResource(db: Queryable, departmentCode: string, resourceId: string, purpose?: string | null): Promise<ActiveGrant[]> {
  const now = Date.now();
  const grants = await findActiveGrantsForResource(db, { departmentCode, resourceId });
  return grants.filter((g) => grantEndsAt(g) > now && (!purpose || g.purpose === purpose));
}

/** Every active agreement of a department for a license type, whatever its purpose or resource (what it may report on, src/quality). */
export async function activeGrantsForLicenseType(db: Queryable, departmentCode: string, licenseType: string, now: Date = new Date()): Promise<ActiveGrant[]> {
  const rows = await db.query<GrantRow>(
    `select ${COLUMNS} from agreements
      where consumer_department = $1 and license_type = $2 and status = 'active' and valid_until >= $3::date
      order by purpose, valid_until desc, submitted_at desc`,
    [departmentCode, licenseType, chinaDate(now)],
  );
  return rows.rows.map(toGrant).filter((g) => grantEndsAt(g) > now.getTime());
}
