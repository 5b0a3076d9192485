/**
 * The session in the browser: the cookie `certbridge_session` (`HttpOnly`, `SameSite=Lax`,
 * `Path=/`, and `Secure` when the browser came over TLS — as Fastify tells it, which believes a
 * proxy's `X-Forwarded-Proto` only from the addresses CERTBRIDGE_TRUST_PROXY names), and the
 * lookup the kernel's `authenticated` asks for a request without a bearer token.
 */
import type { FastifyRequest } from 'fastify';
import type { SessionLookup } from '../platform/auth/authenticate.ts';
import { unauthenticated } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { sessionOf } from './index.ts';
import { csrfTokenOf } from './sessions.ts';

export const SESSION_COOKIE = 'certbridge_session';
/** The browser's OpenID Connect sign-in under way (ten minutes, only sent back to the callback). */
export const OIDC_COOKIE = 'certbridge_oidc';
export const OIDC_COOKIE_PATH = '/api/v1/session/oidc';
const OIDC_COOKIE_SECONDS = 600;

/** A cookie of the request (the first of that name), or undefined when it is absent or empty. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    return value === '' ? undefined : value;
  }
  return undefined;
}

export const overTls = (request: FastifyRequest): boolean => request.protocol === 'https';

function cookie(name: string, value: string, request: FastifyRequest, options: { path: string; maxAge?: number }): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.maxAge !== undefined ? [`Max-Age=${options.maxAge}`] : []),
    ...(overTls(request) ? ['Secure'] : []),
  ].join('; ');
}

/** The session cookie: no Max-Age (it goes with the browser); the server ends the session anyway. */
export const sessionCookie = (request: FastifyRequest, sessionId: string) => cookie(SESSION_COOKIE, sessionId, request, { path: '/' });
export const clearedSessionCookie = (request: FastifyRequest) => cookie(SESSION_COOKIE, '', request, { path: '/', maxAge: 0 });
export const oidcFlowCookie = (request: FastifyRequest, flowId: string) => cookie(OIDC_COOKIE, flowId, request, { path: OIDC_COOKIE_PATH, maxAge: OIDC_COOKIE_SECONDS });
export const clearedOidcFlowCookie = (request: FastifyRequest) => cookie(OIDC_COOKIE, '', request, { path: OIDC_COOKIE_PATH, maxAge: 0 });

/** The session a request's cookie names, for the kernel's `authenticated` (see useSessions). */
export function sessionLookup(platform: Platform): SessionLookup {
  return async (request) => {
    const sessionId = readCookie(request, SESSION_COOKIE);
    if (sessionId === undefined) return undefined;
    const session = await sessionOf(platform, sessionId);
    if (!session) return unauthenticated('not-signed-in', 'the session has ended (signed out, idle too long or past its lifetime, or the account was disabled): sign in again at POST /api/v1/session');
    return { principal: session.principal, csrfToken: csrfTokenOf(sessionId) };
  };
}
