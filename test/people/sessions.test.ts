/**
 * People sign in to the console: staff with a username and password, enterprises with their
 * holder code and holder account; server-side sessions in an HttpOnly cookie, CSRF on every
 * change, lock-out, idle and absolute expiry, sign-out; the session accepted wherever a bearer
 * token is; every action of a person in the audit log under that person.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHolderAccount } from '../../src/holders/index.ts';
import { disablePerson } from '../../src/people/index.ts';
import { REDACTED_PATHS } from '../../src/platform/log.ts';
import { api, licenseRequest, OPERATOR, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { auditEntries, browser, person } from './support.ts';
import { loggedEntries } from '../support/auditEntries.ts';

const logged: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logged.push(chunk.toString('utf8'));
    done();
  },
});

let t: TestPlatform;
beforeAll(async () => {
  // Everything logged, down to trace, into memory: no secret may appear in it.
  const log = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, logSink);
  t = await startTestPlatform({ CERTBRIDGE_SIGNIN_MAX_FAILURES: '3', CERTBRIDGE_SIGNIN_ADDRESS_FAILURES: '1000', CERTBRIDGE_SESSION_IDLE_MINUTES: '5', CERTBRIDGE_SESSION_MAX_HOURS: '2' }, { log });
});
afterAll(() => t.close());

const cookieNamed = (lines: string[], name: string) => lines.find((l) => l.startsWith(`${name}=`));

describe('signing in with a password', () => {
  it('answers the person and a CSRF token, and sets an HttpOnly, SameSite=Lax, Path=/ cookie that is not Secure over plain http', async () => {
    const clerk = await person(t, t.issuer, 'issuer', '王芳');
    const b = browser(t);
    const answer = await b.signIn(clerk.username, clerk.password);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      principal: { kind: 'person', username: clerk.username, name: '王芳', departmentCode: t.issuer.department.code, departmentName: t.issuer.department.name, roles: ['issuer'], practice: false },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    // Idle timeout 5 minutes: the session ends about then if unused.
    const ends = Date.parse(answer.body.expiresAt) - Date.now();
    expect(ends).toBeGreaterThan(4 * 60_000);
    expect(ends).toBeLessThanOrEqual(5 * 60_000 + 5_000);
    const cookie = cookieNamed(answer.cookies, 'certbridge_session')!;
    expect(cookie).toBeDefined();
    const [pair, ...attributes] = cookie.split('; ');
    expect(pair).toMatch(/^certbridge_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
    expect(attributes).not.toContain('Secure');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // The cookie's id is not what the table keeps (only its hash), nor is the CSRF token the id.
    const id = pair.split('=')[1];
    expect(answer.body.csrfToken).not.toBe(id);
    const stored = await t.platform.store.query<{ id_hash: string }>('select id_hash from people_sessions');
    expect(stored.rows.map((r) => r.id_hash)).not.toContain(id);
  });

  it('does not believe X-Forwarded-Proto from an address CERTBRIDGE_TRUST_PROXY does not name (no Secure flag on its say-so)', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const answer = await browser(t, { 'x-forwarded-proto': 'https' }).signIn(clerk.username, clerk.password);
    expect(answer.status).toBe(200);
    expect(cookieNamed(answer.cookies, 'certbridge_session')).not.toMatch(/Secure/);
  });

  it('GET /api/v1/session answers who is signed in (the same CSRF token), and 401 not-signed-in without a session', async () => {
    const clerk = await person(t, t.consumer, 'consumer', '李强');
    const b = browser(t);
    const signedIn = await b.signIn(clerk.username, clerk.password);
    const current = await b.request('GET', '/api/v1/session');
    expect(current.status).toBe(200);
    expect(current.body.principal).toEqual(signedIn.body.principal);
    expect(current.body.csrfToken).toBe(signedIn.body.csrfToken);
    const anonymous = await browser(t).request('GET', '/api/v1/session');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('not-signed-in');
    expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const forged = await browser(t, { cookie: `certbridge_session=${'A'.repeat(43)}` }).request('GET', '/api/v1/session');
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('not-signed-in');
  });

  it('answers a wrong password and an unknown username alike: 401 invalid-credentials', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const wrong = await browser(t).signIn(clerk.username, 'not the password at all');
    const unknown = await browser(t).signIn('nobody.here', 'not the password at all');
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('invalid-credentials');
      expect(answer.cookies).toEqual([]);
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.title).toBe(unknown.body.title);
  });

  it('locks an account after repeated failures: 429 sign-in-locked with Retry-After, even for the right password', async () => {
    const clerk = await person(t, t.coordinator, 'coordinator');
    for (let i = 0; i < 3; i++) expect((await browser(t).signIn(clerk.username, `wrong password ${i}`)).status).toBe(401);
    const locked = await browser(t).signIn(clerk.username, clerk.password);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('sign-in-locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account is not affected.
    const other = await person(t, t.coordinator, 'coordinator');
    expect((await browser(t).signIn(other.username, other.password)).status).toBe(200);
  });

  it('login CSRF: a form-encoded, multipart or text body is refused with 415 and sets no cookie, even with the right password', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', new URLSearchParams({ username: clerk.username, password: clerk.password }).toString()],
      ['text/plain', JSON.stringify({ username: clerk.username, password: clerk.password })],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\n${clerk.username}\r\n--x--\r\n`],
    ];
    for (const [type, body] of bodies) {
      const answer = await fetch(`${t.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(answer.status, type).toBe(415);
      expect((await answer.json()).code).toBe('unsupported-media-type');
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    expect((await browser(t).signIn(clerk.username, clerk.password)).status).toBe(200);
  });

  it('a password reset ends every session of the account; the old password no longer signs in', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const [first, second] = [browser(t), browser(t)];
    for (const b of [first, second]) expect((await b.signIn(clerk.username, clerk.password)).status).toBe(200);
    const reset = await api(t, 'POST', `/api/v1/people/${clerk.username}/password-reset`, { token: t.issuer.token, body: {} });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body).toMatchObject({ username: clerk.username, endedSessions: 2 });
    for (const b of [first, second]) expect((await b.request('GET', '/api/v1/inbox')).body.code).toBe('not-signed-in');
    expect((await browser(t).signIn(clerk.username, clerk.password)).status).toBe(401);
    expect((await browser(t).signIn(clerk.username, reset.body.password)).status).toBe(200);
    // Another department's system may not reset it.
    expect((await api(t, 'POST', `/api/v1/people/${clerk.username}/password-reset`, { token: t.consumer.token, body: {} })).status).toBe(403);
  });

  it('a disabled account cannot sign in, and its open sessions end at once', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    expect((await b.signIn(clerk.username, clerk.password)).status).toBe(200);
    expect((await b.request('GET', '/api/v1/inbox')).status).toBe(200);
    await disablePerson(t.platform, OPERATOR, clerk.username, 'left the department');
    const refused = await b.request('GET', '/api/v1/inbox');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('not-signed-in');
    expect((await browser(t).signIn(clerk.username, clerk.password)).body.code).toBe('invalid-credentials');
  });
});

describe('CSRF', () => {
  it('refuses a change made with the session cookie but without, or with a wrong, X-CSRF-Token (403 csrf-failed); the right one passes', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    const body = licenseRequest();
    const missing = await b.request('POST', '/api/v1/licenses', { body, csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf-failed');
    const wrong = await b.request('POST', '/api/v1/licenses', { body, csrf: 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('csrf-failed');
    // Another session's token is no good either.
    const other = browser(t);
    const someoneElse = await person(t, t.issuer, 'issuer');
    await other.signIn(someoneElse.username, someoneElse.password);
    expect((await b.request('POST', '/api/v1/licenses', { body, csrf: other.csrfToken })).body.code).toBe('csrf-failed');
    // Nothing was issued by the refused requests.
    expect((await api(t, 'GET', `/api/v1/licenses?holderCode=${body.holder.code}`, { token: t.issuer.token })).body.items).toEqual([]);
    const issued = await b.request('POST', '/api/v1/licenses', { body });
    expect(issued.status).toBe(201);
    // Reading needs no token.
    expect((await b.request('GET', `/api/v1/licenses/${issued.body.identifier}`, { csrf: false })).status).toBe(200);
  });

  it('leaves bearer-token callers alone: no CSRF token needed, and a cookie beside a bearer token changes nothing', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest(), headers: { cookie: b.cookieHeader() } });
    expect(issued.status).toBe(201);
    // The license was issued by the system the token names, not by the person whose cookie came along.
    const [entry] = (await auditEntries(t, 'license.issued')).filter((e) => e.subject === issued.body.identifier);
    expect(entry.actor).toBe(t.issuer.clientId);
  });
});

describe('expiry and sign-out', () => {
  it('ends a session idle longer than CERTBRIDGE_SESSION_IDLE_MINUTES', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    expect((await b.request('GET', '/api/v1/inbox')).status).toBe(200);
    // Four minutes idle: still alive (and the request restarts the idle clock).
    await t.platform.store.query(`update people_sessions set last_seen_at = now() - interval '4 minutes' where person_id = (select id from people where username = $1)`, [clerk.username]);
    expect((await b.request('GET', '/api/v1/inbox')).status).toBe(200);
    // Six minutes idle: ended.
    await t.platform.store.query(`update people_sessions set last_seen_at = now() - interval '6 minutes' where person_id = (select id from people where username = $1)`, [clerk.username]);
    const ended = await b.request('GET', '/api/v1/inbox');
    expect(ended.status).toBe(401);
    expect(ended.body.code).toBe('not-signed-in');
    expect((await b.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await t.platform.store.query('select 1 from people_sessions where person_id = (select id from people where username = $1)', [clerk.username])).rows).toEqual([]);
  });

  it('ends a session past CERTBRIDGE_SESSION_MAX_HOURS however busy it is', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    await t.platform.store.query(`update people_sessions set expires_at = now() - interval '1 second' where person_id = (select id from people where username = $1)`, [clerk.username]);
    expect((await b.request('GET', '/api/v1/inbox')).status).toBe(401);
  });

  it('signs out with DELETE /api/v1/session (204, cookie cleared; CSRF token required), after which the cookie is worthless', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    const stolen = b.cookieHeader();
    const withoutToken = await b.request('DELETE', '/api/v1/session', { csrf: false });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.code).toBe('csrf-failed');
    expect((await b.request('GET', '/api/v1/session')).status).toBe(200);
    const out = await b.request('DELETE', '/api/v1/session');
    expect(out.status).toBe(204);
    expect(cookieNamed(out.cookies, 'certbridge_session')).toMatch(/^certbridge_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    // The old cookie, replayed, signs no one in.
    const replayed = await api(t, 'GET', '/api/v1/session', { headers: { cookie: stolen } });
    expect(replayed.status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/inbox', { headers: { cookie: stolen } })).status).toBe(401);
  });
});

describe('the session on every route that takes a bearer token', () => {
  it('a coordinator person reads what the coordination office reads (agreements oversight, the audit log, every license)', async () => {
    const officer = await person(t, t.coordinator, 'coordinator');
    const b = browser(t);
    await b.signIn(officer.username, officer.password);
    expect((await b.request('GET', '/api/v1/agreements')).status).toBe(200);
    expect((await b.request('GET', '/api/v1/audit/entries')).status).toBe(200);
    expect((await b.request('GET', '/api/v1/licenses')).status).toBe(200);
    expect((await b.request('GET', `/api/v1/departments/${t.issuer.department.code}/people`)).status).toBe(200);
  });

  it('a consumer person cannot list the licenses of another department (403), nor issue one', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    const all = await b.request('GET', '/api/v1/licenses');
    expect(all.status).toBe(403);
    const ofIssuer = await b.request('GET', `/api/v1/licenses?issuerCode=${t.issuer.department.code}`);
    expect(ofIssuer.status).toBe(403);
    expect((await b.request('POST', '/api/v1/licenses', { body: licenseRequest() })).status).toBe(403);
  });

  it('an issuer person lists only the licenses its own department issued', async () => {
    await api(t, 'POST', '/api/v1/licenses', { token: t.otherIssuer.token, body: licenseRequest() });
    await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const clerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    const listed = await b.request('GET', '/api/v1/licenses?limit=200');
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBeGreaterThan(0);
    expect(new Set(listed.body.items.map((i: { issuerCode: string }) => i.issuerCode))).toEqual(new Set([t.issuer.department.code]));
    expect((await b.request('GET', `/api/v1/licenses?issuerCode=${t.otherIssuer.department.code}`)).status).toBe(403);
  });
});

describe('enterprises sign in through the same session API', () => {
  let holderCode: string;
  const password = 'enterprise passphrase 1';
  beforeAll(async () => {
    const license = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    holderCode = license.body.holder.code;
    await openHolderAccount(t.platform, { kind: 'client', clientId: t.issuer.clientId, departmentCode: t.issuer.department.code, roles: ['issuer'] }, { holderCode, password });
  });

  it('with the holder code as username (any case): the holder principal, named as on its license', async () => {
    const b = browser(t);
    const answer = await b.signIn(holderCode.toLowerCase(), password);
    expect(answer.status).toBe(200);
    const license = (await api(t, 'GET', `/api/v1/licenses?holderCode=${holderCode}`, { token: t.issuer.token })).body.items[0];
    expect(answer.body.principal).toEqual({ kind: 'holder', holderCode, name: license.holderName, practice: false });
    // The holder's own routes take the session.
    expect((await b.request('GET', `/api/v1/holders/${holderCode}/authorisations`)).status).toBe(200);
    expect((await b.request('GET', `/api/v1/holders/${holderCode}/access-log`)).status).toBe(200);
    const granted = await b.request('POST', `/api/v1/holders/${holderCode}/authorisations`, {
      body: { grantee: { department: t.consumer.department.code }, purpose: 'tax-administration', validUntil: new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10) },
    });
    expect(granted.body).toMatchObject({ holderCode, status: 'active' });
    expect(granted.status).toBe(201);
  });

  it('a holder cannot act as staff: not list or issue licenses, not read the audit log, not open accounts', async () => {
    const b = browser(t);
    await b.signIn(holderCode, password);
    expect((await b.request('GET', '/api/v1/licenses')).status).toBe(403);
    expect((await b.request('POST', '/api/v1/licenses', { body: licenseRequest() })).status).toBe(403);
    expect((await b.request('GET', '/api/v1/audit/entries')).status).toBe(403);
    expect((await b.request('GET', '/api/v1/agreements')).status).toBe(403);
    expect((await b.request('POST', `/api/v1/departments/${t.issuer.department.code}/people`, { body: { role: 'coordinator' } })).status).toBe(403);
    expect((await b.request('GET', `/api/v1/holders/${licenseRequest().holder.code}/authorisations`)).status).toBe(403);
  });

  it('a password change ends every other session and the access tokens issued before it; the session that changed it stays', async () => {
    const [changer, other] = [browser(t), browser(t)];
    for (const b of [changer, other]) expect((await b.signIn(holderCode, password)).status).toBe(200);
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password } });
    expect(login.status).toBe(200);
    const token = login.body.access_token as string;
    expect((await api(t, 'GET', `/api/v1/holders/${holderCode}/authorisations`, { token })).status).toBe(200);
    // A token is refused only when issued in an earlier second than the change.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const next = 'enterprise passphrase 2';
    const changed = await changer.request('POST', `/api/v1/holders/${holderCode}/password`, { body: { currentPassword: password, newPassword: next } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    expect((await changer.request('GET', `/api/v1/holders/${holderCode}/authorisations`)).status).toBe(200);
    expect((await other.request('GET', `/api/v1/holders/${holderCode}/authorisations`)).body.code).toBe('not-signed-in');
    const stale = await api(t, 'GET', `/api/v1/holders/${holderCode}/authorisations`, { token });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('token-revoked');
    const recorded = (await auditEntries(t, 'session.password-changed')).at(-1);
    expect(recorded).toMatchObject({ data: { change: 'changed' } });
    // The other browser's session and those the earlier tests of this file left open.
    expect(recorded.data.endedSessions).toBeGreaterThanOrEqual(1);

    // Back to the password the other tests of this file use (the change again ends no session but this one's others).
    expect((await changer.request('POST', `/api/v1/holders/${holderCode}/password`, { body: { currentPassword: next, newPassword: password } })).status).toBe(204);
  });

  it('a wrong holder password is the same 401 invalid-credentials', async () => {
    const answer = await browser(t).signIn(holderCode, 'not the password at all');
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('invalid-credentials');
  });
});

describe('the audit log', () => {
  it('records a change a person makes under that person (person:<username>, the department in the facts), and the sign-in, sign-out and failures, without secrets', async () => {
    const clerk = await person(t, t.issuer, 'issuer', '赵敏');
    await browser(t).signIn(clerk.username, 'a wrong password, once');
    const b = browser(t);
    const signedIn = await b.signIn(clerk.username, clerk.password);
    const issued = await b.request('POST', '/api/v1/licenses', { body: licenseRequest() });
    expect(issued.status).toBe(201);
    const revoked = await b.request('POST', `/api/v1/licenses/${issued.body.identifier}/revoke`, { body: { reason: '以欺骗手段取得登记' } });
    expect(revoked.status).toBe(200);
    await b.request('DELETE', '/api/v1/session');

    const actor = `person:${clerk.username}`;
    const [issue] = (await auditEntries(t, 'license.issued')).filter((e) => e.subject === issued.body.identifier);
    expect(issue.actor).toBe(actor);
    expect(issue.facts.department).toBe(t.issuer.department.code);
    const [revoke] = (await auditEntries(t, 'license.revoked')).filter((e) => e.actor === actor);
    expect(revoke.facts.department).toBe(t.issuer.department.code);
    // The license's own history names the person too.
    const events = await api(t, 'GET', `/api/v1/licenses/${issued.body.identifier}/events`, { token: t.issuer.token });
    expect(events.body.map((e: { actor: string }) => e.actor)).toEqual([actor, actor]);

    const mine = (e: { subject: string }) => e.subject === actor;
    const signIns = (await auditEntries(t, 'session.signed-in')).filter(mine);
    const signOuts = (await auditEntries(t, 'session.signed-out')).filter(mine);
    const failures = (await auditEntries(t, 'session.sign-in-failed')).filter(mine);
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toMatchObject({ actor, facts: { department: t.issuer.department.code }, data: { method: 'password' } });
    expect(signOuts).toHaveLength(1);
    expect(signOuts[0].data.session).toBe(signIns[0].data.session);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ facts: { department: t.issuer.department.code, outcome: 'wrong-credentials' }, data: { reason: 'wrong-credentials' } });

    // An unknown name is logged as unknown, not as typed (people type passwords into it).
    await browser(t).signIn('password-in-the-name-field', 'whatever');
    const unknown = (await auditEntries(t, 'session.sign-in-failed')).at(-1);
    expect(unknown).toMatchObject({ subject: 'unknown', data: { account: null, reason: 'unknown-account' } });

    const everything = JSON.stringify(await loggedEntries(t.platform.store));
    expect(everything).not.toContain(clerk.password);
    expect(everything).not.toContain('password-in-the-name-field');
    expect(everything).not.toContain(signedIn.body.csrfToken);
  });

  it('never logs a password, a session id or a CSRF token (the whole log of this file, at trace)', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    const b = browser(t);
    await b.signIn(clerk.username, clerk.password);
    await b.request('POST', '/api/v1/licenses', { body: licenseRequest() });
    await b.request('POST', '/api/v1/licenses', { body: licenseRequest(), csrf: false });
    const sessionId = b.jar.get('certbridge_session')!;
    const text = logged.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(clerk.password);
    expect(text).not.toContain(sessionId);
    expect(text).not.toContain(b.csrfToken!);
  });
});
