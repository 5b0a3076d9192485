/**
 * Oversight for the coordination office: accesses counted per consumer system, agreement and day
 * (China time) as the log's indexer reads them — off the exchange's hot path — and
 * alerts when a day's count passes the agreement's expected daily volume or is far outside the
 * system's usual pattern (more than `factor` × its mean of the 7 days before, and at least `floor`).
 */
import { findActiveGrant } from '../agreements/index.ts';
import type { Queryable } from '../platform/store/store.ts';

export interface OversightOptions {
  /** Today's count must exceed this multiple of the trailing 7-day mean… */
  factor: number;
  /** …and this many accesses, before it counts as unusual. */
  floor: number;
}

export const DEFAULT_OVERSIGHT: OversightOptions = { factor: 3, floor: 200 };

export type AlertKind = 'volume-exceeded' | 'unusual-volume';

export interface Alert {
  id: number;
  kind: AlertKind;
  day: string;
  department: string;
  clientId: string;
  agreementId: string | null;
  count: number;
  threshold: number;
  detail: Record<string, unknown>;
  createdAt: string;
}

interface DailyRow {
  department: string;
  client_id: string;
  agreement_id: string;
  day: string;
  total: number;
  allowed: number;
  expected_volume: number | null;
  baseline: number;
}

/**
 * Something that tells the coordination office: the notifications capability's inbox once it
 * exists; the alert rows are the record either way.
 */
export type AlertSink = (tx: Queryable, alerts: readonly Alert[]) => Promise<void>;

/** Accesses of one system under one agreement on one China day, as an indexer pass counts them. */
export interface AccessGroup {
  department: string;
  client_id: string;
  agreement_id: string;
  day: string;
  total: number;
  allowed: number;
  license_type: string | null;
  purpose: string | null;
  /** The latest access of the group (a timestamp; JSON gives it as a string). */
  at: Date | string;
}

/**
 * Adds a batch's accesses to the daily counts per system, agreement and day (China time, UTC+8,
 * no daylight saving) and raises the alerts they cause; runs in the indexer's transaction.
 */
export async function countAccesses(tx: Queryable, groups: readonly AccessGroup[], options: OversightOptions, sink?: AlertSink): Promise<Alert[]> {
  const list = groups.map((g) => ({ ...g, expected: null as number | null }));
  if (list.length === 0) return [];
  // The agreement's expected daily volume, through the agreements capability (one indexed probe per agreement and batch).
  const volumes = new Map<string, number | null>();
  for (const g of list) {
    if (!g.agreement_id || !g.license_type || !g.purpose) continue;
    if (!volumes.has(g.agreement_id)) {
      const grant = await findActiveGrant(tx, { departmentCode: g.department, licenseType: g.license_type, purpose: g.purpose }, new Date(g.at));
      volumes.set(g.agreement_id, grant?.agreementId === g.agreement_id ? grant.expectedDailyVolume : null);
    }
    g.expected = volumes.get(g.agreement_id) ?? null;
  }
  const rows = await tx.query<DailyRow>(
    `insert into audit_access_daily as d (department, client_id, agreement_id, day, total, allowed, expected_volume, baseline)
     select t.department, t.client_id, t.agreement_id, t.day, t.total, t.allowed,
            t.expected,
            coalesce((select sum(p.total) from audit_access_daily p
                       where p.department = t.department and p.client_id = t.client_id and p.agreement_id = t.agreement_id
                         and p.day >= t.day - 7 and p.day < t.day), 0) / 7.0
       from unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::int[], $6::int[], $7::int[])
            as t(department, client_id, agreement_id, day, total, allowed, expected)
     on conflict (department, client_id, agreement_id, day) do update
        set total = d.total + excluded.total,
            allowed = d.allowed + excluded.allowed,
            expected_volume = coalesce(excluded.expected_volume, d.expected_volume)
     returning d.department, d.client_id, d.agreement_id, d.day::text as day, d.total, d.allowed, d.expected_volume, d.baseline`,
    [
      list.map((g) => g.department),
      list.map((g) => g.client_id),
      list.map((g) => g.agreement_id),
      list.map((g) => g.day),
      list.map((g) => g.total),
      list.map((g) => g.allowed),
      list.map((g) => g.expected),
    ],
  );
  const candidates: Omit<Alert, 'id' | 'createdAt'>[] = [];
  for (const r of rows.rows) {
    const base = { day: r.day, department: r.department, clientId: r.client_id, agreementId: r.agreement_id || null };
    if (r.expected_volume !== null && r.allowed > r.expected_volume) {
      candidates.push({
        ...base,
        kind: 'volume-exceeded',
        count: r.allowed,
        threshold: r.expected_volume,
        detail: { allowed: r.allowed, total: r.total, expectedDailyVolume: r.expected_volume },
      });
    }
    const threshold = Math.max(options.floor, options.factor * r.baseline);
    // A system without history has no usual pattern yet; the agreement's volume still applies.
    if (r.baseline > 0 && r.total > threshold) {
      candidates.push({
        ...base,
        kind: 'unusual-volume',
        count: r.total,
        threshold,
        detail: { total: r.total, trailingMean: r.baseline, factor: options.factor, floor: options.floor },
      });
    }
  }
  if (candidates.length === 0) return [];
  // One alert per kind, system, agreement and day: the unique key drops repeats.
  const inserted = await tx.query<AlertRow>(
    `insert into audit_alerts (kind, day, department, client_id, agreement_id, count, threshold, detail)
     select * from unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::jsonb[])
     on conflict do nothing
     returning ${ALERT_COLUMNS}`,
    [
      candidates.map((c) => c.kind),
      candidates.map((c) => c.day),
      candidates.map((c) => c.department),
      candidates.map((c) => c.clientId),
      candidates.map((c) => c.agreementId ?? ''),
      candidates.map((c) => c.count),
      candidates.map((c) => c.threshold),
      candidates.map((c) => JSON.stringify(c.detail)),
    ],
  );
  const alerts = inserted.rows.map(toAlert);
  if (alerts.length > 0 && sink) await sink(tx, alerts);
  return alerts;
}

interface AlertRow {
  id: number;
  kind: AlertKind;
  day: string;
  department: string;
  client_id: string;
  agreement_id: string;
  count: number;
  threshold: number;
  detail: Record<string, unknown>;
  created_at: Date;
}

const ALERT_COLUMNS = 'id, kind, day::text as day, department, client_id, agreement_id, count, threshold, detail, created_at';

const toAlert = (r: AlertRow): Alert => ({
  id: Number(r.id),
  kind: r.kind,
  day: r.day,
  department: r.department,
  clientId: r.client_id,
  agreementId: r.agreement_id || null,
  count: r.count,
  threshold: r.threshold,
  detail: r.detail,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Alerts, newest first. */
export async function listAlerts(db: Queryable, before: number | undefined, limit: number): Promise<Alert[]> {
  const rows = await db.query<AlertRow>(
    `select ${ALERT_COLUMNS} from audit_alerts where ($1::bigint is null or id < $1) order by id desc limit $2`,
    [before ?? null, limit],
  );
  return rows.rows.map(toAlert);
}
