/**
 * Corrections: the ledger is append-only, so a wrong posting is never changed — the coordination
 * office posts a new journal that moves an amount from one department's account to another's,
 * with its reason (and, when it fixes one, the journal it corrects). Posted to the current month
 * unless a month is named: an open one (`openMonths`).
 */
import { findDepartment } from '../departments/index.ts';
import { getResource } from '../catalog/index.ts';
import { DomainError, invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { addMonths, chinaDate } from '../platform/chinaTime.ts';
import { chinaMonth, isMonth, MAX_CORRECTION_FEN } from './amounts.ts';
import { correctedEvent, type Correction } from './events.ts';
import { MAX_REASON } from './prices.ts';

export interface CorrectionInput {
  /** The department whose account is debited (it owes the amount). */
  debitDepartment: string;
  /** The department whose account is credited (it is owed the amount). */
  creditDepartment: string;
  fen: number;
  reason: string;
  /** The month it is posted to (YYYY-MM, China time); default the current one. */
  month?: string;
  resourceId?: string | null;
  /** Records it stands for (a refund of 3 lookups: 3); default 0. */
  records?: number;
  /** The journal it corrects, if it fixes one. */
  corrects?: number | null;
}

export type CorrectionJournal = Correction & { at: string; createdBy: string };

/**
 * The months a correction may be posted to: the current one, and the previous one through the
 * closing day. A correction to a month long closed would change its statement and every opening
 * balance after it (the second outside test posted one to 1999-01); a closed month's mistake is
 * corrected in an open month, naming the journal it corrects.
 */
export function openMonths(now: Date, closingDay: number): string[] {
  const current = chinaMonth(now);
  return Number(chinaDate(now).slice(8, 10)) <= closingDay ? [addMonths(current, -1), current] : [current];
}

async function check(platform: Platform, input: CorrectionInput, now: Date): Promise<Omit<Correction, 'journalId'>> {
  const month = input.month ?? chinaMonth(now);
  if (!isMonth(month)) throw invalid('validation-failed', 'month must be a month (YYYY-MM)', '/month');
  const open = openMonths(now, platform.config.ledgerClosingDay);
  if (!open.includes(month)) {
    const closing = `the previous month stays open through day ${platform.config.ledgerClosingDay} (CERTBRIDGE_LEDGER_CLOSING_DAY)`;
    throw invalid('month-closed', `${month} is not open to corrections: only ${open.join(' and ')} (${closing}); correct a closed month's mistake in an open one`, '/month');
  }
  if (!Number.isSafeInteger(input.fen) || input.fen < 1 || input.fen > MAX_CORRECTION_FEN) {
    throw invalid('invalid-amount', `fen must be a whole number of fen from 1 to ${MAX_CORRECTION_FEN}`, '/fen');
  }
  const records = input.records ?? 0;
  if (!Number.isSafeInteger(records) || records < 0 || records > 1_000_000_000) throw invalid('validation-failed', 'records must be a whole number from 0', '/records');
  const reason = input.reason.trim();
  if (reason === '' || reason.length > MAX_REASON) throw invalid('validation-failed', `reason must be 1 to ${MAX_REASON} characters`, '/reason');
  for (const field of ['debitDepartment', 'creditDepartment'] as const) {
    if (!(await findDepartment(platform.store, input[field]))) throw invalid('unknown-department', `no department ${input[field]}`, `/${field}`);
  }
  if (input.debitDepartment === input.creditDepartment) throw invalid('same-department', 'a correction moves an amount between two different departments', '/creditDepartment');
  const resourceId = input.resourceId ?? null;
  if (resourceId !== null) {
    try {
      await getResource(platform.store, resourceId);
    } catch (error) {
      if (error instanceof DomainError && error.reason === 'not-found') throw invalid('unknown-resource', `the catalog has no resource ${resourceId}`, '/resourceId');
      throw error;
    }
  }
  const corrects = input.corrects ?? null;
  if (corrects !== null && (await platform.store.query('select 1 from ledger_journals where id = $1', [corrects])).rows.length === 0) {
    throw invalid('unknown-journal', `the ledger has no journal ${corrects}`, '/corrects');
  }
  return { month, debitDepartment: input.debitDepartment, creditDepartment: input.creditDepartment, fen: input.fen, resourceId, records, corrects, reason };
}

/** Posts a correction journal (both lines in one statement, so it balances) and logs it. */
export async function insertCorrection(platform: Platform, input: CorrectionInput, actor: string, now: Date = new Date()): Promise<CorrectionJournal> {
  const c = await check(platform, input, now);
  return platform.store.transaction(async (tx) => {
    const row = (
      await tx.query<{ id: number; at: Date | string }>(
        `with journal as (
           insert into ledger_journals (kind, month, at, reason, corrects, created_by)
           values ('correction', $1::text, $2::timestamptz, $3::text, $4::bigint, $5::text) returning id, at
         ), lines as (
           insert into ledger_entries (journal_id, account, counterparty, debit, credit, resource_id, month, records)
           select id, $6::text, $7::text, $8::bigint, 0::bigint, $9::text, $1::text, $10::integer from journal
           union all
           select id, $7::text, $6::text, 0::bigint, $8::bigint, $9::text, $1::text, $10::integer from journal
         )
         select id, at from journal`,
        [c.month, now, c.reason, c.corrects, actor, c.debitDepartment, c.creditDepartment, c.fen, c.resourceId, c.records],
      )
    ).rows[0];
    const correction: Correction = { journalId: Number(row.id), ...c };
    await platform.events.publish(tx, [correctedEvent(correction, actor)]);
    return { ...correction, at: (row.at instanceof Date ? row.at : new Date(row.at)).toISOString(), createdBy: actor };
  });
}
