import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { signInGuard } from '../platform/auth/signInGuard.ts';
import { badText } from '../platform/http/edge.ts';
import { authenticateClient, clientExists } from './departments.ts';
import type { Platform } from '../platform/platform.ts';
import { DomainError } from '../platform/errors.ts';

/** Credentials worth asking the store about: bounded, and text the store can hold. */
const plausible = (value: string, max: number) => value.length > 0 && value.length <= max && badText(value) === undefined;

/** HTTP Basic credentials (RFC 6749 §2.3.1: both parts form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

const oauthError = (reason: 'invalid' | 'unauthenticated', code: string, error: string, description: string) =>
  new DomainError(reason, code, description, { details: { error, error_description: description } });

/** OAuth 2.0 client credentials grant (RFC 6749 §4.4) for departments' systems. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  app.post(
    '/oauth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Get an access token (client credentials, HTTP Basic client authentication)',
        description:
          'OAuth 2.0 client credentials (RFC 6749 § 4.4). Send the form `grant_type=client_credentials` with the client id and secret in HTTP Basic (preferred), or `client_id` and `client_secret` in the body; a JSON body is taken too.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        security: [{ basic: [] }, {}],
        body: Type.Object(
          {
            grant_type: Type.String(),
            scope: Type.Optional(Type.String()),
            client_id: Type.Optional(Type.String()),
            client_secret: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
            scope: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.grant_type !== 'client_credentials') {
        throw oauthError('invalid', 'unsupported-grant-type', 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
      }
      const basic = basicCredentials(request.headers.authorization);
      const credentials = basic ?? (body.client_id && body.client_secret ? { id: body.client_id, secret: body.client_secret } : undefined);
      if (!credentials) {
        throw oauthError('unauthenticated', 'invalid-client', 'invalid_client', 'authenticate the client with HTTP Basic (client id and secret)');
      }
      if (!plausible(credentials.id, 128) || !plausible(credentials.secret, 512)) {
        throw oauthError('unauthenticated', 'invalid-client', 'invalid_client', 'unknown client or wrong secret');
      }
      const guard = signInGuard(platform);
      const account = `client:${credentials.id}`;
      await guard.check(account, request.ip);
      const client = await authenticateClient(platform.store, credentials.id, credentials.secret);
      if (!client) {
        await guard.failed(account, request.ip, await clientExists(platform.store, credentials.id));
        throw oauthError('unauthenticated', 'invalid-client', 'invalid_client', 'unknown client or wrong secret');
      }
      await guard.succeeded(account, request.ip);
      const { accessToken, expiresIn } = await platform.tokens.issue(client);
      reply.header('cache-control', 'no-store');
      return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: expiresIn, scope: client.roles.join(' ') };
    },
  );
};
