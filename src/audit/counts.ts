/**
 * Accesses counted per China day as the log appends them (one upsert per batch, in the batch's own
 * statement): what the exchange's usage figures and the month's evaluation read, instead of the
 * entries. Read-only and without a principal: the capability that shows them decides who may see
 * what, through its own facade.
 */
import type { Queryable } from '../platform/store/store.ts';

export interface AccessCount {
  /** China day, YYYY-MM-DD. */
  day: string;
  /** The consumer department ('' when the access named none). */
  department: string;
  clientId: string;
  agreementId: string;
  licenseType: string;
  purpose: string;
  /** The access's operation (lookup, batch, event). */
  operation: string;
  total: number;
  /** Of them, answered with data (outcome `allowed`). */
  allowed: number;
}

/** The counts of the China days `from`…`to` (inclusive), of one consumer department or all. */
export async function accessCounts(db: Queryable, query: { from: string; to: string; department?: string }): Promise<AccessCount[]> {
  const rows = await db.query<{ day: string; department: string; client_id: string; agreement_id: string; license_type: string; purpose: string; operation: string; total: number; allowed: number }>(
    `select day::text as day, department, client_id, agreement_id, license_type, purpose, operation, total, allowed
       from audit_access_counts where day >= $1::date and day <= $2::date and ($3::text is null or department = $3)`,
    [query.from, query.to, query.department ?? null],
  );
  return rows.rows.map((r) => ({
    day: r.day,
    department: r.department,
    clientId: r.client_id,
    agreementId: r.agreement_id,
    licenseType: r.license_type,
    purpose: r.purpose,
    operation: r.operation,
    total: Number(r.total),
    allowed: Number(r.allowed),
  }));
}
