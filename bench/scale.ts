/**
 * bench:scale — the platform on 20,000,000 business licenses (a large province has ~19 million
 * market entities): the load time, the database's and indexes' sizes, and on that data the exchange
 * lookup ratio (bench:exchange's, against a bare read), the public verification rate (against a bare
 * read of the version row), registry search latencies and a full quality pass (against streaming
 * the same rows). docs/scaling.md projects a province and a nation from these figures.
 *
 *   npm run bench:scale -- [--count 20000000] [--signed-every 20] [--seconds 10] [--fresh] [--keep] [--skip-quality]
 *
 * How the licenses are written: bench/syntheticLicenses.ts (every --signed-every-th signed and
 * issued as the platform does, the others written by the database; secondary indexes built after).
 * The database is `certbridge_bench_exchange_<count>` (so bench:exchange can reuse it with
 * --signed-every), kept with --keep, otherwise dropped at the end.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { FOLLOWERS, startBackgroundWork } from '../src/app/platform.ts';
import { catchUp } from '../src/platform/followers.ts';
import { buildServer } from '../src/app/server.ts';
import { sequence } from '../src/audit/index.ts';
import { currentVersionsPage, verificationCode } from '../src/licenses/index.ts';
import { listRegistry } from '../src/licenses/registry/registry.ts';
import { fullPass, PASS_BATCH } from '../src/quality/pass.ts';
import type { Platform } from '../src/platform/platform.ts';
import { benchDatabaseUrl, exchangeParties, fmt, keptBenchDatabase, machine, numberArg, openOnDatabase, schemaFingerprint } from './common.ts';
import { loadSyntheticLicenses } from './syntheticLicenses.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const count = numberArg('count', 20_000_000);
const signedEvery = numberArg('signed-every', 20);
const seconds = numberArg('seconds', 10);
const MASTER_KEY = 'be'.repeat(32);
process.env.CERTBRIDGE_MASTER_KEY = MASTER_KEY;
// Every verification comes from 127.0.0.1: the per-address limit is lifted for the run.
process.env.CERTBRIDGE_VERIFY_RATE = '1000000';
const databaseName = `${process.env.BENCH_DB_PREFIX ?? 'certbridge_bench'}_exchange_${count}`;
const databaseUrl = benchDatabaseUrl(databaseName);
const say = (line: string) => process.stdout.write(`${line}\n`);

const open = () => openOnDatabase(databaseUrl);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The server of the verification run (a process of its own, so the load generator does not take its core): the platform, and beside it a bare node:http read of the version row. */
async function serveVerification(): Promise<void> {
  const platform = await open();
  const app = await buildServer(platform);
  startBackgroundWork(platform);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const bare = createServer((req, res) => {
    const identifier = decodeURIComponent((req.url ?? '').split('/').pop()?.split('?')[0] ?? '');
    platform.store.query<{ credential: string }>('select credential from license_versions where identifier = $1', [identifier]).then(
      (r) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ found: r.rows.length > 0, credential: r.rows[0]?.credential })),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const port = (server: { address(): unknown }) => (server.address() as { port: number }).port;
  process.send?.({ app: port(app.server), bare: port(bare) });
  process.on('SIGTERM', () => process.exit(0));
}

function startVerificationServer(): Promise<{ child: ChildProcess; app: number; bare: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ['--role', 'verify-server', '--count', String(count)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m: { app: number; bare: number }) => resolve({ child, ...m }));
    child.on('exit', (code) => reject(new Error(`the verification server exited (${code})`)));
  });
}

async function load(base: string, paths: string[], duration: number) {
  let next = 0;
  return autocannon({ url: base, connections: 32, duration, requests: [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }] });
}

/** bench:exchange on this database, its output passed through; returns its ratio line. */
function exchangeRatio(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./exchange.ts', import.meta.url).pathname, '--count', String(count), '--signed-every', String(signedEvery), '--seconds', String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => (code === 0 ? resolve(out.split('\n').filter((l) => /ratio exchange|cost: exchange|bare node:http server .*req\/s|exchange GET .*req\/s/.test(l)).join('\n')) : reject(new Error(`bench:exchange exited ${code}`))));
  });
}

async function sizes(platform: Platform): Promise<string[]> {
  const rows = await platform.store.query<{ name: string; total: string; indexes: string }>(
    `select c.relname as name, pg_total_relation_size(c.oid)::text as total, pg_indexes_size(c.oid)::text as indexes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc limit 8`,
  );
  const db = (await platform.store.query<{ n: string }>('select pg_database_size(current_database())::text as n')).rows[0].n;
  const mib = (b: string | number) => `${fmt(Number(b) / 1024 ** 2)} MiB`;
  return [
    `  database ${mib(db)} = ${fmt(Number(db) / count)} B per license`,
    ...rows.rows.map((r) => `    ${r.name}: ${mib(r.total)} (indexes ${mib(r.indexes)}) = ${fmt(Number(r.total) / count)} B per license`),
  ];
}

async function main(): Promise<void> {
  const { dropAtEnd } = await keptBenchDatabase(databaseName, { fresh: flag('fresh'), keep: flag('keep') }, say);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void dropAtEnd().finally(() => process.exit(1)));

  say(`bench:scale on PostgreSQL (${machine()}): ${fmt(count)} business licenses, every ${signedEvery}th signed; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const platform = await open();
  const summary: string[] = [];
  try {
    const { issuer } = await exchangeParties(platform);
    const have = Number((await platform.store.query<{ n: number }>('select count(*)::int as n from licenses')).rows[0].n);
    if (have === 0) {
      const report = await loadSyntheticLicenses(platform, issuer, count, signedEvery, say);
      summary.push(
        `  load: ${fmt(count)} licenses (${fmt(report.signed)} signed) written in ${report.rowsSeconds.toFixed(0)} s (${fmt(count / report.rowsSeconds)}/s), indexes built in ${report.indexSeconds.toFixed(0)} s: ${((report.rowsSeconds + report.indexSeconds) / 60).toFixed(1)} min in all`,
      );
      const t0 = performance.now();
      const sequenced = await sequence(platform);
      summary.push(`  audit log: ${fmt(sequenced.sequenced)} entries of the load sequenced in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      await platform.store.query('create table if not exists bench_meta (key text primary key, value text not null)');
      await platform.store.query("insert into bench_meta values ('schema', $1) on conflict (key) do update set value = excluded.value", [schemaFingerprint]);
    } else if (have !== count) {
      throw new Error(`${databaseName} holds ${fmt(have)} licenses, not ${fmt(count)}: run with --fresh`);
    } else summary.push(`  load: reused ${databaseName} (--fresh to load again)`);
    // The followers of the audit log (quality, ledger) caught up with the load before anything is
    // measured: otherwise the server's would spend the measured seconds checking the loaded licenses.
    for (const follower of FOLLOWERS) {
      const t0 = performance.now();
      await catchUp(platform, follower);
      summary.push(`  follower ${follower.name} caught up in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      say(summary[summary.length - 1]);
    }
    summary.push(...(await sizes(platform)));
    for (const line of summary) say(line);

    // The exchange, as bench:exchange measures it, on this data.
    summary.push(await exchangeRatio());

    // Public verification by identifier and code (as the QR code's link), of signed licenses at random.
    const sample = await platform.store.query<{ identifier: string }>(
      `select identifier from license_versions where license_id in (select (1 + floor(random() * ${Math.floor(count / signedEvery)}))::bigint * $1 from generate_series(1, 20000)) and version = 1`,
      [signedEvery],
    );
    const identifiers = sample.rows.map((r) => r.identifier);
    const server = await startVerificationServer();
    const verifyPaths = identifiers.map((id) => `/api/v1/verify/${encodeURIComponent(id)}?code=${verificationCode(platform.keys, id)}`);
    const check = (await (await fetch(`http://127.0.0.1:${server.app}${verifyPaths[0]}`)).json()) as { valid?: boolean; verdict?: string };
    say(`  one verification checked by hand: ${JSON.stringify(check).slice(0, 160)}…`);
    await load(`http://127.0.0.1:${server.app}`, verifyPaths, 3);
    const verified = await load(`http://127.0.0.1:${server.app}`, verifyPaths, seconds);
    const barePaths = identifiers.map((id) => `/bare/${encodeURIComponent(id)}`);
    await load(`http://127.0.0.1:${server.bare}`, barePaths, 2);
    const bare = await load(`http://127.0.0.1:${server.bare}`, barePaths, seconds);
    server.child.kill();
    summary.push(
      `  public verification GET /api/v1/verify/{identifier}?code=… (signature, key, status list, validity, public fields): ${fmt(verified.requests.average)}/s, p99 ${verified.latency.p99} ms, non-2xx ${verified.non2xx}; ` +
        `bare node:http read of the version row ${fmt(bare.requests.average)}/s, p99 ${bare.latency.p99} ms: ratio ${(verified.requests.average / bare.requests.average).toFixed(2)}`,
    );
    say(summary[summary.length - 1]);

    // Registry search: "name contains" (trigrams) and by holder code, as GET /api/v1/licenses runs them.
    const names = await platform.store.query<{ name: string; code: string }>(
      `select holder_name as name, holder_code as code from licenses where id in (select (1 + floor(random() * ${count}))::bigint from generate_series(1, 400))`,
    );
    const timed = async (run: (row: { name: string; code: string }) => Promise<unknown>) => {
      const times: number[] = [];
      for (const row of names.rows) {
        const t = performance.now();
        await run(row);
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b);
    };
    // A clerk types a part of a name: the brand and trade of the synthetic name (its 3rd–6th characters).
    const byName = await timed((row) => listRegistry(platform.store, undefined, { name: row.name.slice(2, 6), limit: 20 }, ['business-license']));
    const byIssuerName = await timed((row) => listRegistry(platform.store, issuer.code, { name: row.name.slice(2, 6), limit: 20 }, ['business-license']));
    const byCode = await timed((row) => listRegistry(platform.store, undefined, { holderCode: row.code, limit: 20 }, ['business-license']));
    const firstPage = await timed(() => listRegistry(platform.store, undefined, { limit: 20 }, ['business-license']));
    const line = (what: string, t: number[]) => `    ${what}: p50 ${ms(percentile(t, 50))}, p99 ${ms(percentile(t, 99))} (${t.length} queries)`;
    summary.push(
      '  registry search (listRegistry in process, 20 a page):',
      line('name contains 4 characters, all issuers', byName),
      line('name contains 4 characters, one issuer', byIssuerName),
      line('by credit code', byCode),
      line('newest first, no filter', firstPage),
    );
    for (const l of summary.slice(-5)) say(l);

    if (!flag('skip-quality')) {
      let t0 = performance.now();
      let after = 0;
      for (;;) {
        const rows = await currentVersionsPage(platform.store, after, PASS_BATCH, ['business-license']);
        if (rows.length < PASS_BATCH) break;
        after = Number(rows[rows.length - 1].id);
      }
      const ceiling = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const pass = await fullPass(platform, 'operator:bench');
      summary.push(
        `  quality: first full pass over ${fmt(pass.licenses)} licenses ${(pass.ms / 1000).toFixed(0)} s (${fmt(pass.licenses / (pass.ms / 1000))}/s), ${fmt(pass.opened)} findings; streaming the same rows ${ceiling.toFixed(0)} s: ${(pass.ms / 1000 / ceiling).toFixed(2)}× the ceiling`,
      );
      say(summary[summary.length - 1]);
    }
    say(`\nbench:scale summary (${fmt(count)} licenses; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}):`);
    for (const l of summary) say(l);
  } finally {
    await platform.store.close();
    await dropAtEnd();
  }
  process.exit(0);
}

if (argv.includes('verify-server')) await serveVerification();
else await main();
