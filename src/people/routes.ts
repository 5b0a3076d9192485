import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { authenticated, principalOf, requireCsrf } from '../platform/auth/authenticate.ts';
import { DomainError } from '../platform/errors.ts';
import { sendProblem, statusOf } from '../platform/http/problems.ts';
import type { Platform } from '../platform/platform.ts';
import { MIN_PASSWORD_LENGTH } from '../holders/index.ts';
import {
  beginOidcSignIn,
  changeHolderPassword,
  completeOidcSignIn,
  createPerson,
  describeSession,
  disablePerson,
  enablePerson,
  listPeople,
  PERSON_ROLES,
  readPerson,
  resetPassword,
  sessionOf,
  signIn,
  signInOptions,
  signOut,
} from './index.ts';
import { csrfTokenOf } from './sessions.ts';
import {
  clearedOidcFlowCookie,
  clearedSessionCookie,
  OIDC_COOKIE,
  oidcFlowCookie,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from './sessionCookie.ts';

const Role = Type.Union([Type.Literal('issuer'), Type.Literal('consumer'), Type.Literal('coordinator')], { description: `One of ${PERSON_ROLES.join(', ')}` });

const PrincipalSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('person'),
    username: Type.String(),
    name: Type.String(),
    departmentCode: Type.String(),
    departmentName: Type.String(),
    roles: Type.Array(Role),
    practice: Type.Boolean(),
  }),
  Type.Object({
    kind: Type.Literal('holder'),
    holderCode: Type.String({ description: 'The enterprise the session acts as: in practice mode, the example enterprise of its practice copy' }),
    name: Type.String(),
    practice: Type.Boolean({ description: 'Whether the session is in practice mode (练习模式)' }),
  }),
]);

const SessionSchema = Type.Object({
  principal: PrincipalSchema,
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE of this session' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the session ends if unused (the idle timeout, or its lifetime if sooner)' }),
});

const PersonSchema = Type.Object({
  username: Type.String(),
  name: Type.String(),
  departmentCode: Type.String(),
  role: Role,
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastSignInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const Username = Type.String({ minLength: 3, maxLength: 64, description: 'Lower-case letters, digits, ".", "_", "-"; starting with a letter' });
const DepartmentParams = Type.Object({ code: Type.String({ description: "The department's credit code", maxLength: 18 }) });
const PersonParams = Type.Object({ username: Username });

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A failed OpenID Connect sign-in, to a browser (it arrived by a redirect, not from the console's
 * script): a page that says what happened, in both languages, and leads back to the sign-in; to
 * anything else, the problem.
 */
function sendSignInFailure(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  reply.header('set-cookie', clearedOidcFlowCookie(request));
  const accept = request.headers.accept ?? '';
  if (!(error instanceof DomainError) || !accept.includes('text/html')) return sendProblem(request, reply, error);
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>登录失败 · Sign-in failed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.6">
<h1>登录失败 · Sign-in failed</h1>
<p>${escapeHtml(error.message)}</p>
<p style="color: #666">${escapeHtml(error.code)} · ${escapeHtml(request.id)}</p>
<p><a href="/">返回登录页 · Back to sign-in</a></p>
</body></html>`;
  return reply.status(statusOf(error.reason)).type('text/html; charset=utf-8').send(page);
}

export const peopleRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);

  // ── the session (the console signs in here) ──

  app.post(
    '/api/v1/session',
    {
      // Login CSRF: a form on any site can post url-encoded or multipart fields cross-origin without
      // a preflight and would sign the browser in to an account of the attacker's; a JSON body
      // cannot be sent cross-origin without one (and CORS never allows credentials here).
      preValidation: async (request) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/json') {
          throw new DomainError('unsupported-media-type', 'unsupported-media-type', 'sign in with a JSON body (Content-Type: application/json)', { field: 'header:/content-type' });
        }
      },
      schema: {
        tags: ['session'],
        summary: 'Sign in (staff with their username, an enterprise with its holder code) → a session cookie and its CSRF token',
        description:
          'Sets the cookie `certbridge_session` (HttpOnly, SameSite=Lax, Path=/, Secure over TLS). Every route that takes a bearer token takes the session too; a POST, PUT, PATCH or DELETE of the session must send `X-CSRF-Token`. ' +
          'Wrong credentials answer 401 `invalid-credentials` whether or not the account exists; repeated failures 429 `sign-in-locked` with Retry-After. ' +
          'The body must be JSON (415 `unsupported-media-type` otherwise: a form of another site cannot sign a browser in).',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 128 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const session = await signIn(platform, request.body, request.ip);
      noStore(reply).header('set-cookie', sessionCookie(request, session.sessionId));
      return { principal: session.principal, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.get(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who the session signs in, and its CSRF token (401 `not-signed-in` without a live session)',
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const sessionId = readCookie(request, SESSION_COOKIE);
      const session = sessionId === undefined ? undefined : await sessionOf(platform, sessionId);
      if (!session || sessionId === undefined) {
        if (sessionId !== undefined) reply.header('set-cookie', clearedSessionCookie(request));
        throw new DomainError('unauthenticated', 'not-signed-in', 'not signed in, or the session has ended: sign in at POST /api/v1/session');
      }
      return { principal: await describeSession(platform, session), csrfToken: csrfTokenOf(sessionId), expiresAt: session.expiresAt };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign out: the session ends at once and the cookie is cleared (send X-CSRF-Token)',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const sessionId = readCookie(request, SESSION_COOKIE);
      const session = sessionId === undefined ? undefined : await sessionOf(platform, sessionId);
      if (session && sessionId !== undefined) {
        // Without it, any page the browser opens could sign its user out.
        requireCsrf(request, csrfTokenOf(sessionId));
        await signOut(platform, session);
      }
      return noStore(reply).header('set-cookie', clearedSessionCookie(request)).status(204).send();
    },
  );

  app.get(
    '/api/v1/session/options',
    {
      schema: {
        tags: ['session'],
        summary: 'How one may sign in: with a password, and through the OpenID Connect provider when one is configured',
        response: {
          200: Type.Object({
            local: Type.Literal(true),
            oidc: Type.Object({ enabled: Type.Boolean(), label: Type.Union([Type.String(), Type.Null()]) }),
          }),
        },
      },
    },
    () => signInOptions(platform),
  );

  app.get(
    '/api/v1/session/oidc',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in through the OpenID Connect provider: a redirect there (authorization code flow with PKCE, state and nonce)',
        querystring: Type.Object(
          { returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'A path of this site to go to after signing in (default /)' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      // The browser navigated here from the sign-in page: a provider that cannot be reached (or
      // is not configured) is a page that says so, not a problem document in its place.
      try {
        const { location, flowId } = await beginOidcSignIn(platform, request.query.returnTo);
        return noStore(reply).header('set-cookie', oidcFlowCookie(request, flowId)).redirect(location, 302);
      } catch (error) {
        return sendSignInFailure(request, noStore(reply), error);
      }
    },
  );

  app.get(
    '/api/v1/session/oidc/callback',
    {
      schema: {
        tags: ['session'],
        summary: 'Where the OpenID Connect provider sends the browser back: the session is created and the browser goes on to returnTo',
        description:
          'The username claim (CERTBRIDGE_OIDC_USERNAME_CLAIM) must name an existing, enabled staff account: otherwise 403 `oidc-unknown-account` (a page to a browser), and no account is created.',
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 1024 })),
            iss: Type.Optional(Type.String({ maxLength: 1024 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 2000 })),
            session_state: Type.Optional(Type.String({ maxLength: 1024 })),
          },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const raw = request.raw.url ?? '';
      const query = raw.includes('?') ? raw.slice(raw.indexOf('?')) : '';
      try {
        const session = await completeOidcSignIn(platform, readCookie(request, OIDC_COOKIE), query, request.ip);
        return noStore(reply)
          .header('set-cookie', [clearedOidcFlowCookie(request), sessionCookie(request, session.sessionId)])
          .redirect(session.returnTo, 302);
      } catch (error) {
        return sendSignInFailure(request, noStore(reply), error);
      }
    },
  );

  // ── staff accounts ──

  app.post(
    '/api/v1/departments/:code/people',
    {
      preHandler: signedIn,
      schema: {
        tags: ['people'],
        summary: 'Open a staff account of a department with a role (coordination office, operator); its generated password is shown once',
        security: [{ bearer: [] }],
        params: DepartmentParams,
        body: Type.Object(
          { role: Role, name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), username: Type.Optional(Username) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([PersonSchema, Type.Object({ password: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const person = await createPerson(platform, principalOf(request), { departmentCode: request.params.code, ...request.body });
      noStore(reply).status(201).header('location', `/api/v1/people/${person.username}`);
      return person;
    },
  );

  app.get(
    '/api/v1/departments/:code/people',
    {
      preHandler: signedIn,
      schema: {
        tags: ['people'],
        summary: "A department's staff accounts, disabled ones included (the department, the coordination office)",
        security: [{ bearer: [] }],
        params: DepartmentParams,
        response: { 200: Type.Array(PersonSchema) },
      },
    },
    (request) => listPeople(platform, principalOf(request), request.params.code),
  );

  app.get(
    '/api/v1/people/:username',
    {
      preHandler: signedIn,
      schema: { tags: ['people'], summary: 'One staff account', security: [{ bearer: [] }], params: PersonParams, response: { 200: PersonSchema } },
    },
    (request) => readPerson(platform, principalOf(request), request.params.username),
  );

  app.post(
    '/api/v1/people/:username/disable',
    {
      preHandler: signedIn,
      schema: {
        tags: ['people'],
        summary: 'Disable a staff account: its sessions end at once (its department, the coordination office)',
        security: [{ bearer: [] }],
        params: PersonParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: PersonSchema },
      },
    },
    (request) => disablePerson(platform, principalOf(request), request.params.username, request.body.reason),
  );

  app.post(
    '/api/v1/people/:username/password-reset',
    {
      preHandler: signedIn,
      schema: {
        tags: ['people'],
        summary: 'Reset a staff account’s password: a new one is generated and shown once; every session of the account ends (its department, the coordination office)',
        security: [{ bearer: [] }],
        params: PersonParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ username: Type.String(), password: Type.String(), endedSessions: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const reset = await resetPassword(platform, principalOf(request), request.params.username);
      noStore(reply);
      return reset;
    },
  );

  // The holder's password lives in src/holders; the sessions it ends live here.
  app.post(
    '/api/v1/holders/:holderCode/password',
    {
      preHandler: signedIn,
      schema: {
        tags: ['holders'],
        summary: 'The holder changes its password: every other session of the account ends, its access tokens issued before are refused',
        security: [{ bearer: [] }],
        params: Type.Object({ holderCode: Type.String({ description: 'Holder code: unified social credit code (GB 32100) or citizen id', minLength: 18, maxLength: 18 }) }),
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      await changeHolderPassword(platform, principalOf(request), request.params.holderCode, request.body, request.ip, readCookie(request, SESSION_COOKIE));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/people/:username/enable',
    {
      preHandler: signedIn,
      schema: {
        tags: ['people'],
        summary: 'Enable a disabled staff account again',
        security: [{ bearer: [] }],
        params: PersonParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: PersonSchema },
      },
    },
    (request) => enablePerson(platform, principalOf(request), request.params.username),
  );
};
