/**
 * Whether a system's tokens are still good: asked on every request a system makes, so answered
 * from memory. Each process loads a client's status once, and forgets it the moment any process
 * announces a change to that client (disabled, enabled, secret rotated) — or everything, when the
 * announcements may have been missed — and asks again after a few seconds in any case (a change
 * made directly in the database is announced by no one). A disabled client's token is refused at
 * once everywhere.
 */
import type { TokenClaims } from '../platform/auth/tokens.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { DomainError, unauthenticated } from '../platform/errors.ts';
import { perPlatform, type Platform } from '../platform/platform.ts';

export const CLIENT_CHANGES = 'departments.client';

interface Status {
  loadedAt: number;
  disabled: boolean;
  /** Tokens issued under an earlier secret generation are refused: the secret was rotated. */
  generation: number;
}

const MAX_KNOWN = 100_000;
// Changes made through the platform are heard at once; this bounds one made behind its back (an edit in SQL).
const RECHECK_MS = 5_000;

class ClientStatuses {
  private readonly known = new Map<string, Status | Promise<Status | undefined>>();

  constructor(private readonly platform: Platform) {
    platform.changes.on(CLIENT_CHANGES, (clientId) => this.known.delete(clientId));
    platform.changes.onReset(() => this.known.clear());
  }

  private load(clientId: string): Promise<Status | undefined> {
    const loading = this.platform.store
      .query<{ disabled: boolean; secret_generation: number }>('select disabled_at is not null as disabled, secret_generation from clients where client_id = $1', [clientId])
      .then((r) => {
        const row = r.rows[0];
        // A client removed from the database has no status: its tokens are refused like a disabled one's.
        const loadedAt = Date.now();
        const status = row ? { loadedAt, disabled: row.disabled, generation: Number(row.secret_generation) } : { loadedAt, disabled: true, generation: 0 };
        if (this.known.get(clientId) === loading) this.known.set(clientId, status);
        return status;
      })
      .catch((error: unknown) => {
        if (this.known.get(clientId) === loading) this.known.delete(clientId);
        throw error;
      });
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.set(clientId, loading);
    return loading;
  }

  async check(principal: Principal, claims: TokenClaims): Promise<DomainError | undefined> {
    if (principal.kind !== 'client') return undefined;
    let known = this.known.get(principal.clientId);
    if (known && !(known instanceof Promise) && Date.now() - known.loadedAt > RECHECK_MS) known = undefined;
    const status = (await (known ?? this.load(principal.clientId)))!;
    if (status.disabled) return unauthenticated('client-disabled', `system ${principal.clientId} is disabled; its tokens are refused`);
    if ((claims.generation ?? 0) !== status.generation) {
      return unauthenticated('invalid-token', 'the access token was issued before the secret was rotated; get a new one at POST /oauth/token');
    }
    return undefined;
  }
}

export const clientStatuses = perPlatform((platform) => new ClientStatuses(platform));
