/**
 * The console served by the platform on the API's port: its page for `/` and for browser
 * navigations to its own paths, its hashed files cached for good, the security headers, and the
 * QR code's verification link answering the page to a browser and the same JSON as before to
 * every program.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../src/platform/http/webConsole.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';

let t: TestPlatform;
beforeAll(async () => {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`the web console is not built (${WEB_ROOT}): run npm run build`);
  t = await startTestPlatform();
});
afterAll(() => t?.close());

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${t.url}${path}`, { method, headers });

describe('the console page', () => {
  it('answers / with the app: never cached stale, no inline script, the platform CSP', async () => {
    const r = await get('/', { accept: BROWSER });
    const html = await r.text();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(html).toContain('<div id="root"></div>');
    // Every script has a src: the CSP allows scripts from 'self' only.
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => /\bsrc="\/assets\//.test(tag))).toBe(true);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    const again = await get('/', { accept: BROWSER, 'if-none-match': r.headers.get('etag')! });
    expect(again.status).toBe(304);
    await again.arrayBuffer();
  });

  it('serves the hashed files for a year, compressed for clients that accept it', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)![1];
    const plain = await get(script);
    const body = await plain.text();
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const compressed = await fetch(`${t.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(compressed.headers.get('content-encoding')).toBe('br');
    expect(compressed.headers.get('vary')).toMatch(/accept-encoding/i);
    // fetch decodes it: the same file
    expect(await compressed.text()).toBe(body);
    const missing = await get('/assets/index-nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    await missing.text();
  });

  it("answers a browser's navigation to the app's own paths with the app (the app routes itself)", async () => {
    for (const path of ['/verify', '/sign-in', '/issuer/requests', '/enterprise', '/no/such/page?x=1']) {
      const r = await get(path, { accept: BROWSER });
      expect(r.status, path).toBe(200);
      expect(await r.text(), path).toContain('<div id="root"></div>');
      expect(r.headers.get('vary'), path).toMatch(/accept/i);
    }
  });

  it('leaves the API, docs, health, well-known and OAuth paths, programs and other methods to the problems', async () => {
    const cases: [string, Record<string, string>, string?][] = [
      ['/api/v1/no-such-thing', { accept: BROWSER }],
      ['/api', { accept: BROWSER }],
      ['/docs/no-such-page', { accept: BROWSER }],
      ['/health/nope', { accept: BROWSER }],
      ['/.well-known/nope', { accept: BROWSER }],
      ['/oauth/nope', { accept: BROWSER }],
      ['/verify', {}],
      ['/verify', { accept: 'application/json' }],
      ['/verify', { accept: BROWSER }, 'POST'],
    ];
    for (const [path, headers, method] of cases) {
      const r = await get(path, headers, method);
      expect(r.status, `${method ?? 'GET'} ${path}`).toBe(404);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      await r.text();
    }
  });
});

describe('the verification link of a QR code', () => {
  it('answers the page to a browser and, to everyone else, the same JSON as ever', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(issued.status).toBe(201);
    const link = new URL(issued.body.verificationUrl);
    const path = `${link.pathname}${link.search}`;
    expect(path).toMatch(/^\/api\/v1\/verify\/[^?]+\?code=/);

    const page = await get(path, { accept: BROWSER });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('vary')).toMatch(/accept/i);
    expect(await page.text()).toContain('<div id="root"></div>');
    const head = await get(path, { accept: BROWSER }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');

    // No Accept at all (inject sends none), */*, JSON, or a tie: the verification, as before.
    const bare = await t.app.inject({ method: 'GET', url: path });
    expect(bare.statusCode).toBe(200);
    expect(bare.headers['content-type']).toBe('application/json; charset=utf-8');
    const expected = bare.json();
    expect(expected).toMatchObject({ valid: true, status: 'valid', disclosure: 'public', license: { identifier: issued.body.identifier } });
    for (const accept of ['*/*', 'application/json', 'application/json, text/plain, */*', 'text/html, application/json', 'text/html;q=0.5, application/json']) {
      const r = await get(path, { accept });
      expect(r.status, accept).toBe(200);
      expect(r.headers.get('content-type'), accept).toBe('application/json; charset=utf-8');
      expect(r.headers.get('vary'), accept).toMatch(/accept/i);
      expect(await r.json(), accept).toEqual(expected);
    }

    // A wrong code is still the problem it was to a program; a browser gets the page, which says so.
    const wrong = await get(`${link.pathname}?code=wrong`, { accept: 'application/json' });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).code).toBe('invalid-verification-code');
    const wrongInBrowser = await get(`${link.pathname}?code=wrong`, { accept: BROWSER });
    expect(wrongInBrowser.status).toBe(200);
    await wrongInBrowser.text();
  });
});
