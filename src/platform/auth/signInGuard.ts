/**
 * Limits on guessing secrets and passwords, for every way of signing in:
 * - per account: after `signInMaxFailures` failures in a row it is locked for `signInLockSeconds`,
 *   doubling with each further lock-out (up to a day); a lock-out is an event in the audit log;
 * - per client address: after `signInAddressFailures` failures in ten minutes the address waits,
 *   whatever account it tries (in this process's memory: a flood is stopped where it arrives).
 * Both answer 429 with Retry-After, before any secret is hashed, so a flood costs no CPU.
 */
import type { Config } from '../config.ts';
import { rateLimited } from '../errors.ts';
import type { DomainEvent, DomainEvents } from '../events.ts';
import { perPlatform, type Platform } from '../platform.ts';
import type { Store } from '../store/store.ts';

const ADDRESS_WINDOW_MS = 10 * 60_000;

export interface LockOut {
  account: string;
  address: string;
  failures: number;
  lockedUntil: string;
  lockSeconds: number;
}

/** An account locked after repeated failed sign-ins (audited). */
export type LockOutEvent = DomainEvent<'security.locked-out', LockOut>;

function lockedOutEvent(lockOut: LockOut, at: Date): LockOutEvent {
  const clientId = lockOut.account.startsWith('client:') ? lockOut.account.slice('client:'.length) : null;
  const holderCode = lockOut.account.startsWith('holder:') ? lockOut.account.slice('holder:'.length) : undefined;
  return { type: 'security.locked-out', subject: lockOut.account, actor: 'system', at, facts: { department: null, clientId, holderCodes: holderCode ? [holderCode] : [] }, data: lockOut };
}
const MAX_LOCK_SECONDS = 86_400;
const MAX_ADDRESSES = 100_000;

export class SignInGuard {
  private readonly addresses = new Map<string, { failures: number; since: number }>();

  constructor(
    private readonly store: Store,
    private readonly events: DomainEvents,
    private readonly config: Pick<Config, 'signInMaxFailures' | 'signInLockSeconds' | 'signInAddressFailures'>,
  ) {}

  /** Refuses (429) an address that failed too often, or an account that is locked. */
  async check(account: string, address: string): Promise<void> {
    const now = Date.now();
    const seen = this.addresses.get(address);
    if (seen && now - seen.since < ADDRESS_WINDOW_MS && seen.failures >= this.config.signInAddressFailures) {
      throw rateLimited('too-many-attempts', 'too many failed sign-ins from this address; wait before trying again', (seen.since + ADDRESS_WINDOW_MS - now) / 1000);
    }
    const row = (await this.store.query<{ locked_until: Date | null }>('select locked_until from sign_in_failures where account = $1', [account])).rows[0];
    if (row?.locked_until && row.locked_until.getTime() > now) {
      throw rateLimited('locked-out', 'this account is locked for a while after repeated failed sign-ins', (row.locked_until.getTime() - now) / 1000);
    }
  }

  /** Counts a failure; `known` when the account exists (unknown ones are counted per address only). */
  async failed(account: string, address: string, known: boolean): Promise<void> {
    const now = Date.now();
    const seen = this.addresses.get(address);
    if (!seen || now - seen.since >= ADDRESS_WINDOW_MS) {
      if (this.addresses.size >= MAX_ADDRESSES) this.addresses.clear();
      this.addresses.set(address, { failures: 1, since: now });
    } else seen.failures += 1;
    if (!known) return;
    await this.store.transaction(async (tx) => {
      const row = (
        await tx.query<{ failures: number; lockouts: number }>(
          `insert into sign_in_failures (account, failures, last_failure_at) values ($1, 1, now())
           on conflict (account) do update set failures = sign_in_failures.failures + 1, last_failure_at = now()
           returning failures, lockouts`,
          [account],
        )
      ).rows[0];
      if (row.failures < this.config.signInMaxFailures) return;
      const seconds = Math.min(MAX_LOCK_SECONDS, this.config.signInLockSeconds * 2 ** Math.min(row.lockouts, 20));
      const lockedUntil = new Date(now + seconds * 1000);
      await tx.query('update sign_in_failures set failures = 0, lockouts = lockouts + 1, locked_until = $2 where account = $1', [account, lockedUntil]);
      await this.events.publish(tx, [lockedOutEvent({ account, address, failures: row.failures, lockedUntil: lockedUntil.toISOString(), lockSeconds: seconds }, new Date(now))]);
    });
  }

  /** A success ends the run of failures of the account (nothing is written when there was none). */
  async succeeded(account: string): Promise<void> {
    await this.store.query('update sign_in_failures set failures = 0 where account = $1 and failures > 0', [account]);
  }
}

export const signInGuard = perPlatform((platform: Platform) => new SignInGuard(platform.store, platform.events, platform.config));
