import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError, forbidden, unauthenticated } from '../errors.ts';
import type { ClientPrincipal, HolderPrincipal, Principal } from './principal.ts';
import type { AccessTokens } from './tokens.ts';

/**
 * A signed-in browser session, as the capability that keeps sessions found it from the request's
 * cookie: who it is, and the token every state-changing request of the session must repeat in
 * `X-CSRF-Token` (a cookie is sent by the browser whoever made the page; a header only by our own).
 */
export interface SessionAuthentication {
  principal: Principal;
  csrfToken: string;
}

/**
 * Finds the session of a request: undefined when the request carries no session cookie, a failure
 * when it carries one that is unknown, expired or of a disabled account. Registered by the
 * capability that keeps sessions (the kernel knows none), once per platform.
 */
export type SessionLookup = (request: FastifyRequest) => Promise<SessionAuthentication | DomainError | undefined>;

const sessionLookups = new WeakMap<AccessTokens, SessionLookup>();

/** Lets `authenticated` accept a session where no bearer token is sent. */
export function useSessions(tokens: AccessTokens, lookup: SessionLookup): void {
  sessionLookups.set(tokens, lookup);
}

/** Methods that change nothing: a session's request of these needs no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request repeats the session's CSRF token (compared in constant time). */
export function csrfMatches(request: FastifyRequest, expected: string): boolean {
  const sent = request.headers['x-csrf-token'];
  return typeof sent === 'string' && sent !== '' && timingSafeEqual(digest(sent), digest(expected));
}

/** Refuses (403 csrf-failed) a state-changing request of a session that does not repeat its CSRF token. */
export function requireCsrf(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method) || csrfMatches(request, expected)) return;
  throw new DomainError('forbidden', 'csrf-failed', 'a request of a signed-in session that changes something must send the X-CSRF-Token header the session was given (GET /api/v1/session)', {
    field: 'header:x-csrf-token',
  });
}

const KIND_NAMES: Record<Principal['kind'], string> = {
  client: "departments' systems",
  person: 'staff signed in to the console',
  holder: 'license holders',
  operator: 'the operator',
  system: 'the platform',
};

/** How a route's pre-handler authenticates, read by the OpenAPI document (src/platform/http/openapi.ts). */
export const AUTHENTICATION = Symbol('authentication');
export type Authentication = 'required' | 'optional';
const marked = <F extends object>(handler: F, how: Authentication): F => Object.assign(handler, { [AUTHENTICATION]: how });

/**
 * The one pre-handler that authenticates a request: a valid bearer token (cached after its
 * first verification) of a principal of one of `kinds` (any kind when omitted), which passes
 * the checks capabilities added (a disabled client is refused here, at once). Without an
 * Authorization header, a signed-in session (its cookie) is accepted instead, and then every
 * state-changing request must carry the session's CSRF token; a bearer token wins over a cookie.
 */
export function authenticated(tokens: AccessTokens, kinds?: readonly Principal['kind'][]) {
  return marked(async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      const session = await sessionLookups.get(tokens)?.(request);
      if (session === undefined) throw unauthenticated('unauthenticated', 'send an access token: Authorization: Bearer <token> (get one at POST /oauth/token), or sign in (POST /api/v1/session)');
      if (session instanceof DomainError) throw session;
      requireCsrf(request, session.csrfToken);
      request.principal = session.principal;
      if (kinds && !kinds.includes(session.principal.kind)) throw forbidden(`this route is for ${kinds.map((k) => KIND_NAMES[k]).join(' or ')}`);
      return;
    }
    const space = header.indexOf(' ');
    const token = space > 0 ? header.slice(space + 1).trim() : '';
    if (header.slice(0, space).toLowerCase() !== 'bearer' || !token) {
      throw new DomainError('unauthenticated', 'unauthenticated', 'the Authorization header must be "Bearer <token>"', { field: 'header:authorization' });
    }
    const result = await tokens.authenticate(token);
    if (!('principal' in result)) {
      throw result.failure ?? unauthenticated('invalid-token', 'the access token is invalid or has expired; get a new one at POST /oauth/token');
    }
    request.principal = result.principal;
    if (kinds && !kinds.includes(result.principal.kind)) throw forbidden(`this route is for ${kinds.map((k) => KIND_NAMES[k]).join(' or ')}`);
  }, 'required');
}

/**
 * For public routes that answer more to whom they know: authenticates when a bearer token is sent
 * (and refuses a bad one). A session is taken when it is valid (and, on a state-changing request,
 * its CSRF token repeated); a stale or unusable cookie leaves the request anonymous, as if the
 * browser had sent none, so that a public page keeps working for a signed-out browser.
 */
export function authenticatedIfPresent(tokens: AccessTokens) {
  const authenticate = authenticated(tokens);
  return marked(async (request: FastifyRequest): Promise<void> => {
    if (request.headers.authorization !== undefined) {
      await authenticate(request);
      return;
    }
    const session = await sessionLookups.get(tokens)?.(request);
    if (session && !(session instanceof DomainError) && (SAFE_METHODS.has(request.method) || csrfMatches(request, session.csrfToken))) {
      request.principal = session.principal;
    }
  }, 'optional');
}

/** The authenticated principal of a route guarded by `authenticated`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated('unauthenticated', 'authentication required');
  return request.principal;
}

/** The authenticated department system of a route guarded by `authenticated(tokens, ['client'])`. */
export function clientOf(request: FastifyRequest): ClientPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'client') throw forbidden("this route is for departments' systems");
  return principal;
}

/** The authenticated holder, for routes holders call. */
export function holderOf(request: FastifyRequest): HolderPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'holder') throw forbidden('this route is for license holders');
  return principal;
}
