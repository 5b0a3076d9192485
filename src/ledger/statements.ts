/**
 * Monthly statements (月度对账单) of a department's account: the balance it opened the month with
 * (credits less debits of every earlier month), the month's debits and credits, the closing
 * balance, and lines per resource, counterparty and kind of journal with the records and fen.
 */
import { getResource } from '../catalog/index.ts';
import { listDepartments } from '../departments/index.ts';
import { DomainError } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { fenOf } from './amounts.ts';

export interface StatementLine {
  kind: 'lookup' | 'correction';
  resourceId: string | null;
  /** The resource's title (Chinese, English) as the catalog has it: what a reader reads; null without a resource, or one no longer in the catalog. */
  resource: { title: string; titleEn: string } | null;
  counterparty: { code: string; name: string | null; nameEn: string | null };
  /** Records read (lookups), or the records a correction stands for. */
  records: number;
  debits: number;
  credits: number;
  /** Credits less debits. */
  fen: number;
}

export interface Statement {
  department: { code: string; name: string | null; nameEn: string | null };
  month: string;
  /** Fen; a positive balance is owed to the department. */
  opening: number;
  debits: number;
  credits: number;
  closing: number;
  /** Journals that touched the account in the month. */
  journals: number;
  lines: StatementLine[];
}

export async function buildStatement(db: Queryable, department: string, month: string): Promise<Statement> {
  const opening = (
    await db.query<{ balance: string | null }>(`select (coalesce(sum(credit), 0) - coalesce(sum(debit), 0))::text as balance from ledger_entries where account = $1 and month < $2`, [
      department,
      month,
    ])
  ).rows[0].balance;
  const lines = await db.query<{ kind: 'lookup' | 'correction'; resource_id: string | null; counterparty: string; records: string; debits: string; credits: string; journals: string }>(
    `select j.kind, e.resource_id, e.counterparty, sum(e.records)::text as records, sum(e.debit)::text as debits, sum(e.credit)::text as credits,
            count(*)::text as journals
       from ledger_entries e join ledger_journals j on j.id = e.journal_id
      where e.account = $1 and e.month = $2
      group by j.kind, e.resource_id, e.counterparty
      order by j.kind, e.resource_id nulls last, e.counterparty`,
    [department, month],
  );
  const names = new Map((await listDepartments(db)).map((d) => [d.code, d]));
  const named = (code: string) => ({ code, name: names.get(code)?.name ?? null, nameEn: names.get(code)?.nameEn ?? null });
  const titles = await resourceTitles(db, lines.rows.map((r) => r.resource_id));
  const items: StatementLine[] = lines.rows.map((r) => {
    const debits = fenOf(r.debits);
    const credits = fenOf(r.credits);
    const resource = r.resource_id === null ? null : (titles.get(r.resource_id) ?? null);
    return { kind: r.kind, resourceId: r.resource_id, resource, counterparty: named(r.counterparty), records: fenOf(r.records), debits, credits, fen: credits - debits };
  });
  const debits = items.reduce((s, l) => s + l.debits, 0);
  const credits = items.reduce((s, l) => s + l.credits, 0);
  const open = fenOf(opening);
  const closing = open + credits - debits;
  if (!Number.isSafeInteger(closing) || !Number.isSafeInteger(debits) || !Number.isSafeInteger(credits)) throw new RangeError('ledger totals beyond the safe integers of JavaScript');
  return { department: named(department), month, opening: open, debits, credits, closing, journals: lines.rows.reduce((s, r) => s + fenOf(r.journals), 0), lines: items };
}

/** The titles of the resources a statement names (a month's lines name few). */
async function resourceTitles(db: Queryable, ids: readonly (string | null)[]): Promise<Map<string, { title: string; titleEn: string }>> {
  const titles = new Map<string, { title: string; titleEn: string }>();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    try {
      const { title, titleEn } = await getResource(db, id);
      titles.set(id, { title, titleEn });
    } catch (error) {
      if (!(error instanceof DomainError && error.reason === 'not-found')) throw error;
    }
  }
  return titles;
}
