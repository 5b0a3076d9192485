import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import { decodeCompactJws, signCompactJws, verifyCompactJws } from '../crypto/jws.ts';
import type { KeyStore } from '../crypto/keyStore.ts';
import type { DomainError } from '../errors.ts';
import type { Principal } from './principal.ts';

export const TOKEN_AUDIENCE = 'certbridge-api';

export interface TokenClient {
  clientId: string;
  departmentCode: string;
  roles: readonly string[];
  /** The client's secret generation: a rotation makes tokens of earlier generations invalid. */
  generation?: number;
}

/** What a verified token says besides who it is for. */
export interface TokenClaims {
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  /** A system's secret generation when the token was issued. */
  generation?: number;
}

/**
 * A check a capability adds on every authenticated request of one kind of principal (is the client
 * still enabled? was its secret rotated after this token was issued?). It runs on every request,
 * so it must answer from memory: a failure it returns refuses the request.
 */
export type PrincipalCheck = (principal: Principal, claims: TokenClaims) => DomainError | undefined | Promise<DomainError | undefined>;

const MAX_CACHED = 10_000;

/**
 * Short-lived access tokens (RFC 9068 JWT profile), signed with the platform's token key, for
 * departments' systems (client credentials) and for license holders (enterprise sign-in).
 *
 * A token's signature (an Ed25519 verification, ~170 µs) is checked once, not once per request: a
 * system sends the same token for its whole life. The cache holds only tokens that verified,
 * keyed by the exact token string, and forgets each at its `exp`. What can change during a token's
 * life (a client disabled, a secret rotated) is asked of the checks on every request.
 */
export class AccessTokens {
  private readonly verified = new Map<string, { principal: Principal; claims: TokenClaims }>();
  private readonly checks = new Map<Principal['kind'], PrincipalCheck[]>();
  private operatorToken?: Buffer;

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
      sgen: client.generation ?? 0,
    });
  }

  /** A token for a license holder (an enterprise, by its holder code), after it signed in. */
  issueForHolder(holder: { holderCode: string; accountId: string }): Promise<{ accessToken: string; expiresIn: number }> {
    return this.sign({ sub: `holder:${holder.holderCode}`, holder_code: holder.holderCode, account: holder.accountId });
  }

  /**
   * Accepts `token` as the operator's (the CLI beside this server, which read it from the data
   * folder's lock file): the operator principal, for this process's life only.
   */
  acceptOperatorToken(token: string): void {
    this.operatorToken = createHash('sha256').update(token).digest();
  }

  /** Adds a check run on every request authenticated as a principal of `kind`. */
  addCheck(kind: Principal['kind'], check: PrincipalCheck): void {
    this.checks.set(kind, [...(this.checks.get(kind) ?? []), check]);
  }

  /** The principal of a valid, unexpired token that passes every check; a failure otherwise. */
  async authenticate(token: string): Promise<{ principal: Principal } | { failure?: DomainError }> {
    if (this.operatorToken && timingSafeEqual(createHash('sha256').update(token).digest(), this.operatorToken)) {
      return { principal: { kind: 'operator', name: 'local' } };
    }
    const now = Math.floor(Date.now() / 1000);
    let hit = this.verified.get(token);
    if (hit && hit.claims.exp <= now) {
      this.verified.delete(token);
      hit = undefined;
    }
    if (!hit) {
      const fresh = await this.verifySignature(token, now);
      if (!fresh) return {};
      if (this.verified.size >= MAX_CACHED) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, fresh);
      hit = fresh;
    }
    for (const check of this.checks.get(hit.principal.kind) ?? []) {
      const failure = await check(hit.principal, hit.claims);
      if (failure) return { failure };
    }
    return { principal: hit.principal };
  }

  /** The principal of a valid, unexpired token that passes every check; undefined for anything else. */
  async verify(token: string): Promise<Principal | undefined> {
    const result = await this.authenticate(token);
    return 'principal' in result ? result.principal : undefined;
  }

  private async verifySignature(token: string, now: number): Promise<{ principal: Principal; claims: TokenClaims } | undefined> {
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
    if (payload.aud !== TOKEN_AUDIENCE || typeof payload.exp !== 'number' || payload.exp <= now || typeof payload.iat !== 'number') return undefined;
    const claims = { iat: payload.iat, exp: payload.exp, generation: typeof payload.sgen === 'number' ? payload.sgen : undefined };
    if (typeof payload.holder_code === 'string' && typeof payload.account === 'string') {
      return { principal: { kind: 'holder', holderCode: payload.holder_code, accountId: payload.account }, claims };
    }
    if (typeof payload.sub !== 'string' || typeof payload.department !== 'string' || !Array.isArray(payload.roles)) return undefined;
    return { principal: { kind: 'client', clientId: payload.sub, departmentCode: payload.department, roles: payload.roles as string[] }, claims };
  }
}
