/**
 * Access records as tests read them: a record is its `exchange.accessed` audit entries (one per
 * holder read), folded back into one row with the columns the old access table had.
 */
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

// Entries are searched as text and parsed here: an entry may hold \u0000 (a caller's odd input,
// escaped by canonical JSON), which PostgreSQL's jsonb refuses.
const dataOf = (entry: string) => (JSON.parse(entry) as { data: AccessData }).data;

/** The record of one call, by its access id (X-CertBridge-Access-Id). */
export async function accessRecord(db: Queryable, accessId: string): Promise<AccessRecordRow | undefined> {
  const rows = await db.query<{ entry: string }>(`select entry from audit_entries where type = 'exchange.accessed' and strpos(entry, $1) > 0 order by id`, [
    `"accessId":"${accessId}"`,
  ]);
  return fold(rows.rows.map((r) => r.entry));
}

/** The last record of a system's calls. */
export async function lastAccess(db: Queryable, clientId: string): Promise<AccessRecordRow | undefined> {
  const last = await db.query<{ entry: string }>(`select entry from audit_entries where type = 'exchange.accessed' and client_id = $1 order by id desc limit 1`, [clientId]);
  if (!last.rows[0]) return undefined;
  return accessRecord(db, dataOf(last.rows[0].entry).accessId);
}

/** Every record whose basis names `basisId` (an agreement, authorisation or subscription id). */
export async function accessRecordsByBasis(db: Queryable, basisId: string): Promise<AccessRecordRow[]> {
  const rows = await db.query<{ entry: string }>(`select entry from audit_entries where type = 'exchange.accessed' and strpos(entry, $1) > 0 order by id`, [
    JSON.stringify(basisId),
  ]);
  const byAccess = new Map<string, string[]>();
  for (const { entry } of rows.rows) {
    if (!dataOf(entry).basisIds.includes(basisId)) continue;
    const id = dataOf(entry).accessId;
    byAccess.set(id, [...(byAccess.get(id) ?? []), entry]);
  }
  return [...byAccess.values()].map((entries) => fold(entries)!);
}

/** Every record of a holder's data sent with events (deliveries). */
export async function deliveryAccessRecords(db: Queryable, holderCode: string): Promise<AccessRecordRow[]> {
  const rows = await db.query<{ entry: string }>(`select entry from audit_entries where type = 'exchange.accessed' and holder_code = $1 order by id`, [holderCode]);
  return rows.rows.filter((r) => dataOf(r.entry).operation === 'event').map((r) => fold([r.entry])!);
}
