import { createPerson } from '../../src/people/index.ts';
import { OPERATOR, type TestClient, type TestPlatform } from '../support/platform.ts';
import { loggedEntries } from '../support/auditEntries.ts';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
  /** The Set-Cookie lines of the answer. */
  cookies: string[];
}

/**
 * A browser as the console runs in one: it keeps the cookies the server sets (by name; a cookie
 * set with Max-Age=0 is forgotten), sends them back, and repeats the session's CSRF token on
 * changes unless told not to.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  csrfToken?: string;

  constructor(
    private readonly base: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(lines: string[]): void {
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || attributes.some((a) => /^max-age=0$/i.test(a))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; csrf?: boolean | string; headers?: Record<string, string>; redirect?: 'manual' | 'follow' } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...this.extraHeaders, ...options.headers };
    if (this.jar.size > 0) headers.cookie = this.cookieHeader();
    if (typeof options.csrf === 'string') headers['x-csrf-token'] = options.csrf;
    else if (options.csrf !== false && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(new URL(path, this.base), { method, headers, body, redirect: options.redirect ?? 'manual' });
    const cookies = response.headers.getSetCookie();
    this.keep(cookies);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, headers: response.headers, cookies };
  }

  async signIn(username: string, password: string): Promise<Answer> {
    const answer = await this.request('POST', '/api/v1/session', { body: { username, password } });
    if (answer.status === 200) this.csrfToken = answer.body.csrfToken;
    return answer;
  }
}

export const browser = (t: TestPlatform, headers: Record<string, string> = {}) => new Browser(t.url, headers);

let serial = 0;

/** A staff account of a test department, opened by the operator; its username and password. */
export async function person(t: TestPlatform, of: TestClient, role: 'issuer' | 'consumer' | 'coordinator', name = '测试 用户'): Promise<{ username: string; password: string }> {
  serial += 1;
  const created = await createPerson(t.platform, OPERATOR, { departmentCode: of.department.code, role, name, username: `${role}.t${serial}.${Date.now() % 100000}` });
  return { username: created.username, password: created.password };
}

/** The audit log's entries of a type, parsed (read through the log's facade, not an API). */
export async function auditEntries(t: TestPlatform, type: string): Promise<any[]> {
  return (await loggedEntries(t.platform.store, [type])).map((e) => e.entry);
}
