/**
 * The people capability's events: staff accounts opened, disabled and enabled; sessions begun and
 * ended; failed sign-ins. None carries a secret: not the password, not the session id (a
 * sign-in and its sign-out share `session`, a short prefix of the id's hash, which opens nothing).
 */
import type { DomainEvent } from '../platform/events.ts';
import type { PersonRole } from './accounts.ts';

export type PersonAccountEvent = DomainEvent<
  'person.created' | 'person.disabled' | 'person.enabled',
  { username: string; name: string; departmentCode: string; role: PersonRole; reason?: string }
>;

/** Who a session is of: a member of staff, or a license holder. */
export type SessionSubject = { kind: 'person'; username: string; departmentCode: string } | { kind: 'holder'; holderCode: string };

export type SessionEvent = DomainEvent<
  'session.signed-in' | 'session.signed-out',
  { method: 'password' | 'oidc' | null; session: string; address: string | null }
>;

export type SignInFailedEvent = DomainEvent<
  'session.sign-in-failed',
  {
    /** The account tried, when it exists (a mistyped password in the name field is never logged). */
    account: string | null;
    method: 'password' | 'oidc';
    reason: 'wrong-credentials' | 'unknown-account';
    address: string | null;
  }
>;

/** A staff account bound to an identity of the OpenID Connect provider (its issuer and `sub`), at its first sign-in there. */
export type OidcLinkedEvent = DomainEvent<'person.oidc-linked', { username: string; departmentCode: string; issuer: string; subject: string }>;

/** A password changed (a holder, itself) or reset (a staff account, by its department): the sessions it ended. */
export type PasswordChangedEvent = DomainEvent<'session.password-changed', { change: 'changed' | 'reset'; endedSessions: number }>;

export type PeopleEvent = PersonAccountEvent | SessionEvent | SignInFailedEvent | OidcLinkedEvent | PasswordChangedEvent;

export function passwordChangedEvent(subject: SessionSubject, actor: string, data: PasswordChangedEvent['data']): PasswordChangedEvent {
  return { type: 'session.password-changed', subject: actorOfSubject(subject), actor, at: new Date(), facts: factsOf(subject), data };
}

export function oidcLinkedEvent(person: { username: string; departmentCode: string }, identity: { issuer: string; subject: string }): OidcLinkedEvent {
  return {
    type: 'person.oidc-linked',
    subject: `person:${person.username}`,
    actor: `person:${person.username}`,
    at: new Date(),
    facts: { department: person.departmentCode, clientId: null },
    data: { username: person.username, departmentCode: person.departmentCode, ...identity },
  };
}

export function personEvent(type: PersonAccountEvent['type'], person: { username: string; name: string; departmentCode: string; role: PersonRole }, actor: string, reason?: string): PersonAccountEvent {
  return {
    type,
    subject: `person:${person.username}`,
    actor,
    at: new Date(),
    facts: { department: person.departmentCode, clientId: null },
    data: { username: person.username, name: person.name, departmentCode: person.departmentCode, role: person.role, ...(reason ? { reason } : {}) },
  };
}

const actorOfSubject = (s: SessionSubject) => (s.kind === 'person' ? `person:${s.username}` : `holder:${s.holderCode}`);

/** Filed under the person's department, or the holder it is about. */
const factsOf = (s: SessionSubject) =>
  s.kind === 'person' ? { department: s.departmentCode, clientId: null } : { department: null, clientId: null, holderCodes: [s.holderCode] };

export function sessionEvent(type: SessionEvent['type'], subject: SessionSubject, data: SessionEvent['data']): SessionEvent {
  const who = actorOfSubject(subject);
  return { type, subject: who, actor: who, at: new Date(), facts: factsOf(subject), data };
}

export function signInFailedEvent(subject: SessionSubject | undefined, data: Omit<SignInFailedEvent['data'], 'account'>): SignInFailedEvent {
  return {
    type: 'session.sign-in-failed',
    subject: subject ? actorOfSubject(subject) : 'unknown',
    actor: 'public',
    at: new Date(),
    facts: subject ? { ...factsOf(subject), outcome: data.reason } : { department: null, clientId: null, outcome: data.reason },
    data: { account: subject ? actorOfSubject(subject) : null, ...data },
  };
}
