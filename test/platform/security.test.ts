import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let withCors: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  withCors = await startTestPlatform({ CERTBRIDGE_CORS_ORIGINS: 'https://portal.example.gov.cn' });
});
afterAll(async () => {
  await t.close();
  await withCors.close();
});

describe('response headers and browsers', () => {
  it('every answer says nosniff, no-referrer and refuses framing; HTML pages carry a Content-Security-Policy', async () => {
    for (const path of ['/api/v1/departments', '/health/live', '/no/such/route']) {
      const r = await fetch(`${t.url}${path}`);
      await r.arrayBuffer();
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(r.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    const docs = await fetch(`${t.url}/docs/static/index.html`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(docs.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    await docs.text();
  });

  it('CORS is off unless origins are configured, and then only for those', async () => {
    const off = await fetch(`${t.url}/api/v1/departments`, { headers: { origin: 'https://evil.example' } });
    await off.text();
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${withCors.url}/api/v1/licenses`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.gov.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    await preflight.text();
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example.gov.cn');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await fetch(`${withCors.url}/api/v1/departments`, { headers: { origin: 'https://evil.example' } });
    await other.text();
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a problem names the request id the server logged it under', async () => {
    const r = await fetch(`${t.url}/api/v1/licenses/x`, { headers: { authorization: 'Bearer nope' } });
    const body = (await r.json()) as { requestId: string };
    expect(body.requestId).toBe(r.headers.get('x-request-id'));
  });
});
