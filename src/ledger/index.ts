// The compensation ledger (共享补偿, its facade): prices per record read set by the coordination
// office, a double-entry, append-only ledger of fen that the exchange's lookups are posted to by
// a follower of the audit log (the consumer debited, the provider credited), correction journals
// and monthly statements. Each function takes the principal and decides through the policies.
// See docs/ledger.md.
import { findDepartment } from '../departments/index.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import { invalid, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, type PolicyResource } from '../policy/index.ts';
import { chinaMonth, fenOf, isMonth } from './amounts.ts';
import { insertCorrection, type CorrectionInput, type CorrectionJournal } from './corrections.ts';
import { postFromLog, type PostResult } from './postings.ts';
import { insertPrice, priceHistory, type Price, type PriceInput } from './prices.ts';
import { buildStatement, type Statement } from './statements.ts';

export { MAX_CORRECTION_FEN, MAX_FEN_PER_RECORD } from './amounts.ts';
export type { CorrectionInput, CorrectionJournal } from './corrections.ts';
export type { LedgerEvent } from './events.ts';
export type { PostResult } from './postings.ts';
export type { Price, PriceInput } from './prices.ts';
export type { Statement, StatementLine } from './statements.ts';

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

/** Sets a price per record read of a catalog resource for a period (the coordination office). */
export async function setPrice(platform: Platform, principal: Principal, input: PriceInput): Promise<Price> {
  authorize(principal, 'ledger:set-price', PLATFORM);
  return insertPrice(platform, input, actorOf(principal));
}

/** The history of prices, newest first, of one resource or of all (every department). */
export async function listPrices(platform: Platform, principal: Principal, query: { resourceId?: string; limit?: number }): Promise<{ items: Price[] }> {
  authorize(principal, 'ledger:read-prices', PLATFORM);
  return { items: await priceHistory(platform.store, query.resourceId, query.limit ?? 200) };
}

/** Posts a correction journal with its reason (the coordination office). */
export async function postCorrection(platform: Platform, principal: Principal, input: CorrectionInput): Promise<CorrectionJournal> {
  authorize(principal, 'ledger:correct', PLATFORM);
  return insertCorrection(platform, input, actorOf(principal));
}

/**
 * A department's statement for a month (default: the caller's own department, the current
 * month): a department its own, the coordination office any.
 */
export async function readStatement(platform: Platform, principal: Principal, query: { department?: string; month?: string }): Promise<Statement> {
  const department = query.department ?? (isStaff(principal) ? principal.departmentCode : undefined);
  if (!department) throw invalid('validation-failed', 'name the department', '/department');
  authorize(principal, 'ledger:read-statement', { type: 'Department', id: department });
  const month = query.month ?? chinaMonth();
  if (!isMonth(month)) throw invalid('validation-failed', 'month must be a month (YYYY-MM)', '/month');
  if (!(await findDepartment(platform.store, department))) throw notFound('department-not-found', `no department ${department}`);
  return buildStatement(platform.store, department, month);
}

/**
 * Posts the lookups the audit log has sequenced since the follower's cursor (the server does it
 * in the background; the operator may run a pass by hand).
 */
export async function postLookups(platform: Platform, principal: Principal): Promise<PostResult> {
  authorize(principal, 'ledger:post', PLATFORM);
  return postFromLog(platform);
}

/** A department's statement, for a caller that has authorised the report it goes into (src/reports). */
export const statementForReport = (platform: Platform, department: string, month: string): Promise<Statement> => buildStatement(platform.store, department, month);

/** The whole ledger's debits and credits posted to a month, in fen: equal, since every journal balances. */
export async function ledgerMonthTotals(platform: Platform, month: string): Promise<{ debits: number; credits: number; journals: number }> {
  const row = (
    await platform.store.query<{ debits: string; credits: string; journals: string }>(
      'select coalesce(sum(debit), 0)::text as debits, coalesce(sum(credit), 0)::text as credits, count(distinct journal_id)::text as journals from ledger_entries where month = $1',
      [month],
    )
  ).rows[0];
  return { debits: fenOf(row.debits), credits: fenOf(row.credits), journals: fenOf(row.journals) };
}
