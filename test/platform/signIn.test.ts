import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHolderAccount } from '../../src/holders/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_SIGNIN_MAX_FAILURES: '5', CERTBRIDGE_SIGNIN_ADDRESS_FAILURES: '40', CERTBRIDGE_SIGNIN_LOCK_SECONDS: '60' });
});
afterAll(() => t.close());

const token = (id: string, secret: string) =>
  api(t, 'POST', '/oauth/token', {
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: 'grant_type=client_credentials',
  });

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
  it('locks a client after repeated wrong secrets: 429 with Retry-After, even for the right secret, and the lock-out is in the audit log', async () => {
    for (let i = 0; i < 5; i++) expect((await token(t.consumer.clientId, `wrong-${i}`)).status).toBe(401);
    const locked = await token(t.consumer.clientId, t.consumer.clientSecret);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('locked-out');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const logged = await loggedEntries(t.platform.store, ['security.locked-out']);
    expect(logged.map((e) => e.entry.data.account)).toEqual([`client:${t.consumer.clientId}`]);
    // Other clients are not affected.
    expect((await token(t.issuer.clientId, t.issuer.clientSecret)).status).toBe(200);
  });

  it('answers an unknown client id as slowly as a wrong secret of a known one (which ids exist does not leak)', async () => {
    const known = await median(() => token(t.coordinator.clientId, 'not-the-secret'), 3);
    const unknown = await median(() => token('cb-does-not-exist', 'not-the-secret'), 3);
    // Without the decoy hash an unknown id answered ~100 times faster.
    expect(unknown / known).toBeGreaterThan(0.3);
  });

  it('locks a holder account after repeated wrong passwords', async () => {
    const license = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const holderCode = license.body.holder.code;
    await openHolderAccount(t.platform, { kind: 'client', clientId: t.issuer.clientId, departmentCode: t.issuer.department.code, roles: ['issuer'] }, { holderCode, password: 'correct horse battery' });
    const login = (password: string) => api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password } });
    for (let i = 0; i < 5; i++) expect((await login(`wrong password ${i}`)).status).toBe(401);
    const locked = await login('correct horse battery');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('locked-out');
  });

  it('makes an address that keeps failing wait, whatever account it tries', async () => {
    let last = 0;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await token(`cb-unknown-${i}`, 'x')).status;
    expect(last).toBe(429);
    const waited = await token(t.issuer.clientId, t.issuer.clientSecret);
    expect(waited.status).toBe(429);
    expect(waited.body.code).toBe('too-many-attempts');
    expect(waited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
