import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform, startBackgroundWork } from '../../src/app/platform.ts';
import { createClient } from '../../src/departments/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { api, startTestPlatform, type TestPlatform, OPERATOR } from '../support/platform.ts';
import { testStoreKind } from '../support/store.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const tokenOf = (id: string, secret: string) => api(t, 'POST', '/oauth/token', { headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' }, rawBody: 'grant_type=client_credentials' });

async function newConsumerSystem() {
  const client = await createClient(t.platform, OPERATOR, { departmentCode: t.consumer.department.code, roles: ['consumer'] });
  const token = (await tokenOf(client.clientId, client.clientSecret)).body.access_token as string;
  return { ...client, token };
}

const path = (clientId: string, action: string) => `/api/v1/departments/${t.consumer.department.code}/clients/${clientId}/${action}`;

describe("a department's systems", () => {
  it('disabled: its token is refused at once and it gets no new one; enabled again: it works', async () => {
    const s = await newConsumerSystem();
    expect((await api(t, 'GET', '/api/v1/inbox', { token: s.token })).status).toBe(200);
    const disabled = await api(t, 'POST', path(s.clientId, 'disable'), { token: t.consumer.token, body: { reason: '系统下线' } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ clientId: s.clientId, enabled: false, disabledReason: '系统下线' });
    const refused = await api(t, 'GET', '/api/v1/inbox', { token: s.token });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('client-disabled');
    expect((await tokenOf(s.clientId, s.clientSecret)).status).toBe(401);
    expect((await api(t, 'POST', path(s.clientId, 'enable'), { token: t.coordinator.token })).body.enabled).toBe(true);
    expect((await api(t, 'GET', '/api/v1/inbox', { token: s.token })).status).toBe(200);
  });

  it('rotating the secret stops the old secret and every token issued with it', async () => {
    const s = await newConsumerSystem();
    const rotated = await api(t, 'POST', path(s.clientId, 'rotate-secret'), { token: t.consumer.token });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.clientSecret).not.toBe(s.clientSecret);
    expect((await tokenOf(s.clientId, s.clientSecret)).status).toBe(401);
    // A token issued before the rotation (its iat, in whole seconds, is older).
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await tokenOf(s.clientId, rotated.body.clientSecret);
    expect(fresh.status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/inbox', { token: fresh.body.access_token })).status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/inbox', { token: s.token })).status).toBe(401);
  });

  it('another department may not touch them; the coordination office may; unknown ones are 404', async () => {
    const s = await newConsumerSystem();
    expect((await api(t, 'POST', path(s.clientId, 'disable'), { token: t.issuer.token })).status).toBe(403);
    expect((await api(t, 'POST', path('cb-nobody', 'disable'), { token: t.coordinator.token })).status).toBe(404);
    expect((await api(t, 'POST', path(s.clientId, 'disable'), { token: t.coordinator.token })).status).toBe(200);
    const types = (await loggedEntries(t.platform.store)).filter((e) => e.entry.type.startsWith('client.') && JSON.stringify(e.entry).includes(s.clientId)).map((e) => e.entry.type);
    expect(types).toEqual(['client.disabled']);
  });

  it('a change made directly in the database is honoured within seconds', async () => {
    const s = await newConsumerSystem();
    expect((await api(t, 'GET', '/api/v1/inbox', { token: s.token })).status).toBe(200);
    await t.platform.store.query('update clients set disabled_at = now() where client_id = $1', [s.clientId]);
    await new Promise((r) => setTimeout(r, 5_200));
    expect((await api(t, 'GET', '/api/v1/inbox', { token: s.token })).status).toBe(401);
  });

  // Several server processes on one PostgreSQL: the disabling is heard through NOTIFY.
  it.runIf(testStoreKind() === 'postgres')('disabled in one process, refused at once in another', async () => {
    const s = await newConsumerSystem();
    const other = await openPlatform(loadConfig({}, { CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: t.databaseUrl! }));
    const stop = startBackgroundWork(other);
    try {
      expect(await other.tokens.verify(s.token)).toMatchObject({ kind: 'client', clientId: s.clientId });
      await new Promise((r) => setTimeout(r, 300));
      await api(t, 'POST', path(s.clientId, 'disable'), { token: t.consumer.token });
      const until = Date.now() + 1_000;
      let refused = false;
      while (!refused && Date.now() < until) {
        refused = (await other.tokens.verify(s.token)) === undefined;
        if (!refused) await new Promise((r) => setTimeout(r, 20));
      }
      expect(refused).toBe(true);
    } finally {
      await stop();
      await other.store.close();
    }
  });
});
