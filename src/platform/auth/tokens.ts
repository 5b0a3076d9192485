import { randomUUID } from 'node:crypto';
import { decodeCompactJws, signCompactJws, verifyCompactJws } from '../crypto/jws.ts';
import type { Config } from '../config.ts';
import type { KeyStore } from '../crypto/keyStore.ts';
import type { ClientPrincipal } from '../../policy/index.ts';

export const TOKEN_AUDIENCE = 'certbridge-api';

export interface TokenClient {
  clientId: string;
  departmentCode: string;
  roles: readonly string[];
}

/**
 * Short-lived access tokens (RFC 9068 JWT profile), signed with the platform's token key.
 * Verification is pure computation, so every request can afford it.
 */
export class AccessTokens {
  constructor(
    private readonly keys: KeyStore,
    private readonly config: Pick<Config, 'publicUrl' | 'tokenTtlSeconds'>,
  ) {}

  async issue(client: TokenClient): Promise<{ accessToken: string; expiresIn: number }> {
    const key = await this.keys.activeKey('token', 'EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signCompactJws(
      key,
      { typ: 'at+jwt' },
      {
        iss: this.config.publicUrl,
        aud: TOKEN_AUDIENCE,
        sub: client.clientId,
        client_id: client.clientId,
        department: client.departmentCode,
        roles: [...client.roles],
        iat: now,
        exp: now + this.config.tokenTtlSeconds,
        jti: randomUUID(),
      },
    );
    return { accessToken, expiresIn: this.config.tokenTtlSeconds };
  }

  /** The principal of a valid, unexpired token; undefined for anything else. */
  async verify(token: string): Promise<ClientPrincipal | undefined> {
    let kid: unknown;
    try {
      kid = decodeCompactJws(token).header.kid;
    } catch {
      return undefined;
    }
    if (typeof kid !== 'string') return undefined;
    const key = await this.keys.verificationKey(kid);
    if (!key) return undefined;
    let payload: Record<string, unknown>;
    try {
      const verified = verifyCompactJws(token, (k) => (k === kid ? key : undefined));
      if (verified.header.typ !== 'at+jwt') return undefined;
      payload = verified.payload;
    } catch {
      return undefined;
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.aud !== TOKEN_AUDIENCE || typeof payload.exp !== 'number' || payload.exp <= now) return undefined;
    if (typeof payload.sub !== 'string' || typeof payload.department !== 'string' || !Array.isArray(payload.roles)) {
      return undefined;
    }
    return { kind: 'client', clientId: payload.sub, departmentCode: payload.department, roles: payload.roles as string[] };
  }
}
