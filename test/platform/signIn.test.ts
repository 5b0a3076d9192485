/**
 * The sign-in limits, over HTTP: guessing is slowed, and nobody can turn the limits against the
 * accounts and systems they attack (finding 4 of the second outside test, docs/security.md). Each
 * test signs in from its own client address, named by X-Forwarded-For from the trusted proxy
 * (127.0.0.1), as a deployment behind a load balancer does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHolderAccount } from '../../src/holders/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { person } from '../people/support.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({
    CERTBRIDGE_SIGNIN_MAX_FAILURES: '5',
    CERTBRIDGE_SIGNIN_ADDRESS_FAILURES: '30',
    CERTBRIDGE_SIGNIN_DELAY_SECONDS: '1',
    CERTBRIDGE_SIGNIN_MAX_DELAY_SECONDS: '4',
    CERTBRIDGE_TRUST_PROXY: '127.0.0.1',
  });
});
afterAll(() => t.close());

const from = (address: string) => ({ 'x-forwarded-for': address });

const token = (id: string, secret: string, address: string) =>
  api(t, 'POST', '/oauth/token', {
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', ...from(address) },
    rawBody: 'grant_type=client_credentials',
  });

const staffSignIn = (username: string, password: string, address: string) => api(t, 'POST', '/api/v1/session', { body: { username, password }, headers: from(address) });

async function median(run: () => Promise<unknown>, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

describe('guessing secrets and passwords', () => {
  it("red team: 30 failed staff sign-ins with made-up usernames from a department's proxy do not slow its systems' tokens", async () => {
    const proxy = '203.0.113.10';
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await staffSignIn(`made.up.${i}`, 'guess', proxy)).status;
    // People from that address now wait …
    expect(last).toBe(429);
    const person = await staffSignIn('made.up.x', 'guess', proxy);
    expect(person.body.code).toBe('sign-in-locked');
    // … systems behind the same address do not.
    for (const client of [t.consumer, t.issuer, t.coordinator]) expect((await token(client.clientId, client.clientSecret, proxy)).status).toBe(200);
  });

  it("a system's client id cannot be locked by guessing its secret: the right secret still gets a token", async () => {
    for (let i = 0; i < 12; i++) expect((await token(t.consumer.clientId, `wrong-${i}`, `198.51.100.${i}`)).status).toBe(401);
    expect((await token(t.consumer.clientId, t.consumer.clientSecret, '198.51.100.99')).status).toBe(200);
  });

  it('slows an account after repeated failures (429 locked-out, Retry-After of seconds, never a day) and lets the right password in once the wait is over', async () => {
    const clerk = await person(t, t.issuer, 'issuer');
    for (let i = 0; i < 5; i++) expect((await staffSignIn(clerk.username, `wrong password ${i}`, '192.0.2.1')).status).toBe(401);
    const slowed = await staffSignIn(clerk.username, clerk.password, '192.0.2.2');
    expect(slowed.status).toBe(429);
    expect(slowed.body.code).toBe('sign-in-locked');
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(4);
    const logged = await loggedEntries(t.platform.store, ['security.locked-out']);
    expect(logged.map((e) => e.entry.data.account)).toContain(`person:${clerk.username}`);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await staffSignIn(clerk.username, clerk.password, '192.0.2.2')).status).toBe(200);
  });

  it('a stranger guessing from elsewhere does not hold up the owner at the address they signed in from before', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const home = '192.0.2.50';
    expect((await staffSignIn(clerk.username, clerk.password, home)).status).toBe(200);
    for (let i = 0; i < 8; i++) await staffSignIn(clerk.username, `guess ${i}`, `2001:db8:${i}::1`);
    expect((await staffSignIn(clerk.username, clerk.password, '2001:db8:99::1')).status).toBe(429);
    expect((await staffSignIn(clerk.username, clerk.password, home)).status).toBe(200);
  });

  it('answers an unknown client id as slowly as a wrong secret of a known one (which ids exist does not leak)', async () => {
    const known = await median(() => token(t.coordinator.clientId, 'not-the-secret', '198.18.0.1'), 3);
    const unknown = await median(() => token('cb-does-not-exist', 'not-the-secret', '198.18.0.1'), 3);
    // Without the decoy hash an unknown id answered ~100 times faster.
    expect(unknown / known).toBeGreaterThan(0.3);
  });

  it('slows a holder account after repeated wrong passwords', async () => {
    const license = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const holderCode = license.body.holder.code;
    await openHolderAccount(t.platform, { kind: 'client', clientId: t.issuer.clientId, departmentCode: t.issuer.department.code, roles: ['issuer'] }, { holderCode, password: 'correct horse battery' });
    const login = (password: string) => api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password }, headers: from('192.0.2.77') });
    for (let i = 0; i < 5; i++) expect((await login(`wrong password ${i}`)).status).toBe(401);
    const slowed = await login('correct horse battery');
    expect(slowed.status).toBe(429);
    expect(slowed.body.code).toBe('locked-out');
  });

  it('makes a client address that keeps failing client credentials wait; the limit is per real client address, not per proxy', async () => {
    let last = 0;
    for (let i = 0; i < 35 && last !== 429; i++) last = (await token(`cb-unknown-${i}`, 'x', '198.51.100.200')).status;
    expect(last).toBe(429);
    const waited = await token(t.issuer.clientId, t.issuer.clientSecret, '198.51.100.200');
    expect(waited.status).toBe(429);
    expect(waited.body.code).toBe('too-many-attempts');
    expect(waited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client behind the same trusted proxy is its own address.
    expect((await token(t.issuer.clientId, t.issuer.clientSecret, '198.51.100.201')).status).toBe(200);
  });
});
