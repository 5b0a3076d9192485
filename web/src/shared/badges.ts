/**
 * The counts beside menu items (菜单角标): requests waiting for the issuer's answer, objections
 * waiting for it, unread messages, escalations waiting for the coordination office. Each is a
 * query of the list the page shows, asked for one row (the platform counts), kept fresh every
 * half minute and whenever a page changes the list (pages invalidate the list's path), so a
 * badge follows the work without a reload. Practice mode counts practice work: the session says.
 */
import { $api } from '../app/api.ts';

const FRESH = { refetchInterval: 30_000, refetchIntervalInBackground: false } as const;

/** Sharing requests for the department's resources not yet answered. */
export function usePendingRequests(): number | undefined {
  const { data } = $api.useQuery('get', '/api/v1/agreements', { params: { query: { role: 'owner', status: ['submitted'], limit: 1 } } }, FRESH);
  return data?.total;
}

/** Objections to the department's licenses waiting for its answer (up to 200 counted). */
export function useObjectionsToAnswer(): number | undefined {
  const { data } = $api.useQuery('get', '/api/v1/objections', { params: { query: { role: 'issuer', status: 'submitted', limit: 200 } } }, FRESH);
  return data?.items.length;
}

/** The department's unread messages. */
export function useUnreadMessages(): number | undefined {
  const { data } = $api.useQuery('get', '/api/v1/inbox', { params: { query: { unread: true, limit: 1 } } }, FRESH);
  return data?.unread;
}

/** Requests escalated to the coordination office for a decision. */
export function useEscalations(): number | undefined {
  const { data } = $api.useQuery('get', '/api/v1/agreements', { params: { query: { status: ['escalated'], limit: 1 } } }, FRESH);
  return data?.total;
}
