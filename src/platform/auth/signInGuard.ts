/**
 * Limits on guessing secrets and passwords, for every way of signing in. What they must not do
 * matters as much as what they stop: nobody may use them to shut out the accounts and systems they
 * attack (the second outside test found 30 made-up staff sign-ins from one address refusing every
 * system's token for ten minutes, and any account lockable for a day; docs/security.md).
 *
 * - **A person's or holder's account**: after `signInMaxFailures` failures in a row, each further
 *   attempt waits `signInDelaySeconds`, doubling with each failure up to `signInMaxDelaySeconds`
 *   (429 `locked-out` with Retry-After): a slowing, never a day-long lock. The addresses the
 *   account last signed in from successfully do not wait, so its owner at their usual place is not
 *   shut out by a stranger guessing from elsewhere.
 * - **A system's client id** has no limit of its own: its secret is a random 256-bit value nobody
 *   guesses, and a limit would let anyone who knows the id (it is in logs and letters) shut the
 *   department's system out.
 * - **A client address** (the real one, behind the proxies CERTBRIDGE_TRUST_PROXY names; an IPv6
 *   address by its /64, which one subscriber holds whole) waits after `signInAddressFailures`
 *   failures in ten minutes (429 `too-many-attempts`), counted apart for people and for systems:
 *   no number of failed staff sign-ins behind a department's proxy slows its systems' tokens.
 *
 * Every refusal comes before any secret is hashed, so a flood costs no CPU. Per-address counts and
 * per-account state are both in the database, shared by every server process (several nodes behind
 * a load balancer count one allowance, not one each).
 */
import type { Config } from '../config.ts';
import { rateLimited } from '../errors.ts';
import { ipv6Groups, unmapped } from '../ipAddresses.ts';
import type { DomainEvent, DomainEvents } from '../events.ts';
import { perPlatform, type Platform } from '../platform.ts';
import type { Store } from '../store/store.ts';

const ADDRESS_WINDOW_MS = 10 * 60_000;
/** The addresses of an account's last successful sign-ins that its delays do not hold up. */
const KNOWN_ADDRESSES = 5;

export interface LockOut {
  account: string;
  address: string;
  failures: number;
  lockedUntil: string;
  lockSeconds: number;
}

/** An account's sign-ins slowed after repeated failures (audited when the delays begin). */
export type LockOutEvent = DomainEvent<'security.locked-out', LockOut>;

function lockedOutEvent(lockOut: LockOut, at: Date): LockOutEvent {
  const holderCode = lockOut.account.startsWith('holder:') ? lockOut.account.slice('holder:'.length) : undefined;
  return { type: 'security.locked-out', subject: lockOut.account, actor: 'system', at, facts: { department: null, clientId: null, holderCodes: holderCode ? [holderCode] : [] }, data: lockOut };
}

/** Failures counted per key in a fixed window: what the per-address limit needs. */
export interface FailureCounts {
  /** The failures of a key in its current window, and when that window ends (epoch ms); zero when none. */
  read(key: string): Promise<{ failures: number; until: number }>;
  /** Counts a failure of a key (a new window of `windowMs` when none is open). */
  add(key: string, windowMs: number): Promise<void>;
}

/** Windows ended this long ago are deleted now and then, as failures are counted. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * In the store, shared by every server process on it (and kept across restarts): windows by the
 * database's clock, one statement each, so two nodes counting at once neither lose a failure nor
 * open two windows. Rows are made only by failures; ended windows are deleted by the failures that
 * come later (one in a hundred), so a flood of addresses leaves at most an hour of rows.
 */
export class StoreFailureCounts implements FailureCounts {
  constructor(private readonly store: Store) {}

  async read(key: string): Promise<{ failures: number; until: number }> {
    const row = (await this.store.query<{ failures: number; until: Date }>('select failures, window_ends as until from sign_in_address_failures where key = $1 and window_ends > now()', [key])).rows[0];
    return row ? { failures: row.failures, until: row.until.getTime() } : { failures: 0, until: Date.now() };
  }

  async add(key: string, windowMs: number): Promise<void> {
    await this.store.query(
      `insert into sign_in_address_failures (key, failures, window_ends) values ($1, 1, now() + make_interval(secs => $2))
       on conflict (key) do update set
         failures = case when sign_in_address_failures.window_ends > now() then sign_in_address_failures.failures + 1 else 1 end,
         window_ends = case when sign_in_address_failures.window_ends > now() then sign_in_address_failures.window_ends else excluded.window_ends end`,
      [key, windowMs / 1000],
    );
    if (Math.random() < 0.01) await this.store.query('delete from sign_in_address_failures where window_ends < now() - make_interval(secs => $1)', [FORGET_AFTER_MS / 1000]);
  }
}

/** The key an address is limited by: an IPv4 address itself (also when written IPv4-mapped), an IPv6 address its /64. */
export function addressKey(address: string): string {
  const plain = unmapped(address);
  const groups = ipv6Groups(plain);
  return groups ? `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64` : plain;
}

/** Whose failures an address's count holds: systems' (client credentials) or people's (staff and holders). */
const poolOf = (account: string) => (account.startsWith('client:') ? 'systems' : 'people');
const limitsAccount = (account: string) => poolOf(account) === 'people';

type GuardConfig = Pick<Config, 'signInMaxFailures' | 'signInDelaySeconds' | 'signInMaxDelaySeconds' | 'signInAddressFailures'>;

export class SignInGuard {
  constructor(
    private readonly store: Store,
    private readonly events: DomainEvents,
    private readonly config: GuardConfig,
    private readonly addresses: FailureCounts = new StoreFailureCounts(store),
  ) {}

  /** The wait after the n-th failure in a row (none before `signInMaxFailures`). */
  delaySeconds(failures: number): number {
    if (failures < this.config.signInMaxFailures) return 0;
    return Math.min(this.config.signInMaxDelaySeconds, this.config.signInDelaySeconds * 2 ** Math.min(failures - this.config.signInMaxFailures, 30));
  }

  /** Refuses (429) an address that failed too often, or an attempt on an account that must still wait. */
  async check(account: string, address: string): Promise<void> {
    const now = Date.now();
    const key = addressKey(address);
    const seen = await this.addresses.read(`${poolOf(account)} ${key}`);
    if (seen.failures >= this.config.signInAddressFailures) {
      throw rateLimited('too-many-attempts', 'too many failed sign-ins from this address; wait before trying again', (seen.until - now) / 1000);
    }
    if (!limitsAccount(account)) return;
    const row = (await this.store.query<{ locked_until: Date | null; known_addresses: string[] }>('select locked_until, known_addresses from sign_in_failures where account = $1', [account]))
      .rows[0];
    if (row?.locked_until && row.locked_until.getTime() > now && !row.known_addresses.includes(key)) {
      throw rateLimited('locked-out', 'repeated failed sign-ins of this account: wait before the next attempt', (row.locked_until.getTime() - now) / 1000);
    }
  }

  /** Counts a failure; `known` when the account exists (unknown ones are counted per address only). */
  async failed(account: string, address: string, known: boolean): Promise<void> {
    const now = Date.now();
    await this.addresses.add(`${poolOf(account)} ${addressKey(address)}`, ADDRESS_WINDOW_MS);
    if (!known || !limitsAccount(account)) return;
    await this.store.transaction(async (tx) => {
      const { failures } = (
        await tx.query<{ failures: number }>(
          `insert into sign_in_failures (account, failures, last_failure_at) values ($1, 1, now())
           on conflict (account) do update set failures = sign_in_failures.failures + 1, last_failure_at = now()
           returning failures`,
          [account],
        )
      ).rows[0];
      const seconds = this.delaySeconds(failures);
      if (seconds === 0) return;
      const lockedUntil = new Date(now + seconds * 1000);
      await tx.query('update sign_in_failures set locked_until = $2 where account = $1', [account, lockedUntil]);
      // Once when the delays begin, not at every failure of a long attack.
      if (failures === this.config.signInMaxFailures) {
        await this.events.publish(tx, [lockedOutEvent({ account, address, failures, lockedUntil: lockedUntil.toISOString(), lockSeconds: seconds }, new Date(now))]);
      }
    });
  }

  /** A success ends the run of failures of the account and makes its address one the delays do not hold up. */
  async succeeded(account: string, address: string): Promise<void> {
    if (!limitsAccount(account)) return;
    const key = addressKey(address);
    await this.store.query(
      `insert into sign_in_failures (account, failures, known_addresses, last_failure_at) values ($1, 0, array[$2::text], now())
       on conflict (account) do update set failures = 0, locked_until = null,
         known_addresses = (array[$2::text] || array_remove(sign_in_failures.known_addresses, $2::text))[1:${KNOWN_ADDRESSES}]
       where sign_in_failures.failures > 0 or sign_in_failures.known_addresses[1] is distinct from $2::text`,
      [account, key],
    );
  }
}

export const signInGuard = perPlatform((platform: Platform) => new SignInGuard(platform.store, platform.events, platform.config));
