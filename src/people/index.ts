// The people capability (its facade): staff accounts of a department (one role each) and the
// signed-in sessions of the console, for staff and for license holders (enterprises) alike, with a
// password or through an OpenID Connect provider. Managing accounts takes the principal and
// decides through the policies; signing in is public and guarded by the sign-in limits.
import { clientNames, findDepartment, getDepartment } from '../departments/index.ts';
import { authenticateHolderSignIn, changePassword, holderAccountActive, MIN_PASSWORD_LENGTH } from '../holders/index.ts';
import { holderNameOf, holderNamesOf } from '../licenses/index.ts';
import { signInGuard } from '../platform/auth/signInGuard.ts';
import { actorOf, type HolderPrincipal, type PersonPrincipal, type Principal } from '../platform/auth/principal.ts';
import { DomainError, forbidden, invalid, rateLimited, unauthenticated } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { recordRead } from '../platform/reads.ts';
import { authorize } from '../policy/index.ts';
import {
  authenticatePerson,
  checkRole,
  checkUsername,
  enabledOidcPerson,
  generatePassword,
  generateUsername,
  getPerson,
  insertPerson,
  isHolderLike,
  listPeopleOf,
  namesOf,
  normalizeUsername,
  recordSignIn,
  setDisabled,
  setPassword,
  type Person,
  type PersonIdentity,
  type PersonRole,
} from './accounts.ts';
import { oidcLinkedEvent, passwordChangedEvent, personEvent, sessionEvent, signInFailedEvent, type SessionSubject } from './events.ts';
import { beginOidc, completeOidc, oidcEnabled } from './oidc.ts';
import { deleteHolderSessions, deleteSession, deleteSessionsOf, findSession, hashOf, insertSession, isSessionId, newSessionSecrets, sessionReference, type SessionMethod, type SessionOwner, type StoredSession } from './sessions.ts';

export { PERSON_ROLES, type Person, type PersonRole } from './accounts.ts';
export type { PeopleEvent } from './events.ts';
export { safeReturnTo } from './oidc.ts';
export { sweepSessions } from './sessions.ts';

const departmentEntity = (code: string) => ({ type: 'Department', id: code });

// ── staff accounts ──

/**
 * Opens a staff account of a department with one role; its password is generated, returned once,
 * here, and only its hash is kept (the coordination office, or the operator).
 */
export async function createPerson(
  platform: Platform,
  principal: Principal,
  input: { departmentCode: string; role: string; name?: string; username?: string; password?: string },
): Promise<Person & { password: string }> {
  authorize(principal, 'person:create', departmentEntity(input.departmentCode));
  const role = checkRole(input.role);
  const username = input.username === undefined ? undefined : checkUsername(input.username);
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('weak-password', `the password must be at least ${MIN_PASSWORD_LENGTH} characters`, '/password');
  }
  const department = await getDepartment(platform.store, input.departmentCode);
  const password = input.password ?? generatePassword();
  const actor = actorOf(principal);
  for (let attempt = 0; ; attempt++) {
    const candidate = username ?? generateUsername(role);
    try {
      const person = await platform.store.transaction(async (tx) => {
        const created = await insertPerson(tx, { username: candidate, name: input.name?.trim() || candidate, departmentCode: department.code, role, password }, actor);
        await platform.events.publish(tx, [personEvent('person.created', created, actor)]);
        return created;
      });
      const { personId, ...shown } = person;
      void personId;
      return { ...shown, password };
    } catch (error) {
      // A generated name that happens to be taken: draw another.
      if (username !== undefined || attempt >= 5 || !(error instanceof DomainError && error.code === 'username-taken')) throw error;
    }
  }
}

/** A department's staff accounts, disabled ones included (the department itself, the coordination office). */
export async function listPeople(platform: Platform, principal: Principal, departmentCode: string): Promise<Person[]> {
  authorize(principal, 'person:list', departmentEntity(departmentCode));
  await getDepartment(platform.store, departmentCode);
  const people = await listPeopleOf(platform.store, departmentCode);
  await recordRead(platform, principal, { what: 'staff-list', subject: departmentCode, count: people.length });
  return people;
}

/** One staff account. */
export async function readPerson(platform: Platform, principal: Principal, username: string): Promise<Person> {
  const { personId, ...person } = await getPerson(platform.store, username);
  void personId;
  authorize(principal, 'person:list', departmentEntity(person.departmentCode));
  await recordRead(platform, principal, { what: 'staff-list', subject: `person:${person.username}`, count: 1 });
  return person;
}

async function changePerson(platform: Platform, principal: Principal, username: string, disable: boolean, reason: string | undefined): Promise<Person> {
  const found = await getPerson(platform.store, username);
  authorize(principal, disable ? 'person:disable' : 'person:enable', departmentEntity(found.departmentCode));
  const actor = actorOf(principal);
  return platform.store.transaction(async (tx) => {
    const person = await getPerson(tx, username, true);
    await setDisabled(tx, person.personId, disable, actor);
    // A disabled account's sessions end with it (lookups refuse it anyway: this frees the rows).
    if (disable) await deleteSessionsOf(tx, person.personId);
    await platform.events.publish(tx, [personEvent(disable ? 'person.disabled' : 'person.enabled', person, actor, reason)]);
    const { personId, ...changed } = await getPerson(tx, username);
    void personId;
    return changed;
  });
}

/**
 * Resets a staff account's password (a forgotten or leaked one): a new one is generated and
 * returned once; every session of the account ends in the same transaction (the department, the
 * coordination office, the operator).
 */
export async function resetPassword(platform: Platform, principal: Principal, username: string): Promise<{ username: string; password: string; endedSessions: number }> {
  const found = await getPerson(platform.store, username);
  authorize(principal, 'person:reset-password', departmentEntity(found.departmentCode));
  const password = generatePassword();
  const actor = actorOf(principal);
  return platform.store.transaction(async (tx) => {
    const person = await getPerson(tx, username, true);
    await setPassword(tx, person.personId, password);
    const endedSessions = await deleteSessionsOf(tx, person.personId);
    await platform.events.publish(tx, [
      passwordChangedEvent({ kind: 'person', username: person.username, departmentCode: person.departmentCode }, actor, { change: 'reset', endedSessions }),
    ]);
    return { username: person.username, password, endedSessions };
  });
}

/**
 * A holder changes its password (src/holders checks the current one under the sign-in limits):
 * every other session of its account ends in the same transaction — the session it changed it
 * in (`sessionId`, its cookie) stays — and its access tokens issued before are refused.
 */
export async function changeHolderPassword(
  platform: Platform,
  principal: Principal,
  holderCode: string,
  change: { currentPassword: string; newPassword: string },
  address: string,
  sessionId: string | undefined,
): Promise<void> {
  const keep = sessionId !== undefined && isSessionId(sessionId) && principal.kind === 'holder' ? hashOf(sessionId) : null;
  await changePassword(platform, principal, holderCode, change, address, async (tx, account) => {
    const endedSessions = await deleteHolderSessions(tx, account.accountId, keep);
    await platform.events.publish(tx, [passwordChangedEvent({ kind: 'holder', holderCode }, actorOf(principal), { change: 'changed', endedSessions })]);
  });
}

/** Disables a staff account: its sessions end at once and it cannot sign in (the department, the coordination office). */
export const disablePerson = (platform: Platform, principal: Principal, username: string, reason?: string) => changePerson(platform, principal, username, true, reason);

export const enablePerson = (platform: Platform, principal: Principal, username: string) => changePerson(platform, principal, username, false, undefined);

/**
 * The names actors go by, as records and events write them (actorOf), in one query per kind: a
 * member of staff (`person:<username>`) by the name of their account, an enterprise
 * (`holder:<code>`) by the name on its newest license, a department's system (its client id) by
 * the name it was registered under. The operator and the platform's own jobs have none and are
 * left out: what a reader sees of them stays the actor. The kernel's actorNamesOf answers with
 * this (see capability.ts).
 */
export async function actorNames(platform: Platform, actors: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const ofKind = (kind: string) => actors.filter((a) => a.startsWith(kind)).map((a) => a.slice(kind.length));
  const [people, holders, systems] = await Promise.all([
    namesOf(platform.store, ofKind('person:')),
    holderNamesOf(platform, ofKind('holder:')),
    clientNames(platform.store, actors.filter((a) => !/^(person|holder|operator):/.test(a) && a !== 'system')),
  ]);
  return new Map([
    ...[...people].map(([username, name]) => [`person:${username}`, name] as const),
    ...[...holders].map(([code, name]) => [`holder:${code}`, name] as const),
    ...systems,
  ]);
}

// ── sessions ──

/** Who a session signs in, as the console shows it. */
export type SessionPrincipalView =
  | { kind: 'person'; username: string; name: string; departmentCode: string; departmentName: string; roles: PersonRole[]; practice: boolean }
  | { kind: 'holder'; holderCode: string; name: string; practice: boolean };

/** A signed-in session: the cookie's id (never stored), its CSRF token, when it ends if unused, and who. */
export interface SignedIn {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
  principal: SessionPrincipalView;
}

/** A session found from its cookie: what the kernel needs to authenticate a request, and more for GET /api/v1/session. */
export interface LiveSession {
  idHash: string;
  principal: PersonPrincipal | HolderPrincipal;
  subject: SessionSubject;
  expiresAt: string;
}

const personPrincipal = (p: Pick<PersonIdentity, 'personId' | 'username' | 'departmentCode' | 'role'>): PersonPrincipal => ({
  kind: 'person',
  personId: p.personId,
  username: p.username,
  departmentCode: p.departmentCode,
  roles: [p.role],
  practice: false,
});

/**
 * Practice mode (src/practice) turns a signed-in person into their practice self: the same person
 * acting for a department of their practice copy. The practice capability registers how, once per
 * platform; without it a person is always their real self.
 */
export type PracticeResolver = (signedIn: PersonPrincipal | HolderPrincipal) => Promise<PersonPrincipal | HolderPrincipal | undefined>;
const practiceResolvers = new WeakMap<Platform, PracticeResolver>();
export function usePractice(platform: Platform, resolver: PracticeResolver): void {
  practiceResolvers.set(platform, resolver);
}

const limitsOf = (platform: Platform) => ({ idleMinutes: platform.config.sessionIdleMinutes, maxHours: platform.config.sessionMaxHours });

async function publish(platform: Platform, events: Parameters<Platform['events']['publish']>[1]): Promise<void> {
  await platform.store.transaction((tx) => platform.events.publish(tx, events));
}

/** The sign-in limits answer `sign-in-locked` here, whichever limit (the account's, the address's) it was. */
function locked(error: unknown): unknown {
  return error instanceof DomainError && error.reason === 'rate-limited'
    ? rateLimited('sign-in-locked', `${error.message}`, error.retryAfterSeconds ?? 60, { limit: error.code })
    : error;
}

const wrongCredentials = () => unauthenticated('invalid-credentials', 'unknown username or wrong password');

async function startSession(platform: Platform, owner: SessionOwner, subject: SessionSubject, method: SessionMethod, address: string | null): Promise<{ sessionId: string; csrfToken: string; expiresAt: string }> {
  const secrets = newSessionSecrets();
  const idHash = hashOf(secrets.sessionId);
  const endsAt = await platform.store.transaction(async (tx) => {
    const ends = await insertSession(tx, idHash, owner, method, address, limitsOf(platform));
    if ('personId' in owner) await recordSignIn(tx, owner.personId);
    await platform.events.publish(tx, [sessionEvent('session.signed-in', subject, { method, session: sessionReference(idHash), address })]);
    return ends;
  });
  return { ...secrets, expiresAt: endsAt.toISOString() };
}

// An account's role was checked against PERSON_ROLES when it was made (accounts.ts).
async function personView(platform: Platform, person: { username: string; name: string; departmentCode: string; role: string }): Promise<SessionPrincipalView> {
  const department = await findDepartment(platform.store, person.departmentCode);
  return { kind: 'person', username: person.username, name: person.name, departmentCode: person.departmentCode, departmentName: department?.name ?? person.departmentCode, roles: [person.role as PersonRole], practice: false };
}

async function holderView(platform: Platform, holderCode: string, practice = false): Promise<SessionPrincipalView> {
  return { kind: 'holder', holderCode, name: (await holderNameOf(platform, holderCode)) ?? holderCode, practice };
}

/**
 * Signs in with a username and password, from `address` (for the sign-in limits and the log): a
 * member of staff with their username, an enterprise with its holder code and holder account
 * password. Wrong credentials answer the same whether or not the account exists.
 */
export async function signIn(platform: Platform, credentials: { username: string; password: string }, address: string): Promise<SignedIn> {
  if (isHolderLike(credentials.username)) {
    const holderCode = credentials.username.trim().toUpperCase();
    const subject: SessionSubject = { kind: 'holder', holderCode };
    let account: { accountId: string; holderCode: string };
    try {
      account = await authenticateHolderSignIn(platform, { holderCode, password: credentials.password }, address);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid-credentials') {
        // A holder code is public (the credit code is on the license): naming it in the log leaks nothing.
        await publish(platform, [signInFailedEvent(subject, { method: 'password', reason: 'wrong-credentials', address })]);
        throw wrongCredentials();
      }
      throw locked(error);
    }
    const started = await startSession(platform, { holderCode: account.holderCode, holderAccount: account.accountId }, subject, 'password', address);
    return { ...started, principal: await holderView(platform, account.holderCode) };
  }
  const username = normalizeUsername(credentials.username);
  const guard = signInGuard(platform);
  const account = `person:${username}`;
  try {
    await guard.check(account, address);
  } catch (error) {
    throw locked(error);
  }
  const { person, known } = await authenticatePerson(platform.store, username, credentials.password);
  if (!person) {
    await guard.failed(account, address, known);
    const department = known ? (await getPerson(platform.store, username)).departmentCode : undefined;
    await publish(platform, [
      signInFailedEvent(known ? { kind: 'person', username, departmentCode: department! } : undefined, { method: 'password', reason: known ? 'wrong-credentials' : 'unknown-account', address }),
    ]);
    throw wrongCredentials();
  }
  await guard.succeeded(account, address);
  const started = await startSession(platform, { personId: person.personId }, { kind: 'person', username: person.username, departmentCode: person.departmentCode }, 'password', address);
  return { ...started, principal: await personView(platform, person) };
}

/**
 * The live session of a cookie's id: undefined when there is none (never was, signed out, expired,
 * or its account was disabled since).
 */
export async function sessionOf(platform: Platform, sessionId: string): Promise<LiveSession | undefined> {
  if (!isSessionId(sessionId)) return undefined;
  const found: StoredSession | 'ended' = await findSession(platform.store, hashOf(sessionId), platform.config.sessionIdleMinutes);
  if (found === 'ended') return undefined;
  const { owner } = found;
  if (owner.kind === 'person') {
    if (owner.disabled) {
      await deleteSession(platform.store, found.idHash);
      return undefined;
    }
    const real = { ...personPrincipal(owner), session: found.idHash };
    return {
      idHash: found.idHash,
      principal: (await practiceResolvers.get(platform)?.(real)) ?? real,
      subject: { kind: 'person', username: owner.username, departmentCode: owner.departmentCode },
      expiresAt: found.endsAt.toISOString(),
    };
  }
  if (!(await holderAccountActive(platform.store, owner.holderAccount))) {
    await deleteSession(platform.store, found.idHash);
    return undefined;
  }
  const holder: HolderPrincipal = { kind: 'holder', holderCode: owner.holderCode, accountId: owner.holderAccount, session: found.idHash };
  return {
    idHash: found.idHash,
    principal: (await practiceResolvers.get(platform)?.(holder)) ?? holder,
    subject: { kind: 'holder', holderCode: owner.holderCode },
    expiresAt: found.endsAt.toISOString(),
  };
}

/** What GET /api/v1/session shows of a live session. */
export async function describeSession(platform: Platform, session: LiveSession): Promise<SessionPrincipalView> {
  if (session.principal.kind === 'holder') return holderView(platform, session.principal.holderCode, session.principal.practice === true);
  const person = await getPerson(platform.store, session.principal.username);
  const view = await personView(platform, person);
  if (view.kind !== 'person' || !session.principal.practice) return view;
  const practising = session.principal.departmentCode;
  return { ...view, departmentCode: practising, departmentName: (await findDepartment(platform.store, practising))?.name ?? practising, practice: true };
}

/** Signs out: the session ends at once, everywhere. */
export async function signOut(platform: Platform, session: LiveSession): Promise<void> {
  await platform.store.transaction(async (tx) => {
    if (await deleteSession(tx, session.idHash)) {
      await platform.events.publish(tx, [sessionEvent('session.signed-out', session.subject, { method: null, session: sessionReference(session.idHash), address: null })]);
    }
  });
}

/** How one may sign in (public: the sign-in page asks). */
export function signInOptions(platform: Platform): { local: true; oidc: { enabled: boolean; label: string | null } } {
  const enabled = oidcEnabled(platform.config);
  return { local: true, oidc: { enabled, label: enabled ? (platform.config.oidcLabel ?? null) : null } };
}

/** Starts a sign-in at the OpenID Connect provider: where to send the browser, and the flow's id for its cookie. */
export function beginOidcSignIn(platform: Platform, returnTo: string | undefined): Promise<{ location: string; flowId: string }> {
  return beginOidc(platform, platform.store, returnTo);
}

/**
 * Completes a sign-in at the OpenID Connect provider: the username it vouches for must be an
 * existing, enabled staff account (403 `oidc-unknown-account` otherwise; nothing is created).
 */
export async function completeOidcSignIn(platform: Platform, flowId: string | undefined, query: string, address: string): Promise<SignedIn & { returnTo: string }> {
  const vouched = await completeOidc(platform, platform.store, flowId, query);
  const person = await platform.store.transaction(async (tx) => {
    const match = await enabledOidcPerson(tx, { issuer: vouched.issuer, subject: vouched.subject }, vouched.username);
    if (match?.linked) await platform.events.publish(tx, [oidcLinkedEvent(match.person, { issuer: vouched.issuer, subject: vouched.subject })]);
    return match?.person;
  });
  if (!person) {
    await publish(platform, [signInFailedEvent(undefined, { method: 'oidc', reason: 'unknown-account', address })]);
    throw forbidden(
      `the identity provider signed in "${vouched.username}", but CertBridge has no enabled staff account of that name not already bound to another identity of the provider: ask your department or the coordination office to open one (certbridge users create)`,
      { claim: platform.config.oidcUsernameClaim },
      'oidc-unknown-account',
    );
  }
  const started = await startSession(platform, { personId: person.personId }, { kind: 'person', username: person.username, departmentCode: person.departmentCode }, 'oidc', address);
  return { ...started, principal: await personView(platform, person), returnTo: vouched.returnTo };
}
