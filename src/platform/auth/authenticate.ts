import type { FastifyRequest } from 'fastify';
import { DomainError, forbidden, unauthenticated } from '../errors.ts';
import type { ClientPrincipal, HolderPrincipal, Principal } from './principal.ts';
import type { AccessTokens } from './tokens.ts';

const KIND_NAMES: Record<Principal['kind'], string> = {
  client: "departments' systems",
  person: 'staff signed in to the console',
  holder: 'license holders',
  operator: 'the operator',
  system: 'the platform',
};

/**
 * The one pre-handler that authenticates a request: a valid bearer token (cached after its
 * first verification) of a principal of one of `kinds` (any kind when omitted), which passes
 * the checks capabilities added (a disabled client is refused here, at once).
 */
export function authenticated(tokens: AccessTokens, kinds?: readonly Principal['kind'][]) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw unauthenticated('unauthenticated', 'send an access token: Authorization: Bearer <token> (get one at POST /oauth/token)');
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
  };
}

/** For public routes that answer more to whom they know: authenticates when credentials are sent (and refuses bad ones). */
export function authenticatedIfPresent(tokens: AccessTokens) {
  const authenticate = authenticated(tokens);
  return async (request: FastifyRequest): Promise<void> => {
    if (request.headers.authorization !== undefined) await authenticate(request);
  };
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
