/**
 * Server-side sessions of the console. The browser holds a random 256-bit id in a cookie; the
 * table keeps only its SHA-256, so reading the table (a backup, a leaked dump) signs no one in.
 * The session's CSRF token is an HMAC of the id: the server recomputes it from the cookie of each
 * request, so it is never stored, is the same for the session's whole life (every tab of the
 * console agrees) and cannot be derived by anyone without the cookie.
 *
 * A session ends at the first of: sign-out, `sessionIdleMinutes` without a request, or
 * `sessionMaxHours` after sign-in. Whom it signs in is read again on every request (one primary-key
 * read joined to the account), so a disabled account or a changed role takes effect at once.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/store/store.ts';
import type { PersonRole } from './accounts.ts';

export type SessionMethod = 'password' | 'oidc';

export interface SessionSecrets {
  /** What the cookie carries: never stored. */
  sessionId: string;
  csrfToken: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export const isSessionId = (value: string): boolean => SESSION_ID.test(value);

export const hashOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

export const csrfTokenOf = (sessionId: string): string => createHmac('sha256', sessionId).update('certbridge-csrf/v1').digest('base64url');

/** A short, non-secret reference to a session for the audit log (a sign-in and its sign-out share it). */
export const sessionReference = (idHash: string): string => idHash.slice(0, 16);

export function newSessionSecrets(): SessionSecrets {
  const sessionId = randomBytes(32).toString('base64url');
  return { sessionId, csrfToken: csrfTokenOf(sessionId) };
}

export type SessionOwner = { personId: string } | { holderCode: string; holderAccount: string };

/** Writes a new session; returns when it ends if unused (the idle end, or the absolute end if sooner). */
export async function insertSession(
  db: Queryable,
  idHash: string,
  owner: SessionOwner,
  method: SessionMethod,
  address: string | null,
  limits: { idleMinutes: number; maxHours: number },
): Promise<Date> {
  const row = (
    await db.query<{ ends_at: Date }>(
      `insert into people_sessions (id_hash, person_id, holder_code, holder_account, method, address, expires_at)
       values ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7::int))
       returning least(now() + make_interval(mins => $8::int), expires_at) as ends_at`,
      [
        idHash,
        'personId' in owner ? owner.personId : null,
        'holderCode' in owner ? owner.holderCode : null,
        'holderCode' in owner ? owner.holderAccount : null,
        method,
        address,
        limits.maxHours,
        limits.idleMinutes,
      ],
    )
  ).rows[0];
  return row.ends_at;
}

export interface StoredSession {
  idHash: string;
  method: SessionMethod;
  endsAt: Date;
  owner:
    | { kind: 'person'; personId: string; username: string; name: string; departmentCode: string; role: PersonRole; disabled: boolean }
    | { kind: 'holder'; holderCode: string; holderAccount: string };
}

interface SessionRow {
  id_hash: string;
  method: SessionMethod;
  person_id: string | null;
  holder_code: string | null;
  holder_account: string | null;
  username: string | null;
  name: string | null;
  department_code: string | null;
  role: PersonRole | null;
  disabled: boolean | null;
  expired: boolean;
  stale: boolean;
  ends_at: Date;
}

/**
 * The live session of this id, touched (its idle clock restarted) when its last touch is a while
 * ago — not on every request, which would be a write per request; `ended` when it expired (and is
 * then deleted) or never existed.
 */
export async function findSession(db: Queryable, idHash: string, idleMinutes: number): Promise<StoredSession | 'ended'> {
  const row = (
    await db.query<SessionRow>(
      `select s.id_hash, s.method, s.person_id, s.holder_code, s.holder_account,
              p.username, p.name, p.department_code, p.role, p.disabled_at is not null as disabled,
              (s.expires_at <= now() or s.last_seen_at <= now() - make_interval(mins => $2::int)) as expired,
              s.last_seen_at <= now() - least(interval '60 seconds', make_interval(mins => $2::int) / 4) as stale,
              least(now() + make_interval(mins => $2::int), s.expires_at) as ends_at
         from people_sessions s left join people p on p.id = s.person_id
        where s.id_hash = $1`,
      [idHash, idleMinutes],
    )
  ).rows[0];
  if (!row) return 'ended';
  if (row.expired) {
    await db.query('delete from people_sessions where id_hash = $1', [idHash]);
    return 'ended';
  }
  if (row.stale) await db.query('update people_sessions set last_seen_at = now() where id_hash = $1', [idHash]);
  const owner: StoredSession['owner'] =
    row.person_id !== null
      ? { kind: 'person', personId: row.person_id, username: row.username!, name: row.name!, departmentCode: row.department_code!, role: row.role!, disabled: row.disabled === true }
      : { kind: 'holder', holderCode: row.holder_code!, holderAccount: row.holder_account! };
  return { idHash: row.id_hash, method: row.method, endsAt: row.ends_at, owner };
}

/** Ends a session; whether there was one. */
export async function deleteSession(db: Queryable, idHash: string): Promise<boolean> {
  return (await db.query('delete from people_sessions where id_hash = $1', [idHash])).rowCount > 0;
}

/** Ends every session of a staff account (it was disabled, its password reset). */
export async function deleteSessionsOf(db: Queryable, personId: string): Promise<number> {
  return (await db.query('delete from people_sessions where person_id = $1', [personId])).rowCount;
}

/** Ends every session of a holder account but `keep` (the id hash of the session that changed its password). */
export async function deleteHolderSessions(db: Queryable, holderAccount: string, keep: string | null): Promise<number> {
  return (await db.query('delete from people_sessions where holder_account = $1 and id_hash is distinct from $2', [holderAccount, keep])).rowCount;
}

/** Forgets ended sessions and abandoned OpenID Connect sign-ins (a periodic sweep; lookups refuse them anyway). */
export async function sweepSessions(db: Queryable, idleMinutes: number): Promise<number> {
  const sessions = await db.query('delete from people_sessions where expires_at <= now() or last_seen_at <= now() - make_interval(mins => $1::int)', [idleMinutes]);
  const flows = await db.query('delete from people_oidc_flows where expires_at <= now()');
  return sessions.rowCount + flows.rowCount;
}
