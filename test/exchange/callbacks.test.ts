import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  // No CERTBRIDGE_CALLBACK_ALLOW: public addresses only.
  t = await startTestPlatform();
});
afterAll(() => t.close());

describe('callback URLs a department gives', () => {
  it('are refused when they point at the platform, its database or any internal address', async () => {
    const own = new URL(t.url);
    for (const url of ['http://127.0.0.1:5432/', `http://127.0.0.1:${own.port}/health/live`, 'http://[::1]/', 'http://0.0.0.0/', 'http://localhost:22/', 'http://169.254.169.254/latest/meta-data/']) {
      const r = await api(t, 'PUT', `/api/v1/departments/${t.consumer.department.code}/webhook`, { token: t.consumer.token, body: { url } });
      expect(r.status, url).toBe(400);
      expect(r.body).toMatchObject({ code: 'invalid-callback-url', field: '/url' });
    }
    expect((await api(t, 'GET', `/api/v1/departments/${t.consumer.department.code}/webhook`, { token: t.consumer.token })).status).toBe(404);
  });
});
