/**
 * Access tokens are verified (an Ed25519 signature, ~170 µs) once per token, not once per
 * request: a system sends the same token for its whole five-minute life. The cache holds only
 * tokens that verified, keyed by the exact token string, and forgets each at its `exp`.
 */
import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../platform/auth/tokens.ts';
import { decodeCompactJws } from '../platform/crypto/jws.ts';
import { DomainError } from '../platform/errors.ts';
import type { Principal } from '../policy/index.ts';

const MAX_ENTRIES = 10_000;

export class VerifiedTokens {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly tokens: AccessTokens) {}

  async verify(token: string): Promise<Principal | undefined> {
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.expiresAt > Date.now()) return hit.principal;
      this.cache.delete(token);
    }
    const principal = await this.tokens.verify(token);
    if (!principal) return undefined;
    const exp = decodeCompactJws(token).payload.exp;
    if (typeof exp === 'number') {
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, { principal, expiresAt: exp * 1000 });
    }
    return principal;
  }

  /** A preHandler like `requireClient` (same problems), through the cache. */
  requireClient() {
    return async (request: FastifyRequest): Promise<void> => {
      const header = request.headers.authorization;
      if (!header) throw new DomainError('unauthenticated', 'unauthenticated', 'send an access token: Authorization: Bearer <token> (get one at POST /oauth/token)');
      const space = header.indexOf(' ');
      const token = space > 0 ? header.slice(space + 1) : '';
      if (header.slice(0, space).toLowerCase() !== 'bearer' || !token) {
        throw new DomainError('unauthenticated', 'unauthenticated', 'the Authorization header must be "Bearer <token>"', { field: 'header:authorization' });
      }
      const principal = await this.verify(token);
      if (!principal) throw new DomainError('unauthenticated', 'invalid-token', 'the access token is invalid or has expired; get a new one at POST /oauth/token');
      request.principal = principal;
      if (principal.kind !== 'client') throw new DomainError('forbidden', 'forbidden', "this route is for departments' systems");
    };
  }
}
