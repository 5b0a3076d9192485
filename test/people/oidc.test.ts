/**
 * Signing in through an OpenID Connect provider, against a real one: oidc-provider on a loopback
 * port, with its development login and consent pages. The test is the browser: it follows every
 * redirect by hand, keeps each site's cookies, and submits the provider's forms. An account the
 * provider vouches for by preferred_username signs in to CertBridge (a session cookie that GET
 * /api/v1/session accepts); an unknown username and a tampered state sign no one in.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { registerDepartment } from '../../src/departments/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { createPerson } from '../../src/people/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { OPERATOR, startTestPlatform } from '../support/platform.ts';
import { createTestStore } from '../support/store.ts';
import { auditEntries } from './support.ts';

const CLIENT_ID = 'certbridge';
const CLIENT_SECRET = 'a-long-client-secret-for-the-test-provider';
const STAFF = 'oidc.clerk';

/** The provider's accounts (its login form takes any password): who each one says it is. */
const ACCOUNTS: Record<string, { preferred_username: string; name: string }> = {
  'wang.fang@sd.gov.cn': { preferred_username: STAFF, name: '王芳' },
  'mallory@sd.gov.cn': { preferred_username: 'nobody.here', name: 'Mallory' },
  // Another end-user of the provider who set the same preferred_username (the standard says it need not be unique).
  'eve@sd.gov.cn': { preferred_username: STAFF, name: 'Eve' },
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

let providerServer: Server;
let providerUrl: string;
let platform: Platform;
let app: FastifyInstance;
let certbridgeUrl: string;
let close: () => Promise<void>;

beforeAll(async () => {
  providerServer = createServer();
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  const port = await freePort();
  certbridgeUrl = `http://127.0.0.1:${port}`;
  const redirectUrl = `${certbridgeUrl}/api/v1/session/oidc/callback`;

  const provider = new Provider(providerUrl, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUrl], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    findAccount: (_ctx, id) => (ACCOUNTS[id] ? { accountId: id, claims: () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined),
    cookies: { keys: ['a-cookie-signing-key-for-the-test-provider'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  });
  providerServer.on('request', provider.callback());

  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-oidc-'));
  const { store, drop } = await createTestStore({ migrated: true });
  const env = {
    ...process.env,
    CERTBRIDGE_MASTER_KEY: 'ef'.repeat(32),
    DATABASE_URL: '',
    CERTBRIDGE_PUBLIC_URL: certbridgeUrl,
    CERTBRIDGE_OIDC_ISSUER: providerUrl,
    CERTBRIDGE_OIDC_CLIENT_ID: CLIENT_ID,
    CERTBRIDGE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    CERTBRIDGE_OIDC_REDIRECT_URL: redirectUrl,
    CERTBRIDGE_OIDC_LABEL: '山东省统一身份认证',
  };
  platform = await openPlatform(loadConfig({ dataDir, port }, env), store);
  app = await buildServer(platform);
  await app.listen({ host: '127.0.0.1', port });
  const random = seededRandom(99);
  const department = { code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random }), name: '山东省市场监督管理局', nameEn: 'Shandong AMR', level: 'province' as const, region: '370000' };
  await registerDepartment(platform, OPERATOR, department);
  await createPerson(platform, OPERATOR, { departmentCode: department.code, role: 'issuer', name: '王芳', username: STAFF });
  close = async () => {
    await app.close();
    await new Promise((resolve) => providerServer.close(resolve));
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}, 120_000);
afterAll(() => close());

/** A browser's cookie jar for one site (by name: each site here has its own jar). */
class Jar {
  readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** The test's browser: one jar per origin, redirects followed by hand, forms submitted as a browser would. */
class TestBrowser {
  readonly jars = new Map<string, Jar>();
  jar(url: string | URL): Jar {
    const origin = new URL(url).origin;
    if (!this.jars.has(origin)) this.jars.set(origin, new Jar());
    return this.jars.get(origin)!;
  }
  async send(url: string | URL, init: { method?: string; form?: Record<string, string>; accept?: string } = {}): Promise<Response> {
    const jar = this.jar(url);
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html' };
    if (jar.cookies.size > 0) headers.cookie = jar.header();
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    jar.keep(response);
    return response;
  }
  /**
   * Follows redirects from `url` until a page answers, or until a redirect reaches `stopAt` (not
   * followed): the visited URLs, and the last answer with its URL.
   */
  async follow(url: string | URL, options: { stopAt?: string; form?: Record<string, string> } = {}): Promise<{ url: URL; response: Response; visited: URL[] }> {
    let current = new URL(url);
    const visited = [current];
    let response = await this.send(current, { form: options.form });
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, current);
      await response.body?.cancel();
      if (options.stopAt && next.href.startsWith(options.stopAt)) return { url: next, response, visited };
      current = next;
      visited.push(current);
      response = await this.send(current);
    }
    return { url: current, response, visited };
  }
}

/** The form of a provider's page: its action and hidden fields. */
function formOf(html: string, base: URL): { action: URL; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in the page: ${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = value ?? '';
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base), fields };
}

/**
 * Starts a sign-in at CertBridge, signs in at the provider as `login`, consents, and stops at the
 * redirect back to CertBridge's callback (not followed): the callback URL the provider sent.
 */
async function signInAtProvider(b: TestBrowser, login: string, returnTo = '/licenses?status=valid'): Promise<URL> {
  const start = await b.send(`${certbridgeUrl}/api/v1/session/oidc?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  expect(start.headers.get('cache-control')).toBe('no-store');
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(providerUrl);
  expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: CLIENT_ID, response_type: 'code', code_challenge_method: 'S256', scope: 'openid profile' });
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  expect(b.jar(certbridgeUrl).cookies.has('certbridge_oidc')).toBe(true);

  const callback = `${certbridgeUrl}/api/v1/session/oidc/callback`;
  // The provider's login page (its development interaction: any password).
  const loginPage = await b.follow(authorize, { stopAt: callback });
  expect(loginPage.response.status).toBe(200);
  const loginForm = formOf(await loginPage.response.text(), loginPage.url);
  expect(loginForm.fields.prompt).toBe('login');
  // Its consent page.
  const consentPage = await b.follow(loginForm.action, { form: { ...loginForm.fields, login, password: 'any password' }, stopAt: callback });
  expect(consentPage.response.status).toBe(200);
  const consentForm = formOf(await consentPage.response.text(), consentPage.url);
  expect(consentForm.fields.prompt).toBe('consent');
  const back = await b.follow(consentForm.action, { form: consentForm.fields, stopAt: callback });
  expect(back.url.href.startsWith(callback)).toBe(true);
  expect(back.url.searchParams.get('code')).toBeTruthy();
  expect(back.url.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
  return back.url;
}

describe('signing in through an OpenID Connect provider (oidc-provider)', () => {
  it('the sign-in page is told the provider is configured, with its label', async () => {
    const answer = await fetch(`${certbridgeUrl}/api/v1/session/options`);
    expect(await answer.json()).toEqual({ local: true, oidc: { enabled: true, label: '山东省统一身份认证' } });
  });

  it('the authorization code flow ends in a CertBridge session cookie that GET /api/v1/session accepts, and goes on to returnTo', async () => {
    const b = new TestBrowser();
    const callback = await signInAtProvider(b, 'wang.fang@sd.gov.cn');
    const answer = await b.send(callback);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/licenses?status=valid');
    const jar = b.jar(certbridgeUrl);
    expect(jar.cookies.get('certbridge_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The flow's cookie is cleared; the session cookie is HttpOnly, SameSite=Lax.
    expect(jar.cookies.has('certbridge_oidc')).toBe(false);
    const sessionLine = answer.headers.getSetCookie().find((l) => l.startsWith('certbridge_session='))!;
    expect(sessionLine).toContain('HttpOnly');
    expect(sessionLine).toContain('SameSite=Lax');

    const session = await b.send(`${certbridgeUrl}/api/v1/session`, { accept: 'application/json' });
    expect(session.status).toBe(200);
    const body = await session.json();
    expect(body.principal).toMatchObject({ kind: 'person', username: STAFF, name: '王芳', roles: ['issuer'] });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Recorded under the person, with the method.
    const signedIn = await auditEntries({ platform } as never, 'session.signed-in');
    expect(signedIn.at(-1)).toMatchObject({ data: { method: 'oidc' } });
    expect(JSON.stringify(signedIn.at(-1))).toContain(STAFF);

    // The code and the flow are used up: the same callback again signs no one in.
    const replay = await new TestBrowser().send(callback, { accept: 'application/json' });
    expect(replay.status).toBe(401);
    expect((await replay.json()).code).toBe('oidc-failed');
  });

  it('an identity the provider vouches for but CertBridge has no account of is refused (403 oidc-unknown-account), no session, nothing created', async () => {
    const b = new TestBrowser();
    const callback = await signInAtProvider(b, 'mallory@sd.gov.cn');
    const answer = await b.send(callback, { accept: 'application/json' });
    expect(answer.status).toBe(403);
    const problem = await answer.json();
    expect(problem.code).toBe('oidc-unknown-account');
    expect(problem.detail).toContain('nobody.here');
    expect(b.jar(certbridgeUrl).cookies.has('certbridge_session')).toBe(false);
    const people = await platform.store.query("select 1 from people where username = 'nobody.here'");
    expect(people.rows).toHaveLength(0);
    const failed = await auditEntries({ platform } as never, 'session.sign-in-failed');
    expect(failed.at(-1)).toMatchObject({ data: { method: 'oidc', reason: 'unknown-account' } });
  });

  it('to a browser, the refusal is a page in both languages leading back to the sign-in', async () => {
    const b = new TestBrowser();
    const callback = await signInAtProvider(b, 'mallory@sd.gov.cn');
    const answer = await b.send(callback, { accept: 'text/html,application/xhtml+xml' });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('text/html');
    const page = await answer.text();
    expect(page).toContain('登录失败 · Sign-in failed');
    expect(page).toContain('oidc-unknown-account');
    expect(page).toContain('href="/"');
  });

  it('an account is matched by issuer + sub: another subject with the same preferred_username is refused, the bound one signs in after its username claim changed', async () => {
    // wang.fang's first sign-in (the test above) bound her issuer and sub to the account.
    const bound = await platform.store.query<{ oidc_issuer: string; oidc_subject: string }>('select oidc_issuer, oidc_subject from people where username = $1', [STAFF]);
    expect(bound.rows[0]).toEqual({ oidc_issuer: providerUrl, oidc_subject: 'wang.fang@sd.gov.cn' });
    expect((await auditEntries({ platform } as never, 'person.oidc-linked')).at(-1)).toMatchObject({ data: { username: STAFF, subject: 'wang.fang@sd.gov.cn' } });

    const eve = new TestBrowser();
    const refused = await eve.send(await signInAtProvider(eve, 'eve@sd.gov.cn'), { accept: 'application/json' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('oidc-unknown-account');
    expect(eve.jar(certbridgeUrl).cookies.has('certbridge_session')).toBe(false);

    ACCOUNTS['wang.fang@sd.gov.cn'].preferred_username = 'wang.fang.renamed';
    try {
      const b = new TestBrowser();
      expect((await b.send(await signInAtProvider(b, 'wang.fang@sd.gov.cn'))).status).toBe(302);
      const session = await (await b.send(`${certbridgeUrl}/api/v1/session`, { accept: 'application/json' })).json();
      expect(session.principal).toMatchObject({ kind: 'person', username: STAFF });
    } finally {
      ACCOUNTS['wang.fang@sd.gov.cn'].preferred_username = STAFF;
    }
  });

  it('a tampered state is refused (401 oidc-failed) and signs no one in', async () => {
    const b = new TestBrowser();
    const callback = await signInAtProvider(b, 'wang.fang@sd.gov.cn');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const answer = await b.send(tampered, { accept: 'application/json' });
    expect(answer.status).toBe(401);
    const problem = await answer.json();
    expect(problem.code).toBe('oidc-failed');
    expect(b.jar(certbridgeUrl).cookies.has('certbridge_session')).toBe(false);
    // The flow was taken by the attempt: the genuine answer cannot be replayed after it either.
    const genuine = await b.send(callback, { accept: 'application/json' });
    expect(genuine.status).toBe(401);
  });

  it('a callback without the flow cookie of the browser that started it is refused', async () => {
    const b = new TestBrowser();
    const callback = await signInAtProvider(b, 'wang.fang@sd.gov.cn');
    const other = new TestBrowser();
    const answer = await other.send(callback, { accept: 'application/json' });
    expect(answer.status).toBe(401);
    expect((await answer.json()).detail).toContain('not started in this browser');
  });
});

describe('a provider that cannot be reached', () => {
  it('the browser that clicked the button gets a page saying so (503), a client the problem', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const other = await startTestPlatform({ CERTBRIDGE_OIDC_ISSUER: closed, CERTBRIDGE_OIDC_CLIENT_ID: CLIENT_ID });
    try {
      const page = await fetch(`${other.url}/api/v1/session/oidc`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toContain('text/html');
      const text = await page.text();
      expect(text).toContain('登录失败 · Sign-in failed');
      expect(text).toContain('sign in with a password');
      const problem = await fetch(`${other.url}/api/v1/session/oidc`, { headers: { accept: 'application/json' }, redirect: 'manual' });
      expect(problem.status).toBe(503);
      expect((await problem.json()).code).toBe('oidc-failed');
    } finally {
      await other.close();
    }
  });
});
