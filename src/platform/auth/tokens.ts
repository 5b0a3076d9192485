import { randomUUID } from 'node:crypto';
import type { Principal } from '../../policy/index.ts';
import type { Config } from '../config.ts';
import { decodeCompactJws, signCompactJws, verifyCompactJws } from '../crypto/jws.ts';
import type { KeyStore } from '../crypto/keyStore.ts';

export const TOKEN_AUDIENCE = 'certbridge-api';

export interface TokenClient {
  clientId: string;
  departmentCode: string;
  roles: readonly string[];
}

/**
 * Short-lived access tokens (RFC 9068 JWT profile), signed with the platform's token key, for
 * departments' systems (client credentials) and for license holders (enterprise sign-in).
 * Verification is pure computation, so every request can afford it.
 */
export class AccessTokens {
  constructor(
    private readonly keys: KeyStore,
    private readonly config: Pick<Config, 'publicUrl' | 'tokenTtlSeconds'>,
  ) {}

  private async sign(claims: Record<string, unknown>): Promise<{ accessToken: string; expiresIn: number }> {
    const key = await this.keys.activeKey('token', 'EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signCompactJws(
      key,
      { typ: 'at+jwt' },
      { iss: this.config.publicUrl, aud: TOKEN_AUDIENCE, iat: now, exp: now + this.config.tokenTtlSeconds, jti: randomUUID(), ...claims },
    );
    return { accessToken, expiresIn: this.config.tokenTtlSeconds };
  }

  /** A token for a department's system. */
  issue(client: TokenClient): Promise<{ accessToken: string; expiresIn: number }> {
    return this.sign({
      sub: client.clientId,
      client_id: client.clientId,
      department: client.departmentCode,
      roles: [...client.roles],
    });
  }

  /** A token for a license holder (an enterprise, by its holder code), after it signed in. */
  issueForHolder(holder: { holderCode: string; accountId: string }): Promise<{ accessToken: string; expiresIn: number }> {
    return this.sign({ sub: `holder:${holder.holderCode}`, holder_code: holder.holderCode, account: holder.accountId });
  }

  /** The principal of a valid, unexpired token; undefined for anything else. */
  async verify(token: string): Promise<Principal | undefined> {
    let kid: unknown;
    try {
      kid = decodeCompactJws(token).header.kid;
    } catch {
      return undefined;
    }
    if (typeof kid !== 'string') return undefined;
    const key = await this.keys.verificationKey(kid);
    if (!key || key.purpose !== 'token') return undefined;
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
    if (typeof payload.holder_code === 'string' && typeof payload.account === 'string') {
      return { kind: 'holder', holderCode: payload.holder_code, accountId: payload.account };
    }
    if (typeof payload.sub !== 'string' || typeof payload.department !== 'string' || !Array.isArray(payload.roles)) {
      return undefined;
    }
    return { kind: 'client', clientId: payload.sub, departmentCode: payload.department, roles: payload.roles as string[] };
  }
}
