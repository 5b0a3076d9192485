/**
 * What the fault tests share: stores prepared for a server child process (an embedded data dir,
 * or a database on a private PostgreSQL cluster), departments and clients made the way an
 * operator makes them (registry in-process, `certbridge clients create` on the command line),
 * an issuance load generator that records every answer, the check that every acknowledged
 * license survived, and the block of figures each test prints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, registerDepartment, type Department } from '../../src/departments/index.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { TEST_SEED } from '../support/seed.ts';
import { authoriseIssuer, generateCreditCode } from '../../src/standards/index.ts';
import { canRunPrivateCluster, startCluster, type PgCluster } from '../support/pgCluster.ts';
import { licenseRequest, OPERATOR } from '../support/platform.ts';
import { REPO_ROOT } from '../support/serverProcess.ts';
import { testStoreKind } from '../support/store.ts';

export const MASTER_KEY = 'fa'.repeat(32);

/**
 * The short forms run inside `npm test`, which runs every file once per store project. Tests on the
 * embedded store run in the pglite project; tests that start their own PostgreSQL cluster run once:
 * in the postgres project when there is one (TEST_DATABASE_URL set), else in the pglite project.
 */
export const embeddedHere = () => testStoreKind() === 'pglite';
export const privateClusterHere = () => (testStoreKind() === 'postgres' || !process.env.TEST_DATABASE_URL) && canRunPrivateCluster();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// Stores for a server child process

export type StoreKind = 'embedded' | 'postgres';

export interface FaultStore {
  kind: StoreKind;
  /** Environment for the server and every CLI command (store selection, master key, fast settings). */
  env: Record<string, string>;
  /** The private cluster (postgres only). */
  cluster?: PgCluster;
  /** Database URL (postgres only). */
  databaseUrl?: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh store: an empty data dir, or a fresh database on a new private PostgreSQL cluster. */
export async function prepareStore(kind: StoreKind, extraEnv: Record<string, string> = {}, clusterSettings: Record<string, string | number> = {}): Promise<FaultStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `certbridge-fault-${kind}-`));
  const common = {
    CERTBRIDGE_MASTER_KEY: MASTER_KEY,
    CERTBRIDGE_DATA_DIR: dataDir,
    // Verification of hundreds of licenses from one address must not be rate-limited in these tests.
    CERTBRIDGE_VERIFY_RATE: '1000000',
    CERTBRIDGE_AUDIT_INTERVAL_MS: '100',
    ...extraEnv,
  };
  if (kind === 'embedded') {
    return { kind, dataDir, env: { ...common, DATABASE_URL: '' }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const cluster = await startCluster({ settings: clusterSettings });
  try {
    const databaseUrl = await cluster.createDatabase('certbridge');
    return {
      kind,
      dataDir,
      cluster,
      databaseUrl,
      env: { ...common, DATABASE_URL: databaseUrl },
      cleanup: async () => {
        await cluster.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await cluster.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Departments and clients

const random = seededRandom(TEST_SEED + 31);

export function newDepartment(name: string, nameEn: string, authority = '1'): Department {
  return {
    code: generateCreditCode({ registrationAuthority: authority, category: '1', divisionCode: '370000', random }),
    name,
    nameEn,
    level: 'province',
    region: '370000',
  };
}

/**
 * Registers departments in the store with the server NOT running (the embedded store is one
 * process's at a time), makes `issuers` authorised issuers of the business license (issuing is
 * refused otherwise: 403 not-an-authorised-issuer), and creates `clients` in-process (quicker
 * than `certbridge clients create`, which createClientWithCli runs).
 */
export async function registerDepartments(
  store: FaultStore,
  departments: Department[],
  options: { issuers?: Department[]; clients?: { department: Department; roles: string[] }[] } = {},
): Promise<Credentials[]> {
  const config = loadConfig({ dataDir: store.dataDir }, { CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: store.databaseUrl ?? '' });
  const opened = store.databaseUrl ? await openStore({ databaseUrl: store.databaseUrl, poolSize: 2 }) : await openStore({ dataDir: store.dataDir });
  try {
    const platform = await openPlatform(config, opened);
    for (const department of departments) await registerDepartment(platform, OPERATOR, department);
    for (const issuer of options.issuers ?? []) {
      await authoriseIssuer(platform, OPERATOR, 'business-license', { department: issuer.code, legalBasis: '《中华人民共和国市场主体登记管理条例》第五条', validFrom: '2000-01-01' });
    }
    const created: Credentials[] = [];
    for (const { department, roles } of options.clients ?? []) {
      const client = await createClient(platform, OPERATOR, { departmentCode: department.code, roles });
      created.push({ clientId: client.clientId, clientSecret: client.clientSecret, department });
    }
    return created;
  } finally {
    await opened.close();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real CLI (`node bin/certbridge.js …`) with a timeout; never throws on a non-zero exit. */
export function cli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  const started = now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/certbridge.js', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, CERTBRIDGE_LOG_LEVEL: 'warn', ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr, ms: now() - started });
      },
    );
  });
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  department: Department;
}

/** `certbridge clients create --department <code> --roles <roles> --json`. */
export async function createClientWithCli(store: FaultStore, department: Department, roles: string[]): Promise<Credentials> {
  const result = await cli(['clients', 'create', '--department', department.code, '--roles', roles.join(','), '--json'], store.env);
  if (result.code !== 0) throw new Error(`clients create failed (exit ${result.code}): ${result.stderr}${result.stdout}`);
  const { clientId, clientSecret } = JSON.parse(result.stdout) as { clientId: string; clientSecret: string };
  return { clientId, clientSecret, department };
}

/** `certbridge audit verify --json`: exit code and report. */
export async function auditVerify(store: FaultStore): Promise<{ code: number; report: any; raw: CliResult }> {
  const raw = await cli(['audit', 'verify', '--json'], store.env);
  let report: any;
  try {
    report = JSON.parse(raw.stdout);
  } catch {
    report = undefined;
  }
  return { code: raw.code, report, raw };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
  /** 0 with `error` set when no HTTP answer came (connection refused or reset, timeout). */
  error?: string;
  startedAt: number;
  endedAt: number;
}

/** One request; a network failure is an answer with status 0, never a throw. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const startedAt = now();
  try {
    const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, headers: response.headers, startedAt, endedAt: now() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    return { status: 0, body: undefined, headers: new Headers(), error: e.cause?.code ?? e.cause?.message ?? e.name ?? String(error), startedAt, endedAt: now() };
  }
}

/** A bearer token by client credentials (HTTP Basic), retried while the store is unavailable. */
export async function token(base: string, client: Credentials, deadlineMs = 30_000): Promise<string> {
  const deadline = now() + deadlineMs;
  for (;;) {
    const answer = await call(base, 'POST', '/oauth/token', {
      body: 'grant_type=client_credentials',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    if (answer.status === 200) return answer.body.access_token as string;
    if (now() > deadline || (answer.status !== 503 && answer.status !== 0)) throw new Error(`POST /oauth/token answered ${answer.status}: ${JSON.stringify(answer.body) ?? answer.error}`);
    await sleep(100);
  }
}

const NOT_AUTHORISED =
  'the platform refuses to let the test department issue (403 not-an-authorised-issuer): it must be an authorised issuer of business-license (registerDepartments(…, issuers) in test/faults/harness.ts)';

/** Issues one license (fresh holder); throws unless 201. */
export async function issueOnce(base: string, bearer: string, body = licenseRequest()): Promise<{ identifier: string; credential: string; holder: { code: string } }> {
  const answer = await call(base, 'POST', '/api/v1/licenses', { token: bearer, body });
  if (answer.status === 403 && answer.body?.code === 'not-an-authorised-issuer') throw new Error(NOT_AUTHORISED);
  if (answer.status !== 201) throw new Error(`POST /api/v1/licenses answered ${answer.status}: ${JSON.stringify(answer.body) ?? answer.error}`);
  return answer.body;
}

// ---------------------------------------------------------------------------------------------
// Issuance load

export interface Issued {
  holder: string;
  status: number;
  code?: string;
  retryAfter?: string | null;
  identifier?: string;
  credential?: string;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface Load {
  results: Issued[];
  acknowledged(): Issued[];
  /** Stops issuing and waits for the requests in flight. */
  stop(): Promise<void>;
  /** Resolves once `count` licenses were acknowledged (201) since the load started. */
  untilAcknowledged(count: number, timeoutMs?: number): Promise<void>;
}

/**
 * `concurrency` loops, each issuing licenses for fresh holders one after another, until stopped.
 * Every answer is recorded, network failures included (status 0). `pauseOnFailureMs` keeps a
 * loop from spinning while the server is gone or the database is down.
 */
export function startLoad(target: { url: () => string; token: () => string }, options: { concurrency: number; pauseOnFailureMs?: number }): Load {
  const results: Issued[] = [];
  const holders = new Set<string>();
  let stopped = false;
  const nextRequest = () => {
    for (;;) {
      const body = licenseRequest();
      if (!holders.has(body.holder.code)) {
        holders.add(body.holder.code);
        return body;
      }
    }
  };
  const loop = async () => {
    while (!stopped) {
      const body = nextRequest();
      const answer = await call(target.url(), 'POST', '/api/v1/licenses', { token: target.token(), body, timeoutMs: 20_000 });
      results.push({
        holder: body.holder.code,
        status: answer.status,
        code: answer.body?.code,
        retryAfter: answer.headers.get('retry-after'),
        identifier: answer.status === 201 ? answer.body.identifier : undefined,
        credential: answer.status === 201 ? answer.body.credential : undefined,
        error: answer.error,
        startedAt: answer.startedAt,
        endedAt: answer.endedAt,
      });
      if (answer.status === 403 && answer.body?.code === 'not-an-authorised-issuer') {
        stopped = true;
        throw new Error(NOT_AUTHORISED);
      }
      if (answer.status !== 201) await sleep(options.pauseOnFailureMs ?? 20);
    }
  };
  // A loop's failure is kept (not an unhandled rejection) and thrown by stop() and untilAcknowledged().
  let failure: unknown;
  const loops = Array.from({ length: options.concurrency }, () =>
    loop().catch((error: unknown) => {
      failure ??= error;
      stopped = true;
    }),
  );
  const acknowledged = () => results.filter((r) => r.status === 201);
  return {
    results,
    acknowledged,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      if (failure) throw failure;
    },
    async untilAcknowledged(count, timeoutMs = 60_000) {
      const deadline = now() + timeoutMs;
      while (acknowledged().length < count) {
        if (stopped) {
          await Promise.all(loops);
          throw failure ?? new Error('the load stopped');
        }
        if (now() > deadline) {
          const last = results.filter((r) => r.status !== 201).at(-1);
          throw new Error(`only ${acknowledged().length} of ${count} licenses acknowledged within ${timeoutMs} ms; answers: ${JSON.stringify(tally(results))}; last failure: ${JSON.stringify(last)}`);
        }
        await sleep(10);
      }
    },
  };
}

/** Counts of answers by status (and problem code), e.g. `{ "201": 40, "503 store-unavailable": 3, "0 ECONNREFUSED": 8 }`. */
export function tally(results: { status: number; code?: string; error?: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === 0 ? `0 ${r.error ?? 'network error'}` : r.status >= 400 ? `${r.status} ${r.code ?? ''}`.trim() : String(r.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Survival of acknowledged writes

export interface SurvivalReport {
  checked: number;
  missing: { identifier: string; status: number; body: unknown }[];
  notValid: { identifier: string; status: number; body: unknown }[];
}

/** Every acknowledged license is found by its identifier (the issuer's token) and its credential verifies. */
export async function checkSurvivors(base: string, bearer: string, acknowledged: Issued[], concurrency = 6): Promise<SurvivalReport> {
  const report: SurvivalReport = { checked: 0, missing: [], notValid: [] };
  const queue = [...acknowledged];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const identifier = next.identifier!;
      const found = await call(base, 'GET', `/api/v1/licenses/${identifier}`, { token: bearer });
      if (found.status !== 200 || found.body.holder?.code !== next.holder) report.missing.push({ identifier, status: found.status, body: found.body });
      const verified = await call(base, 'POST', '/api/v1/verify', { body: { credential: next.credential } });
      if (verified.status !== 200 || verified.body.valid !== true) report.notValid.push({ identifier, status: verified.status, body: verified.body });
      report.checked++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return report;
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Prints a block of figures a reader can quote, and returns them. */
export function printFigures(title: string, figures: Record<string, unknown>): Record<string, unknown> {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const lines = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  const rule = '='.repeat(Math.max(title.length + 8, 60));
  process.stdout.write(`\n${rule}\n=== ${title}\n${lines.join('\n')}\n${rule}\n`);
  return figures;
}

export const ms = (value: number) => `${Math.round(value)} ms`;
