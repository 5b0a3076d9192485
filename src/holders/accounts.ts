import { randomUUID } from 'node:crypto';
import { hashSecret, secretMatches } from '../platform/auth/secrets.ts';
import type { DomainEvents } from '../platform/events.ts';
import { accountCreatedEvent } from './events.ts';
import { conflict, DomainError, invalid } from '../platform/errors.ts';
import type { Queryable, Store } from '../platform/store/store.ts';

/** A license holder's local account: the enterprise signs in with its holder code and a password. */
export interface HolderAccount {
  accountId: string;
  holderCode: string;
  createdAt: string;
}

export const MIN_PASSWORD_LENGTH = 12;

/** Holder codes are 18 characters: a unified social credit code (GB 32100) or a citizen id (GB 11643). */
const HOLDER_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function isHolderCodeSyntax(code: string): boolean {
  return HOLDER_CODE.test(code);
}

function checkPassword(password: string, field: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('weak-password', `the password must be at least ${MIN_PASSWORD_LENGTH} characters`, field);
  }
}

/**
 * Opens the account of a holder. The caller (an issuing department's system or the coordination
 * office, as the policies say) hands the initial password to the enterprise out of band.
 */
export async function createHolderAccount(
  store: Store,
  events: DomainEvents,
  input: { holderCode: string; password: string },
  actor: string,
): Promise<HolderAccount> {
  if (!isHolderCodeSyntax(input.holderCode)) throw invalid('invalid-holder-code', `${input.holderCode} is not an 18-character holder code`, '/holderCode');
  checkPassword(input.password, '/password');
  const id = randomUUID();
  const hash = await hashSecret(input.password);
  return store.transaction(async (tx) => {
    const inserted = await tx.query<{ created_at: Date }>(
      `insert into holder_accounts (id, holder_code, password_hash, created_by) values ($1, $2, $3, $4)
       on conflict (holder_code) do nothing returning created_at`,
      [id, input.holderCode, hash, actor],
    );
    if (inserted.rows.length === 0) throw conflict('holder-account-exists', `holder ${input.holderCode} already has an account`, '/holderCode');
    await events.publish(tx, [accountCreatedEvent(id, input.holderCode, actor)]);
    return { accountId: id, holderCode: input.holderCode, createdAt: inserted.rows[0].created_at.toISOString() };
  });
}

interface AccountRow {
  id: string;
  holder_code: string;
  password_hash: string;
}

// Compared against when the holder code is unknown, so a wrong code costs as much as a wrong password.
let decoyHash: Promise<string> | undefined;

/** The account when the holder code exists, is enabled and the password matches; otherwise undefined. */
export async function authenticateHolder(db: Queryable, holderCode: string, password: string): Promise<{ accountId: string; holderCode: string } | undefined> {
  const row = (
    await db.query<AccountRow>('select id, holder_code, password_hash from holder_accounts where holder_code = $1 and disabled_at is null', [holderCode])
  ).rows[0];
  if (!row) {
    decoyHash ??= hashSecret(randomUUID());
    await secretMatches(password, await decoyHash);
    return undefined;
  }
  if (!(await secretMatches(password, row.password_hash))) return undefined;
  await db.query('update holder_accounts set last_login_at = now() where id = $1', [row.id]);
  return { accountId: row.id, holderCode: row.holder_code };
}

/** Whether the holder has an account (a failed sign-in counts against it then). */
export async function holderAccountExists(db: Queryable, holderCode: string): Promise<boolean> {
  return (await db.query('select 1 from holder_accounts where holder_code = $1', [holderCode])).rows.length > 0;
}

/** Whether a holder account is still enabled (a signed-in session of a disabled account ends). */
export async function holderAccountActive(db: Queryable, accountId: string): Promise<boolean> {
  return (await db.query('select 1 from holder_accounts where id = $1 and disabled_at is null', [accountId])).rows.length > 0;
}

/** The holder changes its own password (the current one is required); the account. */
export async function changeHolderPassword(db: Queryable, holderCode: string, current: string, next: string): Promise<{ accountId: string }> {
  checkPassword(next, '/newPassword');
  const account = await authenticateHolder(db, holderCode, current);
  if (!account) throw new DomainError('unauthenticated', 'invalid-credentials', 'the current password is wrong', { field: '/currentPassword' });
  await db.query('update holder_accounts set password_hash = $2, password_changed_at = now() where id = $1', [account.accountId, await hashSecret(next)]);
  return { accountId: account.accountId };
}

/**
 * Whether a holder's access token still holds: its account enabled, and the token issued no
 * earlier than the second of the last password change (a token from before it is a session of
 * the old password, which the change ends).
 */
export async function holderTokenHolds(db: Queryable, accountId: string, issuedAtSeconds: number): Promise<boolean> {
  const row = (
    await db.query<{ changed: number | null }>('select floor(extract(epoch from password_changed_at))::float8 as changed from holder_accounts where id = $1 and disabled_at is null', [accountId])
  ).rows[0];
  return row !== undefined && (row.changed === null || issuedAtSeconds >= Number(row.changed));
}
