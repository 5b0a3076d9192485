/**
 * The console's one way to call the platform. Same origin, the session cookie (HttpOnly) goes by
 * itself; every state-changing request carries the session's CSRF token in `X-CSRF-Token`; a
 * failure is an `ApiError` holding the RFC 9457 problem the platform answered (or one made up for
 * a network failure), which `problemMessage` turns into a sentence in the user's language.
 */
import type { TFunction } from 'i18next';

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

export interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with its own media type (a file upload). */
  file?: Blob;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not report a 401 as the end of the session (the session check itself, sign-in). */
  quietUnauthorised?: boolean;
}

/** Calls the platform; resolves with the parsed JSON body (undefined for 204), rejects with an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.file !== undefined) headers['content-type'] = options.file.type || 'application/octet-stream';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
    const text = params.toString();
    if (text) url += `${url.includes('?') ? '&' : '?'}${text}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.file ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'network-error', detail: (error as Error).message });
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  const parsed: unknown = type.includes('json') ? await response.json().catch(() => undefined) : await response.text();
  if (response.ok) return parsed as T;

  const body = parsed && typeof parsed === 'object' ? (parsed as Partial<Problem>) : {};
  const retryAfter = Number(response.headers.get('retry-after'));
  const problem: Problem = {
    ...body,
    status: response.status,
    title: body.title ?? response.statusText,
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
  if (response.status === 401 && !options.quietUnauthorised) for (const listener of unauthorisedListeners) listener();
  throw new ApiError(problem);
}

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
