/**
 * bench:soak — ten minutes of a province's mixed work on PostgreSQL holding 1,000,000 business
 * licenses, against one server process as `certbridge serve` runs it (every background job on):
 * single lookups 80 %, batch lookups of 20 holders 5 %, public verifications 9 %, issuance 3 %,
 * amendments 3 %, and the events of every issuance and amendment delivered to a subscriber's
 * webhook on 127.0.0.1. Reported: errors (any answer but the expected one), p50/p99 per operation,
 * deliveries received against events made and their lag, and the server's memory: RSS sampled
 * every 5 s and its slope (least squares after the first minute) — flat is what a leak is not.
 *
 *   npm run bench:soak -- [--licenses 1000000] [--minutes 10] [--connections 16] [--signed-every 20] [--fresh] [--keep]
 *
 * The database (`certbridge_bench_soak_<licenses>`) is loaded as bench:scale loads it
 * (bench/syntheticLicenses.ts) and dropped at the end unless --keep.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startBackgroundWork } from '../src/app/platform.ts';
import { buildServer } from '../src/app/server.ts';
import { sequence } from '../src/audit/index.ts';
import { verificationCode } from '../src/licenses/index.ts';
import { seededRandom, syntheticEnterprise } from '../src/demo/synthetic.ts';
import { benchDatabaseUrl, EXCHANGE_PURPOSE, exchangeAgreement, exchangeParties, fmt, keptBenchDatabase, machine, numberArg, openOnDatabase } from './common.ts';
import { creditCodeOf, loadSyntheticLicenses } from './syntheticLicenses.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const licenses = numberArg('licenses', 1_000_000);
const minutes = numberArg('minutes', 10);
const connections = numberArg('connections', 16);
const signedEvery = numberArg('signed-every', 20);
const GRANTED = ['name', 'registeredCapital', 'establishedOn'];
process.env.CERTBRIDGE_MASTER_KEY = 'be'.repeat(32);
process.env.CERTBRIDGE_VERIFY_RATE = '1000000';
process.env.CERTBRIDGE_TOKEN_TTL = '3600';
// The subscriber's webhook listens on 127.0.0.1, which subscriptions may not call unless allowed.
process.env.CERTBRIDGE_CALLBACK_ALLOW = '127.0.0.1/32';
const databaseName = `${process.env.BENCH_DB_PREFIX ?? 'certbridge_bench'}_soak_${licenses}`;
const databaseUrl = benchDatabaseUrl(databaseName);
const say = (line: string) => process.stdout.write(`${line}\n`);

const open = () => openOnDatabase(databaseUrl);

async function serve(): Promise<void> {
  const platform = await open();
  const app = await buildServer(platform);
  startBackgroundWork(platform);
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ port: (app.server.address() as { port: number }).port });
  process.on('SIGTERM', () => process.exit(0));
}

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ['--role', 'server', '--licenses', String(licenses)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, CERTBRIDGE_LOG_LEVEL: 'warn' },
    });
    // The server's errors (log level 50 and above) are shown: an error answered is one to explain.
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/"level":(5|6)0/.test(line)) process.stderr.write(`  [server] ${line.slice(0, 2000)}\n`);
    });
    child.on('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

type Operation = 'lookup' | 'batch' | 'verify' | 'issue' | 'amend';
const MIX: [Operation, number][] = [
  ['lookup', 80],
  ['batch', 5],
  ['verify', 9],
  ['issue', 3],
  ['amend', 3],
];

async function main(): Promise<void> {
  const { dropAtEnd } = await keptBenchDatabase(databaseName, { fresh: flag('fresh'), keep: flag('keep') }, say);


  say(`bench:soak on PostgreSQL (${machine()}): ${fmt(licenses)} licenses, ${minutes} min, ${connections} connections; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const platform = await open();
  let server: { child: ChildProcess; port: number } | undefined;
  try {
    const { issuer, owner, consumer } = await exchangeParties(platform);
    const have = Number((await platform.store.query<{ n: number }>('select count(*)::int as n from licenses')).rows[0].n);
    if (have === 0) {
      const report = await loadSyntheticLicenses(platform, issuer, licenses, signedEvery, say);
      say(`  loaded in ${(report.rowsSeconds + report.indexSeconds).toFixed(0)} s`);
      await sequence(platform);
    } else say(`  reusing ${databaseName} (${fmt(have)} licenses; --fresh to load again)`);
    const agreementId = await exchangeAgreement(platform, owner, consumer, GRANTED);
    const signed = await platform.store.query<{ holder_code: string; identifier: string }>(
      `select l.holder_code, v.identifier from licenses l join license_versions v on v.license_id = l.id and v.version = l.current_version where l.id % $1 = 0`,
      [signedEvery],
    );
    const holders = signed.rows.map((r) => r.holder_code);
    const identifiers = signed.rows.map((r) => r.identifier);
    const codes = new Map(identifiers.slice(0, 50_000).map((id) => [id, verificationCode(platform.keys, id)]));
    const verifiable = [...codes.keys()];

    // The subscriber: counts the events delivered and how late they came.
    const delivered = { count: 0, lags: [] as number[] };
    const webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          const event = JSON.parse(body) as { time?: string };
          delivered.count++;
          if (event.time) delivered.lags.push(Date.now() - Date.parse(event.time));
        } catch {
          // counted as not delivered
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));

    server = await startServer();
    const base = `http://127.0.0.1:${server.port}`;
    const token = async (id: string, secret: string) => {
      const answer = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      return ((await answer.json()) as { access_token: string }).access_token;
    };
    const consumerAuth = { authorization: `Bearer ${await token('bench-tax', 'bench-tax-secret')}`, 'x-purpose': EXCHANGE_PURPOSE };
    const issuerAuth = { authorization: `Bearer ${await token('bench-samr', 'bench-samr-secret')}` };
    const subscribed = await fetch(`${base}/api/v1/subscriptions`, {
      method: 'POST',
      headers: { ...consumerAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceId: 'business-license', callbackUrl: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/events`, agreementId }),
    });
    if (subscribed.status !== 201) throw new Error(`subscribing failed: ${subscribed.status} ${await subscribed.text()}`);

    const random = seededRandom(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const amendable = [...identifiers];
    let nextSerial = licenses + 1;
    let events = 0;
    const times = new Map<Operation, number[]>(MIX.map(([op]) => [op, []]));
    const errors = new Map<Operation, number>(MIX.map(([op]) => [op, 0]));
    const errorSamples: string[] = [];
    const totalWeight = MIX.reduce((s, [, w]) => s + w, 0);
    const choose = (): Operation => {
      let r = random() * totalWeight;
      for (const [op, w] of MIX) if ((r -= w) < 0) return op;
      return 'lookup';
    };

    const run = async (op: Operation): Promise<void> => {
      let response: Response;
      switch (op) {
        case 'lookup':
          response = await fetch(`${base}/api/v1/exchange/licenses/${pick(holders)}?type=business-license`, { headers: consumerAuth });
          break;
        case 'batch':
          response = await fetch(`${base}/api/v1/exchange/licenses:batch`, {
            method: 'POST',
            headers: { ...consumerAuth, 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'business-license', holders: Array.from({ length: 20 }, () => pick(holders)) }),
          });
          break;
        case 'verify': {
          const id = pick(verifiable);
          response = await fetch(`${base}/api/v1/verify/${encodeURIComponent(id)}?code=${codes.get(id)}`, { headers: { accept: 'application/json' } });
          break;
        }
        case 'issue': {
          const serial = nextSerial++;
          const e = syntheticEnterprise(random, serial);
          response = await fetch(`${base}/api/v1/licenses`, {
            method: 'POST',
            headers: { ...issuerAuth, 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'business-license', holder: { code: creditCodeOf(serial), name: e.data.name }, data: { ...e.data, businessTermTo: null, registrationAuthority: e.data.registrationAuthority } }),
          });
          if (response.status === 201) {
            amendable.push(((await response.clone().json()) as { identifier: string }).identifier);
            events++;
          }
          break;
        }
        case 'amend': {
          const i = Math.floor(random() * amendable.length);
          response = await fetch(`${base}/api/v1/licenses/${encodeURIComponent(amendable[i])}/amend`, {
            method: 'POST',
            headers: { ...issuerAuth, 'content-type': 'application/json' },
            body: JSON.stringify({ data: { registeredCapital: `${100 + Math.floor(random() * 9000)}万元人民币` }, reason: '增加注册资本' }),
          });
          // The next amendment of this license names its new version.
          if (response.status === 200) {
            amendable[i] = ((await response.clone().json()) as { identifier: string }).identifier;
            events++;
          }
          break;
        }
      }
      const expected = op === 'issue' ? 201 : 200;
      await response.arrayBuffer();
      if (response.status !== expected) {
        errors.set(op, (errors.get(op) ?? 0) + 1);
        if (errorSamples.length < 10) errorSamples.push(`${op}: ${response.status}`);
      }
    };

    const rss: { x: number; y: number }[] = [];
    const started = performance.now();
    const endAt = started + minutes * 60_000;
    const sampler = setInterval(() => {
      const at = (performance.now() - started) / 60_000;
      rss.push({ x: at, y: rssOf(server!.child.pid!) });
      if (rss.length % 12 === 0) {
        const done = [...times.values()].reduce((s, t) => s + t.length, 0);
        say(`  ${at.toFixed(1)} min: ${fmt(done)} requests, ${fmt([...errors.values()].reduce((s, n) => s + n, 0))} errors, ${fmt(delivered.count)} / ${fmt(events)} events delivered, server RSS ${rss[rss.length - 1].y.toFixed(0)} MiB, load ${loadavg()[0].toFixed(1)}`);
      }
    }, 5_000);
    const load0 = loadavg()[0];
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < endAt) {
          const op = choose();
          const t = performance.now();
          try {
            await run(op);
          } catch (error) {
            errors.set(op, (errors.get(op) ?? 0) + 1);
            if (errorSamples.length < 10) errorSamples.push(`${op}: ${String(error)}`);
          }
          times.get(op)!.push(performance.now() - t);
        }
      }),
    );
    clearInterval(sampler);
    // The deliveries of the last events: up to a minute to arrive.
    const waitUntil = performance.now() + 60_000;
    while (delivered.count < events && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 500));
    const elapsed = (performance.now() - started) / 1000;

    const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    say(`\nbench:soak summary: ${fmt(licenses)} licenses, ${minutes} min, ${connections} connections, one server process; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
    let total = 0;
    let failed = 0;
    for (const [op] of MIX) {
      const t = times.get(op)!.sort((a, b) => a - b);
      total += t.length;
      failed += errors.get(op) ?? 0;
      say(`  ${op.padEnd(7)} ${fmt(t.length).padStart(9)} requests (${fmt(t.length / elapsed)}/s), errors ${errors.get(op)}, p50 ${percentile(t, 50).toFixed(1)} ms, p99 ${percentile(t, 99).toFixed(1)} ms`);
    }
    say(`  in all ${fmt(total)} requests (${fmt(total / elapsed)}/s), errors ${fmt(failed)}${errorSamples.length ? ` (${errorSamples.join('; ')})` : ''}`);
    const lags = delivered.lags.sort((a, b) => a - b);
    say(`  deliveries: ${fmt(delivered.count)} of ${fmt(events)} events (issued and amended) received by the webhook, lag p50 ${fmt(percentile(lags, 50))} ms, p99 ${fmt(percentile(lags, 99))} ms`);
    const steady = rss.filter((p) => p.x >= 1);
    say(
      `  server memory: RSS ${rss[0]?.y.toFixed(0)} MiB at the start, ${rss[rss.length - 1]?.y.toFixed(0)} MiB at the end, max ${Math.max(...rss.map((p) => p.y)).toFixed(0)} MiB; slope after the first minute ${slope(steady).toFixed(2)} MiB/min (${steady.length} samples)`,
    );
    webhook.close();
  } finally {
    server?.child.kill();
    await platform.store.close();
    await dropAtEnd();
  }
  process.exit(0);
}

if (argv.includes('server')) await serve();
else await main();
