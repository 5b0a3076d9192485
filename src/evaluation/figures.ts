/**
 * The figures of a month per department (考核的原始数据), each read where it is kept: the catalog
 * and the agreements through their facades, lookups served and consumed from the audit log's access
 * counts (kept per day as the log appends, rechecked by `audit verify` — never a listener in the
 * exchange's transaction), quality from src/quality, objections from src/objections, deliveries
 * from the deliveries' log. One set-based query per source, whatever the number of departments
 * or of the month's accesses (see bench/evaluation.ts).
 */
import { requestTimelinessByOwner, requestingDepartments } from '../agreements/index.ts';
import { catalogCountsByOwner, licenseTypeProviders } from '../catalog/index.ts';
import { subscriptionDeliveryCounts } from '../deliveries/index.ts';
import { listDepartments } from '../departments/index.ts';
import { coordinationOffices } from '../notifications/index.ts';
import { objectionTimeliness } from '../objections/index.ts';
import { accessCounts } from '../audit/index.ts';
import { chinaDate, chinaMonthBounds } from '../platform/chinaTime.ts';
import { isPracticeCode } from '../platform/practiceCodes.ts';
import type { Queryable } from '../platform/store/store.ts';
import { departmentQualityScore } from '../quality/index.ts';

export interface DepartmentFigures {
  code: string;
  name: string;
  nameEn: string;
  /** Catalog resources it owns at the end of the month, by sharing class (共享类型). */
  catalog: { published: number; unconditional: number; conditional: number; notShared: number };
  /**
   * Requests to its resources that had to be answered (not granted at once), counted once: in the
   * month they were answered, or — unanswered — in the month their deadline fell. `due` is their
   * number, `onTime` those answered by the deadline; the median is over those answered.
   */
  requests: { due: number; answered: number; onTime: number; medianHoursToAnswer: number | null };
  /** Records its resources served, and records it read, through the exchange (answered with data; event deliveries apart). */
  lookups: { served: number; consumed: number; requestedAccess: boolean };
  /** Its quality score as an issuer (0–100), null when it issues nothing checked. */
  quality: number | null;
  /** Objections to its licenses due in the month. */
  objections: { due: number; answered: number; onTime: number; open: number };
  /** Deliveries to its subscriptions of the month's events, once finished: delivered, or given up on (dead-lettered). */
  deliveries: { delivered: number; failed: number };
}

const int = (v: unknown) => Number(v ?? 0);

export async function monthFigures(db: Queryable, month: string): Promise<DepartmentFigures[]> {
  const { from, until } = chinaMonthBounds(month);
  // The coordination office runs the evaluation and is not ranked in it; practice copies are not departments.
  const offices = new Set(await coordinationOffices(db));
  const departments = (await listDepartments(db)).filter((d) => !isPracticeCode(d.code) && !offices.has(d.code));
  const byCode = new Map<string, DepartmentFigures>(
    departments.map((d) => [
      d.code,
      {
        code: d.code,
        name: d.name,
        nameEn: d.nameEn,
        catalog: { published: 0, unconditional: 0, conditional: 0, notShared: 0 },
        requests: { due: 0, answered: 0, onTime: 0, medianHoursToAnswer: null },
        lookups: { served: 0, consumed: 0, requestedAccess: false },
        quality: null,
        objections: { due: 0, answered: 0, onTime: 0, open: 0 },
        deliveries: { delivered: 0, failed: 0 },
      },
    ]),
  );

  for (const [owner, counts] of await catalogCountsByOwner(db, until)) {
    const f = byCode.get(owner);
    if (f) f.catalog = counts;
  }
  for (const [owner, requests] of await requestTimelinessByOwner(db, from, until)) {
    const f = byCode.get(owner);
    if (f) f.requests = requests;
  }
  for (const consumer of await requestingDepartments(db, until)) {
    const f = byCode.get(consumer);
    if (f) f.lookups.requestedAccess = true;
  }

  // The month's access records, as the audit log counts them per day: records read (answered with
  // data) per consumer and license type. A delivery of a subscribed event is an `exchange.accessed`
  // entry too (operation "event"), counted apart.
  const records = new Map<string, { consumer: string; license_type: string; records: number }>();
  for (const c of await accessCounts(db, { from: chinaDate(from), to: chinaDate(until.getTime() - 1) })) {
    if (c.operation === 'event' || !c.department || !c.licenseType || c.allowed === 0) continue;
    const key = `${c.department}|${c.licenseType}`;
    const known = records.get(key) ?? { consumer: c.department, license_type: c.licenseType, records: 0 };
    known.records += c.allowed;
    records.set(key, known);
  }
  const lookups = { rows: [...records.values()] };
  const providerOf = await licenseTypeProviders(db);
  for (const r of lookups.rows) {
    const consumer = byCode.get(r.consumer);
    if (consumer) consumer.lookups.consumed += int(r.records);
    const provider = byCode.get(providerOf.get(r.license_type) ?? '');
    if (provider) provider.lookups.served += int(r.records);
  }

  for (const [department, counts] of await subscriptionDeliveryCounts(db, from, until)) {
    const f = byCode.get(department);
    if (f) f.deliveries = counts;
  }

  for (const f of byCode.values()) {
    f.quality = await departmentQualityScore(db, f.code, month);
    f.objections = await objectionTimeliness(db, f.code, month);
  }
  return [...byCode.values()];
}
