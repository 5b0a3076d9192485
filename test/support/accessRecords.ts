/**
 * Access records as tests read them: a record is its `exchange.accessed` audit entries (one per
 * holder read), read through the audit log's facade and folded back into one row with the columns
 * the old access table had.
 */
import { followLog } from '../../src/audit/index.ts';
import type { Queryable } from '../../src/platform/store/store.ts';

export interface AccessRecordRow {
  access_id: string;
  department_code: string | null;
  client_id: string | null;
  operation: string;
  license_type: string | null;
  purpose: string | null;
  holder_codes: string[];
  fields: string[];
  basis: string | null;
  basis_ids: string[];
  outcome: string;
  status: number;
  problem: string | null;
  results: Record<string, number> | null;
}

interface AccessData {
  accessId: string;
  department: string | null;
  client: string | null;
  operation: string;
  licenseType: string | null;
  purpose: string | null;
  fields: string[];
  basis: string | null;
  basisIds: string[];
  outcome: string;
  status: number;
  problem: string | null;
  results?: Record<string, number>;
  holderCode?: string;
}

function fold(entries: readonly string[]): AccessRecordRow | undefined {
  if (entries.length === 0) return undefined;
  const data = entries.map((text) => (JSON.parse(text) as { data: AccessData }).data);
  const d = data[0];
  return {
    access_id: d.accessId,
    department_code: d.department,
    client_id: d.client,
    operation: d.operation,
    license_type: d.licenseType,
    purpose: d.purpose,
    holder_codes: data.flatMap((x) => (x.holderCode ? [x.holderCode] : [])),
    fields: d.fields,
    basis: d.basis,
    basis_ids: d.basisIds,
    outcome: d.outcome,
    status: d.status,
    problem: d.problem,
    results: d.results ?? null,
  };
}

/** Every `exchange.accessed` entry appended so far, in log order, read through the audit log's facade. */
async function accessEntries(db: Queryable): Promise<AccessData[]> {
  const found: AccessData[] = [];
  for (let after = -1; ; ) {
    const page = await followLog(db, after, 5000, ['exchange.accessed'], { through: 'appended' });
    found.push(...page.entries.map((e) => e.entry.data as unknown as AccessData));
    if (page.last === null) return found;
    after = page.last;
  }
}

function foldData(data: readonly AccessData[]): AccessRecordRow | undefined {
  return fold(data.map((d) => JSON.stringify({ data: d })));
}

/** The record of one call, by its access id (X-CertBridge-Access-Id). */
export async function accessRecord(db: Queryable, accessId: string): Promise<AccessRecordRow | undefined> {
  return foldData((await accessEntries(db)).filter((d) => d.accessId === accessId));
}

/** The last record of a system's calls. */
export async function lastAccess(db: Queryable, clientId: string): Promise<AccessRecordRow | undefined> {
  const all = await accessEntries(db);
  const last = all.filter((d) => d.client === clientId).at(-1);
  return last ? foldData(all.filter((d) => d.accessId === last.accessId)) : undefined;
}

/** Every record whose basis names `basisId` (an agreement, authorisation or subscription id). */
export async function accessRecordsByBasis(db: Queryable, basisId: string): Promise<AccessRecordRow[]> {
  const byAccess = new Map<string, AccessData[]>();
  for (const d of await accessEntries(db)) {
    if (!d.basisIds.includes(basisId)) continue;
    byAccess.set(d.accessId, [...(byAccess.get(d.accessId) ?? []), d]);
  }
  return [...byAccess.values()].map((data) => foldData(data)!);
}

/** Every record of a holder's data sent with events (deliveries). */
export async function deliveryAccessRecords(db: Queryable, holderCode: string): Promise<AccessRecordRow[]> {
  return (await accessEntries(db)).filter((d) => d.holderCode === holderCode && d.operation === 'event').map((d) => foldData([d])!);
}
