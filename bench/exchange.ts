/**
 * bench:exchange — single lookups of the exchange API over loopback HTTP (autocannon), on
 * PostgreSQL holding --count business licenses (default 1,000,000), with everything on: token
 * check, policy decision (Cedar), agreement check, minimisation (SD-JWT presentation with only
 * the granted disclosures), the daily quota, and an access record committed before each answer
 * (group commit, with the `exchange.accessed` events the audit log appends in the same
 * transaction). Then the same lookups from a bare Fastify route and a bare node:http server that only read the row: the ceiling.
 *
 *   npm run bench:exchange -- [--count 1000000] [--signed-every N] [--seconds 10] [--connections 64] [--workers 1|2] [--pg-socket <dir> | --pg-tcp] [--fresh] [--seed-only] [--profile] [--without-records]
 *
 * The seeded database (`certbridge_bench_exchange_<count>` on the local PostgreSQL) is kept
 * between runs (seeding a million licenses takes minutes); --fresh seeds it again.
 * Target: at least the rate of a bare node:http server doing one indexed read (ratio ≥ 1.0), p99 ≤ 25 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import cluster from 'node:cluster';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { syntheticEnterprises } from '../src/demo/synthetic.ts';
import { currentCheckpoint, sequence } from '../src/audit/index.ts';
import { exchangeRuntime } from '../src/exchange/index.ts';
import { findCurrentLicense } from '../src/licenses/index.ts';
import { issueInBulk, type ValidatedLicense } from '../src/licenses/lifecycle/bulk.ts';
import { prepareLicenseData } from '../src/licenses/lifecycle/licenseData.ts';
import { workerSigner } from '../src/licenses/credentials/signing.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Platform } from '../src/platform/platform.ts';
import { openPlatform, startBackgroundWork } from '../src/app/platform.ts';
import { buildServer } from '../src/app/server.ts';
import type { ClientPrincipal } from '../src/policy/index.ts';
import { shippedLicenseType } from '../src/standards/index.ts';
import { EXCHANGE_PURPOSE, exchangeAgreement, exchangeParties, fmt, machine, numberArg, POSTGRES_ADMIN_URL, schemaFingerprint } from './common.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const stringArg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

const count = numberArg('count', 1_000_000);
const seconds = numberArg('seconds', 10);
const connections = numberArg('connections', 64);
const workers = numberArg('workers', 1);
const MASTER_KEY = 'be'.repeat(32);
// The signing keys in the kept database are sealed with this key: every run (and the server) uses it.
process.env.CERTBRIDGE_MASTER_KEY = MASTER_KEY;
const PURPOSE = EXCHANGE_PURPOSE;
const GRANTED = ['name', 'registeredCapital', 'establishedOn'];

const databaseName = `${process.env.BENCH_DB_PREFIX ?? 'certbridge_bench'}_exchange_${count}`;
// The platform talks to PostgreSQL over its Unix socket when there is one (as a server co-located
// with its database would; --pg-socket <dir> names another folder), or over TCP loopback with
// --pg-tcp or when there is none. The load generator always uses TCP loopback.
const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const pgSocket = flag('pg-tcp') ? undefined : (stringArg('pg-socket') ?? (existsSync(`${DEFAULT_SOCKET_DIR}/.s.PGSQL.5432`) ? DEFAULT_SOCKET_DIR : undefined));
const databaseUrl = (() => {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${databaseName}`;
  if (pgSocket) url.searchParams.set('host', pgSocket);
  return url.toString();
})();

function open(): Promise<Platform> {
  const config = loadConfig(
    { dataDir: mkdtempSync(join(tmpdir(), 'certbridge-bench-')), databaseUrl },
    { ...process.env, CERTBRIDGE_MASTER_KEY: MASTER_KEY, CERTBRIDGE_TOKEN_TTL: '3600', DATABASE_URL: databaseUrl },
  );
  return openPlatform(config);
}

// ---------------------------------------------------------------------------------------------
// Server role: the platform's HTTP server (one process, or a cluster of --workers), plus the
// bare handler that only reads the row.
// ---------------------------------------------------------------------------------------------

async function serve(port: number): Promise<void> {
  const platform = await open();
  let requests = 0;
  if (process.env.BENCH_WITHOUT_RECORDS === '1') {
    // Diagnosis only (--without-records): what the access records and their audit entries cost.
    exchangeRuntime(platform).recorder.record = async () => undefined;
  }
  process.on('exit', () => {
    const s = exchangeRuntime(platform).recorder.stats;
    const cpu = process.cpuUsage();
    process.stderr.write(
      `  [server ${process.pid}] access records: ${fmt(s.records)} in ${fmt(s.flushes)} group commits (${(s.records / Math.max(1, s.flushes)).toFixed(1)} per commit, largest ${s.maxBatch}; ${(s.flushMs / Math.max(1, s.flushes)).toFixed(1)} ms per flush transaction); ` +
        `CPU ${(cpu.user / 1e6).toFixed(1)} s user + ${(cpu.system / 1e6).toFixed(1)} s system for ${fmt(requests)} requests\n`,
    );
  });
  const app = await buildServer(platform);
  // As `certbridge serve` runs: the audit log's sequencer and every other background job on.
  startBackgroundWork(platform);
  app.addHook('onResponse', async () => {
    requests++;
  });
  app.get('/bench/bare/:holderCode', async (request) => {
    const license = await findCurrentLicense(platform.store, 'business-license', (request.params as { holderCode: string }).holderCode);
    return license ? { identifier: license.identifier, version: license.version, status: license.status, credential: license.credential } : { found: false };
  });
  await app.listen({ host: '127.0.0.1', port });
  // The design's ceiling: a bare node:http server doing one indexed read (the same prepared query), nothing else.
  const bare = createServer((req, res) => {
    const holderCode = (req.url ?? '').split('/').pop() ?? '';
    findCurrentLicense(platform.store, 'business-license', holderCode).then(
      (license) => {
        const body = JSON.stringify(license ? { identifier: license.identifier, version: license.version, status: license.status, credential: license.credential } : { found: false });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        requests++;
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => bare.listen(port + 1, '127.0.0.1', resolve));
  process.send?.({ listening: port });
}

// ---------------------------------------------------------------------------------------------
// Driver role: seed (or reuse) the database, start the server, run the load.
// ---------------------------------------------------------------------------------------------

async function keptSchemaIsCurrent(): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const kept = (await client.query<{ value: string }>("select value from bench_meta where key = 'schema'")).rows[0]?.value;
    if (!kept?.startsWith('{')) return false;
    const current = JSON.parse(schemaFingerprint) as Record<string, string>;
    return Object.entries(JSON.parse(kept) as Record<string, string>).every(([id, hash]) => current[id] === hash);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(): Promise<'seed' | 'reuse' | 'schema changed'> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  let exists = (await admin.query('select 1 from pg_database where datname = $1', [databaseName])).rows.length > 0;
  const stale = exists && !flag('fresh') && !(await keptSchemaIsCurrent());
  if (exists && (flag('fresh') || stale)) {
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    exists = false;
  }
  if (!exists) await admin.query(`create database ${databaseName}`);
  await admin.end();
  return exists ? 'reuse' : stale ? 'schema changed' : 'seed';
}

interface Setup {
  consumer: ClientPrincipal;
  agreementId: string;
}

async function seed(platform: Platform): Promise<Setup> {
  const { issuer, owner, consumer } = await exchangeParties(platform);
  const have = Number((await platform.store.query<{ n: number }>('select count(*)::int as n from licenses')).rows[0].n);
  if (have < count) {
    const sealed = await platform.keys.sealedActiveKey('license', platform.config.signingAlgorithm, issuer.code);
    const signer = workerSigner(sealed.stored, sealed.masterKey, platform.config.publicUrl);
    async function* batches(): AsyncGenerator<ValidatedLicense[]> {
      const batch: ValidatedLicense[] = [];
      for (const e of syntheticEnterprises(count, 11)) {
        batch.push({
          holder: { code: e.creditCode, codeType: '001', name: e.data.name },
          data: prepareLicenseData(BUSINESS_LICENSE, { ...e.data, businessTermTo: null }, { issuerName: issuer.name }),
        });
        if (batch.length === 2000) yield batch.splice(0);
      }
      yield batch;
    }
    const started = performance.now();
    let done = 0;
    await issueInBulk(platform, BUSINESS_LICENSE, issuer, batches(), signer, 'bench', (_, batch) => {
      done += batch.length;
      if (done % 50_000 < batch.length) process.stdout.write(`  seeding: ${fmt(done)} / ${fmt(count)} licenses (${fmt(done / ((performance.now() - started) / 1000))}/s)\n`);
    });
    await signer.close();
    await platform.store.query('analyze');
  }
  return { consumer, agreementId: await exchangeAgreement(platform, owner, consumer, GRANTED) };
}

function startServer(port: number, withoutRecords = flag('without-records')): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ['--role', 'server', '--port', String(port), '--count', String(count), '--workers', String(workers), ...(pgSocket ? ['--pg-socket', pgSocket] : ['--pg-tcp'])], {
      // --profile: the server writes a V8 CPU profile (.bench/profiles) when it stops.
      execArgv: ['--import', 'tsx', ...(flag('profile') ? ['--cpu-prof', '--cpu-prof-dir=.bench/profiles'] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...(withoutRecords ? { BENCH_WITHOUT_RECORDS: '1' } : {}) },
    });
    child.on('message', (m: { listening?: number }) => {
      if (m.listening) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

/** A free port whose successor is free too (the bare node:http server listens there). */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  const tryPort = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if ((await tryPort(port)) && (await tryPort(port + 1))) return port;
  }
}

/** CPU seconds (user + system) used so far by the processes that match: this database's PostgreSQL backends, or one pid and its children. */
function cpuTicks(match: (comm: string, pid: number, ppid: number, cmdline: () => string) => boolean): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = () => readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (match(comm, Number(entry), Number(fields[1]), cmdline)) ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** CPU seconds used between two snapshots (a process that ended in between is not counted: at most a short-lived backend). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100;
}

interface Measured {
  result: autocannon.Result;
  cpu: { server: number; postgres: number; loadGenerator: number };
  /** What the database did meanwhile, per table: scans, rows written; and transactions committed. */
  database: string;
}

type TableStats = Map<string, { seq: number; idx: number; ins: number; upd: number; del: number }>;

async function tableStats(db: pg.Client): Promise<{ tables: TableStats; commits: number }> {
  const rows = await db.query<{ relname: string; seq: number; idx: number; ins: number; upd: number; del: number }>(
    'select relname, seq_scan::float8 as seq, coalesce(idx_scan, 0)::float8 as idx, n_tup_ins::float8 as ins, n_tup_upd::float8 as upd, n_tup_del::float8 as del from pg_stat_user_tables',
  );
  const commits = (await db.query<{ n: number }>('select xact_commit::float8 as n from pg_stat_database where datname = current_database()')).rows[0].n;
  return { tables: new Map(rows.rows.map((r) => [r.relname, r])), commits };
}

/** The tables the run touched, with scans and rows written per request, and commits per request. */
function describeStats(before: Awaited<ReturnType<typeof tableStats>>, after: Awaited<ReturnType<typeof tableStats>>, requests: number): string {
  const per = (n: number) => (n / Math.max(1, requests)).toFixed(2);
  const parts: string[] = [];
  for (const [name, a] of after.tables) {
    const b = before.tables.get(name) ?? { seq: 0, idx: 0, ins: 0, upd: 0, del: 0 };
    const d = { seq: a.seq - b.seq, idx: a.idx - b.idx, ins: a.ins - b.ins, upd: a.upd - b.upd, del: a.del - b.del };
    if (d.seq + d.idx + d.ins + d.upd + d.del === 0) continue;
    const what = (['seq', 'idx', 'ins', 'upd', 'del'] as const).filter((k) => d[k] > 0).map((k) => `${k} ${per(d[k])}`);
    parts.push(`${name} (${what.join(', ')})`);
  }
  return `per request: commits ${per(after.commits - before.commits)}; ${parts.join('; ')}`;
}

/** A load run, with the CPU each party used during it. */
async function measured(serverPid: number, run: () => Promise<autocannon.Result>): Promise<Measured> {
  const server = () => cpuTicks((_, pid, ppid) => pid === serverPid || ppid === serverPid);
  // The backends serving this database (other databases on the same server are not ours to count).
  const postgres = () => cpuTicks((comm, _pid, _ppid, cmdline) => comm === 'postgres' && cmdline().includes(` ${databaseName}`));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const stats = await tableStats(db);
  const before = { server: server(), postgres: postgres(), self: process.cpuUsage() };
  const result = await run();
  const self = process.cpuUsage(before.self);
  const cpu = { server: cpuBetween(before.server, server()), postgres: cpuBetween(before.postgres, postgres()), loadGenerator: (self.user + self.system) / 1e6 };
  // Statistics reach the views within half a second (the stats collector's flush).
  await new Promise((r) => setTimeout(r, 1_000));
  const database = describeStats(stats, await tableStats(db), result.requests.total);
  await db.end();
  return { result, cpu, database };
}

async function load(base: string, path: (holder: string) => string, codes: readonly string[], headers: Record<string, string>, duration: number) {
  let next = Math.floor(Math.random() * codes.length);
  return autocannon({
    url: base,
    connections,
    duration,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: path(codes[next++ % codes.length]) }) }],
  });
}

/** Access records are audit entries of type exchange.accessed (one per holder looked up): the log's size, from its checkpoint. */
const accessEntries = async (platform: Platform) => Number((await currentCheckpoint(platform)).split('\n')[1]);

async function main(): Promise<void> {
  const state = await ensureDatabase();
  const why = { seed: 'seeding', reuse: 'reusing; --fresh to seed again', 'schema changed': 'the migrations changed since it was seeded: seeding again' }[state];
  process.stdout.write(`bench:exchange — database ${databaseName} (${why})\n`);
  const platform = await open();
  const setup = await seed(platform);
  await platform.store.query('create table if not exists bench_meta (key text primary key, value text not null)');
  await platform.store.query("insert into bench_meta values ('schema', $1) on conflict (key) do update set value = excluded.value", [schemaFingerprint]);
  // The seeding's audit entries are sequenced now, not by the server during the measured runs.
  const backlog = await sequence(platform);
  if (backlog.sequenced > 0) process.stdout.write(`  audit log: ${fmt(backlog.sequenced)} entries of the seeding sequenced\n`);
  if (flag('seed-only')) {
    process.stdout.write(`seeded: ${databaseName}\n`);
    await platform.store.close();
    process.exit(0);
  }
  const licenses = Number((await platform.store.query<{ n: number }>('select count(*)::int as n from licenses')).rows[0].n);
  // A random tenth of the holders, shuffled: lookups spread over the whole table. On a database
  // loaded by bench:scale only every --signed-every-th license has a credential of its own: those.
  const signedEvery = numberArg('signed-every', 0);
  const codes = (
    await platform.store.query<{ holder_code: string }>(signedEvery > 0 ? 'select holder_code from licenses where id % $1 = 0' : 'select holder_code from licenses where id % 10 = 3', signedEvery > 0 ? [signedEvery] : [])
  ).rows.map((r) => r.holder_code);
  for (let i = codes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [codes[i], codes[j]] = [codes[j], codes[i]];
  }
  const { accessToken } = await platform.tokens.issue(setup.consumer);
  const accessBefore = await accessEntries(platform);

  const port = await freePort();
  const server = await startServer(port);
  process.on('exit', () => server.kill()); // never leave the server behind
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${accessToken}`, 'x-purpose': PURPOSE };

  // One lookup checked by hand: only the granted fields, a real credential.
  const sample = (await (await fetch(`${base}/api/v1/exchange/licenses/${codes[0]}?type=business-license`, { headers })).json()) as { fields: Record<string, unknown>; credential: string };
  if (Object.keys(sample.fields).sort().join() !== [...GRANTED].sort().join()) throw new Error(`unexpected fields ${JSON.stringify(sample.fields)}`);

  const exchangePath = (holder: string) => `/api/v1/exchange/licenses/${holder}?type=business-license`;
  const barePath = (holder: string) => `/bench/bare/${holder}`;
  const load1 = loadavg()[0];
  await load(base, exchangePath, codes, headers, 3); // warm-up: JIT, pools, caches
  const exchange = await measured(server.pid!, () => load(base, exchangePath, codes, headers, seconds));
  await load(base, barePath, codes, headers, 2);
  const bare = await measured(server.pid!, () => load(base, barePath, codes, headers, seconds));
  const nodeBase = `http://127.0.0.1:${port + 1}`;
  await load(nodeBase, barePath, codes, {}, 2);
  const nodeBare = await measured(server.pid!, () => load(nodeBase, barePath, codes, {}, seconds));
  server.kill();
  await new Promise((resolve) => server.once('exit', resolve));
  const accessAfter = await accessEntries(platform);
  // The audit log's cost: the same exchange with no access records (nor their log entries), in this run.
  const offPort = await freePort();
  const off = await startServer(offPort, true);
  process.on('exit', () => off.kill());
  const offBase = `http://127.0.0.1:${offPort}`;
  await load(offBase, exchangePath, codes, headers, 3);
  const withoutRecords = await measured(off.pid!, () => load(offBase, exchangePath, codes, headers, seconds));
  const load2 = loadavg()[0];
  off.kill();
  await new Promise((resolve) => off.once('exit', resolve));
  await platform.store.close();

  const line = (name: string, { result: r, cpu, database }: Measured) => {
    const per = (s: number) => `${Math.round((s * 1e6) / Math.max(1, r.requests.total))} µs`;
    return (
      `  ${name}: ${fmt(r.requests.average)} req/s, latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${fmt(r.requests.total)} requests, non-2xx ${r.non2xx}, errors ${r.errors}\n` +
      `    CPU per request: server ${per(cpu.server)}, PostgreSQL backends ${per(cpu.postgres)}, load generator ${per(cpu.loadGenerator)} (together ${((cpu.server + cpu.postgres + cpu.loadGenerator) / seconds).toFixed(2)} of the 2 cores)\n` +
      `    database ${database}`
    );
  };
  process.stdout.write(
    [
      `bench:exchange on PostgreSQL (${machine()}); load average ${load1.toFixed(1)} → ${load2.toFixed(1)}`,
      `  ${fmt(licenses)} licenses; ${fmt(codes.length)} holders looked up at random; ${connections} connections, ${seconds} s each; server: ${workers} process${workers > 1 ? 'es' : ''}, to PostgreSQL over ${pgSocket ? `its Unix socket (${pgSocket})` : 'TCP loopback'}`,
      line('exchange GET /api/v1/exchange/licenses/{holder} (agreement, policy, minimisation, quota, access record)', exchange),
      line('bare Fastify route (reads the row only)                                                      ', bare),
      line('bare node:http server (reads the row only): the ceiling                                      ', nodeBare),
      line('exchange without access records (diagnosis: no quota, no audit entries)                      ', withoutRecords),
      `  ratio exchange / bare node:http: ${(exchange.result.requests.average / nodeBare.result.requests.average).toFixed(2)} (target ≥ 1.0); exchange / bare Fastify route: ${(exchange.result.requests.average / bare.result.requests.average).toFixed(2)}`,
      `  access records written during the runs: ${fmt(accessAfter - accessBefore)} (the server's group commits: see its line above)`,
      `  the access records' and audit log's cost: exchange with records ${fmt(exchange.result.requests.average)}/s vs without ${fmt(withoutRecords.result.requests.average)}/s: ${((1 - exchange.result.requests.average / withoutRecords.result.requests.average) * 100).toFixed(1)} % (target ≤ 10 %)`,
      `  target: ratio ≥ 1.0 with p99 ≤ max(25 ms, the ceiling's p99 ${nodeBare.result.latency.p99} ms) → ${exchange.result.requests.average >= nodeBare.result.requests.average && exchange.result.latency.p99 <= Math.max(25, nodeBare.result.latency.p99) ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}

// Which role this process plays (last: every declaration above is initialised by now).
if (stringArg('role') === 'server') {
  const port = Number(stringArg('port'));
  if (workers > 1 && cluster.isPrimary) {
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
      process.exit(0);
    });
    let ready = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().on('message', (m: { listening?: number }) => {
        if (m.listening && ++ready === workers) process.send?.({ listening: port });
      });
    }
  } else {
    process.on('SIGTERM', () => process.exit(0)); // exits cleanly (so that --cpu-prof writes its profile)
    await serve(port);
  }
} else {
  await main();
}
