import { expect } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { postLookups, type PostResult } from '../../src/ledger/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { api, type TestClient, type TestPlatform } from '../support/platform.ts';

/** What the server's background work does: sequence the log, then one pass of the ledger's follower. */
export async function post(t: TestPlatform): Promise<PostResult> {
  await sequence(t.platform);
  return postLookups(t.platform, systemPrincipal('ledger'));
}

export async function setPrice(t: TestPlatform, body: Record<string, unknown>, who: TestClient = t.coordinator) {
  const answer = await api(t, 'POST', '/api/v1/ledger/prices', { token: who.token, body: { resourceId: 'business-license', reason: '2026 年度共享补偿标准', ...body } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { id: number; fenPerRecord: number; current: boolean };
}

export const statement = (t: TestPlatform, who: TestClient, query = '') => api(t, 'GET', `/api/v1/ledger/statements${query}`, { token: who.token });

/** The ledger balances: all debits equal all credits, and so does every journal. */
export async function expectBalanced(t: TestPlatform): Promise<{ debits: number; credits: number }> {
  const total = (await t.platform.store.query<{ debits: string; credits: string }>('select coalesce(sum(debit), 0)::text as debits, coalesce(sum(credit), 0)::text as credits from ledger_entries'))
    .rows[0];
  expect(total.debits).toBe(total.credits);
  const unbalanced = await t.platform.store.query('select journal_id from ledger_entries group by journal_id having sum(debit) <> sum(credit)');
  expect(unbalanced.rows).toEqual([]);
  return { debits: Number(total.debits), credits: Number(total.credits) };
}
