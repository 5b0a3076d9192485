/**
 * My licenses (我的证照): GET /api/v1/holders/:holderCode/licenses answers the licenses a holder
 * holds — to the holder signed in (session or token), and to no one else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { browser } from '../people/support.ts';

const PASSWORD = 'a holder password 1';
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

describe('the licenses a holder holds', () => {
  it('the holder sees its licenses, newest first, with status, data and a verification link; others are refused', async () => {
    const first = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(first.status).toBe(201);
    const code = first.body.holder.code as string;
    const other = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    await api(t, 'POST', `/api/v1/licenses/${first.body.identifier}/suspend`, { token: t.issuer.token, body: { reason: '歇业' } });
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: code, password: PASSWORD } })).status).toBe(201);

    // Signed in to the console (the session cookie).
    const b = browser(t);
    expect((await b.signIn(code, PASSWORD)).status).toBe(200);
    const mine = await b.request('GET', `/api/v1/holders/${code}/licenses`);
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0]).toMatchObject({
      identifier: first.body.identifier,
      status: 'suspended',
      holder: { code },
      issuer: { code: t.issuer.department.code, name: t.issuer.department.name },
      data: { name: first.body.data.name },
    });
    expect(mine.body[0].verificationUrl).toMatch(new RegExp(`/api/v1/verify/${first.body.identifier}\\?code=`));

    // With a holder token too.
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: PASSWORD } });
    expect((await api(t, 'GET', `/api/v1/holders/${code}/licenses`, { token: login.body.access_token })).body).toHaveLength(1);

    // Another holder's: no. Nor a department's system, which has the registry.
    expect((await b.request('GET', `/api/v1/holders/${other.body.holder.code}/licenses`)).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/licenses`, { token: t.issuer.token })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/licenses`)).status).toBe(401);
  });
});
