import type { FastifyRequest } from 'fastify';
import type { ClientPrincipal } from '../../policy/index.ts';
import { Problem } from '../problems.ts';
import type { AccessTokens } from './tokens.ts';

/** A preHandler that admits a request only with a valid bearer token, and records who made it. */
export function requireClient(tokens: AccessTokens) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw new Problem(401, 'unauthenticated', 'send an access token: Authorization: Bearer <token> (get one at POST /oauth/token)');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new Problem(401, 'unauthenticated', 'the Authorization header must be "Bearer <token>"', { field: 'header:authorization' });
    }
    const principal = await tokens.verify(token);
    if (!principal) throw new Problem(401, 'invalid-token', 'the access token is invalid or has expired; get a new one at POST /oauth/token');
    request.principal = principal;
  };
}

/** The authenticated principal of a route guarded by `requireClient`. */
export function principalOf(request: FastifyRequest): ClientPrincipal {
  if (!request.principal) throw new Problem(401, 'unauthenticated', 'authentication required');
  return request.principal;
}
