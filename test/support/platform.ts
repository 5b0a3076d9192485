import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { OperatorPrincipal } from '../../src/platform/auth/principal.ts';
import { createClient, registerDepartment, type Department } from '../../src/departments/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { addDays, chinaDate } from '../../src/platform/chinaTime.ts';
import { type Platform } from '../../src/platform/platform.ts';
import type { Logger } from '../../src/platform/log.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { authoriseIssuer, generateCreditCode } from '../../src/standards/index.ts';
import { seededRandom, syntheticEnterprise } from '../../src/demo/synthetic.ts';
import { createTestStore } from './store.ts';
import { TEST_SEED } from './seed.ts';

/** Tests set up departments and systems as the operator of the installation would. */
export const OPERATOR: OperatorPrincipal = { kind: 'operator', name: 'test' };

export interface TestClient {
  clientId: string;
  clientSecret: string;
  department: Department;
  token: string;
}

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  /** The base URL of the real HTTP server the app listens on (127.0.0.1, random port). */
  url: string;
  /** The PostgreSQL database of this platform (postgres project only), for a second process on it. */
  databaseUrl?: string;
  issuer: TestClient;
  otherIssuer: TestClient;
  consumer: TestClient;
  coordinator: TestClient;
  close: () => Promise<void>;
}

const random = seededRandom(TEST_SEED);

/**
 * A valid business license request for a fresh synthetic enterprise, open-ended (长期) unless
 * overridden, so it never starts out expired. Its date of issue is more than a year back, so the
 * timeliness rule (published within 15 days of issue, for licenses issued in the last year) never
 * finds a fault the test did not make, whatever the run's seed.
 */
export function licenseRequest(overrides: Record<string, unknown> = {}) {
  const lastYear = addDays(chinaDate(), -400);
  let enterprise = syntheticEnterprise(random, Math.floor(random() * 1e6));
  while (enterprise.data.issuedOn > lastYear) enterprise = syntheticEnterprise(random, Math.floor(random() * 1e6));
  return { type: 'business-license', holder: { code: enterprise.creditCode }, data: { ...enterprise.data, businessTermTo: null, ...overrides } };
}

async function department(p: Platform, name: string, nameEn: string, roles: string[], authority = '1'): Promise<TestClient> {
  const dept: Department = {
    code: generateCreditCode({ registrationAuthority: authority, category: '1', divisionCode: '370000', random }),
    name,
    nameEn,
    level: 'province',
    region: '370000',
  };
  await registerDepartment(p, OPERATOR, dept);
  const client = await createClient(p, OPERATOR, { departmentCode: dept.code, roles });
  const { accessToken } = await p.tokens.issue(client);
  return { clientId: client.clientId, clientSecret: client.clientSecret, department: dept, token: accessToken };
}

/**
 * The whole platform on a fresh store (a copy of the run's migrated template), served over real HTTP on a random loopback port,
 * with an issuer, a second issuer, a consumer and a coordinator ready to call it.
 * `env` adds settings read by loadConfig, e.g. `{ CERTBRIDGE_SIGNING_ALG: 'SM2' }`.
 */
export async function startTestPlatform(env: Record<string, string> = {}, options: { authoriseIssuers?: boolean; log?: Logger } = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-test-'));
  const { store, url: databaseUrl, drop } = await createTestStore({ migrated: true });
  const server = { port: 0 };
  const config = loadConfig({ dataDir, port: 0 }, { ...process.env, ...env, CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: '' });
  const platform = await openPlatform(config, options.log ? { store, log: options.log } : store);
  const app = await buildServer(platform);
  const address = await app.listen({ host: '127.0.0.1', port: server.port });
  // Credentials and QR codes must point at where this server really listens.
  platform.config.publicUrl = address;
  const issuer = await department(platform, '山东省市场监督管理局', 'Shandong AMR', ['issuer']);
  const otherIssuer = await department(platform, '青岛市市场监督管理局', 'Qingdao AMR', ['issuer']);
  for (const authority of options.authoriseIssuers === false ? [] : [issuer, otherIssuer]) {
    await authoriseIssuer(platform, OPERATOR, 'business-license', { department: authority.department.code, legalBasis: '《中华人民共和国市场主体登记管理条例》第五条', validFrom: '2000-01-01' });
  }
  const consumer = await department(platform, '国家税务总局山东省税务局', 'Shandong Tax', ['consumer']);
  const coordinator = await department(platform, '山东省大数据局', 'Shandong Big Data Bureau', ['coordinator']);
  return {
    platform,
    app,
    url: address,
    databaseUrl,
    issuer,
    otherIssuer,
    consumer,
    coordinator,
    close: async () => {
      await app.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch against the test server with a bearer token and JSON body. */
export async function api(
  t: TestPlatform,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
