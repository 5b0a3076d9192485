// The holders capability (its facade): license holders' accounts and their authorisations (授权).
// Every function takes the principal and decides through the policies; signing in is public and
// guarded by the sign-in limits.
import { issuersOfHolder, typesHeldBy } from '../licenses/index.ts';
import { signInGuard } from '../platform/auth/signInGuard.ts';
import { actorOf, type Principal } from '../platform/auth/principal.ts';
import { DomainError } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { recordRead } from '../platform/reads.ts';
import { authorize } from '../policy/index.ts';
import { authenticateHolder, changeHolderPassword, createHolderAccount, holderAccountExists, type HolderAccount } from './accounts.ts';
import type { Queryable } from '../platform/store/store.ts';
import { getAuthorisation, grantAuthorisation, listAuthorisations, revokeAuthorisation, type Authorisation, type GrantRequest } from './authorisations.ts';

export { holderAccountActive, holderTokenHolds, isHolderCodeSyntax, MIN_PASSWORD_LENGTH, type HolderAccount } from './accounts.ts';
export { findActiveAuthorisations, type ActiveAuthorisation, type Authorisation, type Grantee } from './authorisations.ts';
export type { HoldersEvent } from './events.ts';

const record = (holderCode: string, attrs: Record<string, string | string[]> = {}) => ({ type: 'HolderRecord', id: holderCode, attrs: { holderCode, ...attrs } });

/**
 * Opens a holder's account (an issuing department of its licenses, or the coordination office),
 * with an initial password the department hands the enterprise out of band.
 */
export async function openHolderAccount(platform: Platform, principal: Principal, input: { holderCode: string; password: string }): Promise<HolderAccount> {
  const issuers = await issuersOfHolder(platform.store, input.holderCode);
  authorize(principal, 'holder-account:create', record(input.holderCode, { issuers }));
  return createHolderAccount(platform.store, platform.events, input, actorOf(principal));
}

/**
 * A holder's password checked under the sign-in limits (from `address`) → its account. The
 * console's session sign-in (src/people) uses this; `signInHolder` adds an access token.
 */
export async function authenticateHolderSignIn(platform: Platform, input: { holderCode: string; password: string }, address: string): Promise<{ accountId: string; holderCode: string }> {
  const guard = signInGuard(platform);
  const who = `holder:${input.holderCode}`;
  await guard.check(who, address);
  const account = await authenticateHolder(platform.store, input.holderCode, input.password);
  if (!account) {
    await guard.failed(who, address, await holderAccountExists(platform.store, input.holderCode));
    throw new DomainError('unauthenticated', 'invalid-credentials', 'unknown holder code or wrong password');
  }
  await guard.succeeded(who, address);
  return account;
}

/** A holder signs in (from `address`, for the sign-in limits) → a short-lived access token. */
export async function signInHolder(platform: Platform, input: { holderCode: string; password: string }, address: string): Promise<{ accessToken: string; expiresIn: number; holderCode: string }> {
  const account = await authenticateHolderSignIn(platform, input, address);
  return { ...(await platform.tokens.issueForHolder(account)), holderCode: account.holderCode };
}

/**
 * The holder changes its own password; the current one is a secret to guess like any other, under
 * the same limits. `alsoEnd` runs in the change's transaction: the sessions of the old password
 * end with it (src/people keeps them); the account's access tokens issued before it are refused
 * (`holderTokenHolds`, checked on every request).
 */
export async function changePassword(
  platform: Platform,
  principal: Principal,
  holderCode: string,
  change: { currentPassword: string; newPassword: string },
  address: string,
  alsoEnd: (tx: Queryable, account: { accountId: string }) => Promise<void>,
): Promise<void> {
  authorize(principal, 'holder-account:change-password', record(holderCode));
  const guard = signInGuard(platform);
  const who = `holder:${holderCode}`;
  await guard.check(who, address);
  try {
    await platform.store.transaction(async (tx) => alsoEnd(tx, await changeHolderPassword(tx, holderCode, change.currentPassword, change.newPassword)));
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid-credentials') await guard.failed(who, address, true);
    throw error;
  }
  await guard.succeeded(who, address);
}

/** The holder authorises a department or one of its systems to read its license for a purpose until a date. */
export async function authorise(platform: Platform, principal: Principal, holderCode: string, request: GrantRequest): Promise<Authorisation> {
  authorize(principal, 'authorisation:grant', record(holderCode));
  return grantAuthorisation(platform, holderCode, request, actorOf(principal), () => typesHeldBy(platform, holderCode));
}

/** A holder's authorisations (the holder; the coordination office, whose reading is in the holder's access log). */
export async function authorisationsOf(platform: Platform, principal: Principal, holderCode: string): Promise<Authorisation[]> {
  authorize(principal, 'authorisation:list', record(holderCode));
  const list = await listAuthorisations(platform.store, holderCode);
  await recordRead(platform, principal, { what: 'authorisations', subject: holderCode, holderCode, count: list.length });
  return list;
}

export async function readAuthorisation(platform: Platform, principal: Principal, holderCode: string, id: string): Promise<Authorisation> {
  authorize(principal, 'authorisation:list', record(holderCode));
  const found = await getAuthorisation(platform.store, holderCode, id);
  await recordRead(platform, principal, { what: 'authorisations', subject: `${holderCode}/${id}`, holderCode, count: 1 });
  return found;
}

/** Revokes an authorisation: the exchange stops honouring it at once. `idempotent`: revoking a revoked one is no error. */
export async function revoke(platform: Platform, principal: Principal, holderCode: string, id: string, reason: string | undefined, idempotent = false): Promise<Authorisation> {
  authorize(principal, 'authorisation:revoke', record(holderCode));
  return revokeAuthorisation(platform.store, platform.events, holderCode, id, reason, actorOf(principal), idempotent);
}
