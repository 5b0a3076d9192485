/**
 * The console's one way to call the platform: the typed client of `@certbridge/client` (openapi-fetch
 * over the types generated from the platform's OpenAPI document), so every path, parameter, body and
 * answer is checked against the server's contract, and TanStack Query (`$api.useQuery`) caches server
 * state. Same origin, the session cookie (HttpOnly) goes by itself; every state-changing request
 * carries the session's CSRF token in `X-CSRF-Token`; a failure rejects with an `ApiError` holding
 * the RFC 9457 problem the platform answered (or one made up for a network failure), which
 * `problemMessage` turns into a sentence in the user's language.
 */
import type { paths } from '@certbridge/client';
import { onlineManager, QueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import createClient from 'openapi-fetch';
import createQueryHooks from 'openapi-react-query';

export interface Problem {
  type?: string;
  title?: string;
  /** HTTP status; 0 when the platform could not be reached. */
  status: number;
  detail?: string;
  code?: string;
  field?: string;
  requestId?: string;
  /** Seconds, from Retry-After (429, 503). */
  retryAfter?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

let csrfToken: string | undefined;
const unauthorisedListeners = new Set<() => void>();

/** The session's CSRF token (from sign-in or GET /api/v1/session); undefined when signed out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a call answers 401 for a session that ended (idle timeout, signed out elsewhere). */
export function onSessionEnded(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The problem a failed answer carries (its JSON body, the status, Retry-After). */
async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  const parsed: unknown = type.includes('json') ? await response.json().catch(() => undefined) : undefined;
  const body = parsed && typeof parsed === 'object' ? (parsed as Partial<Problem>) : {};
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    ...body,
    status: response.status,
    title: body.title ?? response.statusText,
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}

/** Paths whose 401 is an answer, not the end of the session (the session check itself, sign-in). */
const QUIET_UNAUTHORISED = new Set(['/api/v1/session']);

/**
 * The platform's typed client. Calls resolve with `{ data, response }` on success and reject with an
 * `ApiError` otherwise (the middleware below), so `data` is the answer whenever a call returns;
 * `answer(…)` says so to the type checker.
 */
export const platform = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

platform.use({
  onRequest({ request }) {
    if (!request.headers.has('accept')) request.headers.set('accept', 'application/json, application/problem+json');
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  async onResponse({ response, schemaPath }) {
    if (response.ok) return response;
    const problem = await problemOf(response);
    if (response.status === 401 && !QUIET_UNAUTHORISED.has(schemaPath)) for (const listener of unauthorisedListeners) listener();
    throw new ApiError(problem);
  },
  onError({ error }) {
    if (error instanceof ApiError || (error as Error).name === 'AbortError') return error as Error;
    return new ApiError({ status: 0, code: 'network-error', detail: (error as Error).message });
  },
});

/** The answer of a call on `platform` (which rejects on failure, so there is one). */
export async function answer<T>(pending: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await pending;
  return data as T;
}

/** TanStack Query hooks over `platform`: `$api.useQuery('get', path, init)`, `$api.useMutation(…)`. */
export const $api = createQueryHooks(platform);

/** The console's one cache of server state; reference data (standards, purposes, departments) stays fresh for the session. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (failures, error) => failures < 2 && error instanceof ApiError && (error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * Runs a change of who the session acts for (signing out, practice mode on or off): no query of the
 * session being left may reach the platform once it has changed (it would be refused, and a refusal
 * reads as "your session ended"), so those in flight are cancelled and none starts until `change` ends.
 */
export async function changingSession<T>(change: () => Promise<T>): Promise<T> {
  await queryClient.cancelQueries();
  onlineManager.setOnline(false);
  try {
    return await change();
  } finally {
    onlineManager.setOnline(true);
  }
}

/** Options for reference data: loaded once per session and shared by every page that needs it. */
export const REFERENCE_DATA = { staleTime: Infinity, gcTime: Infinity } as const;

/** A sentence for the user: the problem's code in their language, else the platform's own words. */
export function problemMessage(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('common:problems.unexpected', { detail: error instanceof Error ? error.message : String(error) });
  const { problem } = error;
  const wait = problem.retryAfter ? waitText(problem.retryAfter, t) : '';
  if (problem.code) {
    const key = `common:problems.${problem.code}`;
    const known = t(key, { wait, field: problem.field ?? '', defaultValue: '' });
    if (known) return known;
  }
  if (problem.status === 0) return t('common:problems.network-error');
  if (problem.status === 429) return t('common:problems.rate-limited', { wait });
  const generic = t(`common:problems.status.${problem.status >= 500 ? '5xx' : problem.status}`, { defaultValue: '' });
  const detail = problem.detail ?? problem.title ?? '';
  return generic ? (detail ? `${generic}（${detail}）` : generic) : detail || t('common:problems.unexpected', { detail: `HTTP ${problem.status}` });
}

/**
 * A credit code the platform refused (`invalid-credit-code`), said on its field: with the check
 * character it expected, when the platform names one (a typo is the usual cause), else the problem's
 * message. Undefined for any other failure.
 */
export function creditCodeProblem(error: unknown, code: string, t: TFunction): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'invalid-credit-code') return undefined;
  const expected = (error.problem as Problem & { expectedCheckChar?: unknown }).expectedCheckChar;
  return typeof expected === 'string' ? t('common:creditCodeCheckChar', { expected, found: code.slice(-1) }) : problemMessage(error, t);
}

/** "3 分钟" / "3 minutes", from seconds. */
export function waitText(seconds: number, t: TFunction): string {
  return seconds >= 90 ? t('common:time.minutes', { count: Math.ceil(seconds / 60) }) : t('common:time.seconds', { count: Math.ceil(seconds) });
}
