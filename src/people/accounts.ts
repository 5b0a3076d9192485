/**
 * Staff accounts: a member of a department's staff with one role (issuer, consumer or
 * coordinator), a display name and a username, signing in with a password (hashed with the same
 * scrypt helper as systems' secrets and holders' passwords) or through the OpenID Connect
 * provider, which names an existing account and never creates one.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { hashSecret, secretMatches } from '../platform/auth/secrets.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';

export const PERSON_ROLES = ['issuer', 'consumer', 'coordinator'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** A staff account as its department and the coordination office see it (never its password). */
export interface Person {
  username: string;
  name: string;
  departmentCode: string;
  role: PersonRole;
  enabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
  disabledAt: string | null;
}

/** What signing in needs of an account. */
export interface PersonIdentity {
  personId: string;
  username: string;
  name: string;
  departmentCode: string;
  role: PersonRole;
}

// Lower case, starting with a letter: a username never reads as an 18-character holder code, so
// the one sign-in form tells staff and enterprises apart by what is typed (see isHolderLike).
const USERNAME = /^[a-z][a-z0-9._-]{2,63}$/;
const HOLDER_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** Whether a sign-in name is an enterprise's holder code (GB 32100 credit code or citizen id), whatever its case. */
export const isHolderLike = (name: string): boolean => HOLDER_CODE.test(name.trim().toUpperCase());

export const normalizeUsername = (name: string): string => name.trim().toLowerCase();

export function checkUsername(username: string, field = '/username'): string {
  const name = normalizeUsername(username);
  if (!USERNAME.test(name)) {
    throw invalid('validation-failed', 'a username is 3 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter', field);
  }
  if (isHolderLike(name)) throw invalid('validation-failed', 'a username must not look like an 18-character holder code (enterprises sign in with theirs)', field);
  return name;
}

export function checkRole(role: string, field = '/role'): PersonRole {
  if (!(PERSON_ROLES as readonly string[]).includes(role)) throw invalid('validation-failed', `the role must be one of ${PERSON_ROLES.join(', ')}, not "${role}"`, field);
  return role as PersonRole;
}

// No look-alikes (0/o, 1/l/i): a password read out or copied by hand is typed right the first time.
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A generated password: four groups of five (≈ 114 bits), e.g. `Kq7vd-3mZpa-…`. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** A username for an account opened without one: its role and a random tail (`issuer-k3m9q`). */
export function generateUsername(role: PersonRole): string {
  let tail = '';
  for (let i = 0; i < 6; i++) tail += 'abcdefghjkmnpqrstuvwxyz23456789'[randomInt(31)];
  return `${role}-${tail}`;
}

interface PersonRow {
  id: string;
  username: string;
  name: string;
  department_code: string;
  role: PersonRole;
  password_hash: string;
  created_at: Date;
  last_sign_in_at: Date | null;
  disabled_at: Date | null;
}

const COLUMNS = 'id, username, name, department_code, role, created_at, last_sign_in_at, disabled_at';

const toPerson = (r: Omit<PersonRow, 'password_hash'>): Person => ({
  username: r.username,
  name: r.name,
  departmentCode: r.department_code,
  role: r.role,
  enabled: r.disabled_at === null,
  createdAt: r.created_at.toISOString(),
  lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
  disabledAt: r.disabled_at?.toISOString() ?? null,
});

/** Writes a new account; a taken username is a conflict. */
export async function insertPerson(
  db: Queryable,
  input: { username: string; name: string; departmentCode: string; role: PersonRole; password: string },
  actor: string,
): Promise<Person & { personId: string }> {
  const id = randomUUID();
  const inserted = await db.query<Omit<PersonRow, 'password_hash'>>(
    `insert into people (id, username, name, department_code, role, password_hash, created_by) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (username) do nothing returning ${COLUMNS}`,
    [id, input.username, input.name, input.departmentCode, input.role, await hashSecret(input.password), actor],
  );
  if (inserted.rows.length === 0) throw conflict('username-taken', `the username ${input.username} is already taken`, '/username');
  return { ...toPerson(inserted.rows[0]), personId: id };
}

export async function findPerson(db: Queryable, username: string, lock = false): Promise<(Person & { personId: string }) | undefined> {
  const row = (await db.query<Omit<PersonRow, 'password_hash'>>(`select ${COLUMNS} from people where username = $1 ${lock ? 'for update' : ''}`, [normalizeUsername(username)])).rows[0];
  return row ? { ...toPerson(row), personId: row.id } : undefined;
}

export async function getPerson(db: Queryable, username: string, lock = false): Promise<Person & { personId: string }> {
  const person = await findPerson(db, username, lock);
  if (!person) throw notFound('person-not-found', `no staff account ${username}`);
  return person;
}

/** The names of the accounts of these usernames (those that exist, disabled ones included: they acted once). */
export async function namesOf(db: Queryable, usernames: readonly string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await db.query<{ username: string; name: string }>('select username, name from people where username = any($1::text[])', [usernames]);
  return new Map(rows.rows.map((r) => [r.username, r.name]));
}

export async function listPeopleOf(db: Queryable, departmentCode: string): Promise<Person[]> {
  const rows = await db.query<Omit<PersonRow, 'password_hash'>>(`select ${COLUMNS} from people where department_code = $1 order by username`, [departmentCode]);
  return rows.rows.map(toPerson);
}

export async function setDisabled(db: Queryable, personId: string, disabled: boolean, actor: string): Promise<void> {
  await db.query(
    disabled
      ? 'update people set disabled_at = coalesce(disabled_at, now()), disabled_by = $2 where id = $1'
      : 'update people set disabled_at = null, disabled_by = null where id = $1',
    disabled ? [personId, actor] : [personId],
  );
}

// Compared against when the username is unknown, so an unknown name costs as much as a wrong password.
let decoyHash: Promise<string> | undefined;

/**
 * The account when the username exists, is enabled and the password matches; otherwise
 * undefined, in the same time whichever it was. `known` tells the sign-in limits whether a
 * failure counts against an account.
 */
export async function authenticatePerson(db: Queryable, username: string, password: string): Promise<{ person?: PersonIdentity; known: boolean }> {
  const row = (
    await db.query<PersonRow>(`select ${COLUMNS}, password_hash from people where username = $1`, [normalizeUsername(username)])
  ).rows[0];
  decoyHash ??= hashSecret(randomUUID());
  const matches = await secretMatches(password, row?.password_hash ?? (await decoyHash));
  if (!row) return { known: false };
  if (!matches || row.disabled_at !== null) return { known: true };
  return { person: identityOf(row), known: true };
}

const identityOf = (row: Pick<PersonRow, 'id' | 'username' | 'name' | 'department_code' | 'role'>): PersonIdentity => ({
  personId: row.id,
  username: row.username,
  name: row.name,
  departmentCode: row.department_code,
  role: row.role,
});

/** The provider's end-user identifier: its issuer and `sub` (unique together, OpenID Connect Core §5.7). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
}

/**
 * The enabled account an OpenID Connect sign-in is for: the one bound to the provider's issuer
 * and `sub`; otherwise, once, the account of the username the provider vouches for when it is
 * bound to no identity yet (accounts opened before the binding existed, and new ones), which is
 * then bound to it (`linked`). An account bound to another subject is never taken over.
 */
export async function enabledOidcPerson(db: Queryable, identity: OidcIdentity, username: string): Promise<{ person: PersonIdentity; linked: boolean } | undefined> {
  const bound = (
    await db.query<PersonRow & { disabled_at: Date | null }>(`select ${COLUMNS} from people where oidc_issuer = $1 and oidc_subject = $2`, [identity.issuer, identity.subject])
  ).rows[0];
  if (bound) return bound.disabled_at === null ? { person: identityOf(bound), linked: false } : undefined;
  const claimed = (
    await db.query<PersonRow>(
      `update people set oidc_issuer = $2, oidc_subject = $3 where username = $1 and disabled_at is null and oidc_subject is null returning ${COLUMNS}`,
      [normalizeUsername(username), identity.issuer, identity.subject],
    )
  ).rows[0];
  return claimed ? { person: identityOf(claimed), linked: true } : undefined;
}

/** A new password for an account (a reset); kept only as its hash. */
export async function setPassword(db: Queryable, personId: string, password: string): Promise<void> {
  await db.query('update people set password_hash = $2, password_changed_at = now() where id = $1', [personId, await hashSecret(password)]);
}

export async function recordSignIn(db: Queryable, personId: string): Promise<void> {
  await db.query('update people set last_sign_in_at = now() where id = $1', [personId]);
}
