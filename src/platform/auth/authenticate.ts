import type { FastifyRequest } from 'fastify';
import type { ClientPrincipal, HolderPrincipal, Principal } from '../../policy/index.ts';
import { DomainError } from '../errors.ts';
import type { AccessTokens } from './tokens.ts';

/** A preHandler that admits a request only with a valid bearer token (of a system or a holder) and records who made it. */
export function requirePrincipal(tokens: AccessTokens) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw new DomainError('unauthenticated', 'unauthenticated', 'send an access token: Authorization: Bearer <token> (get one at POST /oauth/token)');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new DomainError('unauthenticated', 'unauthenticated', 'the Authorization header must be "Bearer <token>"', { field: 'header:authorization' });
    }
    const principal = await tokens.verify(token);
    if (!principal) throw new DomainError('unauthenticated', 'invalid-token', 'the access token is invalid or has expired; get a new one at POST /oauth/token');
    request.principal = principal;
  };
}

/** Like `requirePrincipal`, for routes only departments' systems call. */
export function requireClient(tokens: AccessTokens) {
  const authenticate = requirePrincipal(tokens);
  return async (request: FastifyRequest): Promise<void> => {
    await authenticate(request);
    if (request.principal?.kind !== 'client') throw new DomainError('forbidden', 'forbidden', "this route is for departments' systems");
  };
}

/** The authenticated principal of a route guarded by `requirePrincipal`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('unauthenticated', 'unauthenticated', 'authentication required');
  return request.principal;
}

/** The authenticated department system of a route guarded by `requireClient`. */
export function clientOf(request: FastifyRequest): ClientPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'client') throw new DomainError('forbidden', 'forbidden', "this route is for departments' systems");
  return principal;
}

/** The authenticated holder, for routes holders call. */
export function holderOf(request: FastifyRequest): HolderPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'holder') throw new DomainError('forbidden', 'forbidden', 'this route is for license holders');
  return principal;
}
