/**
 * bench:audit — the tamper-evident log on PostgreSQL (entry bundles and tiles).
 *
 * 1. Append throughput: `exchange.accessed` events published through platform.events in
 *    batches, by concurrent publishers, as the exchange's access recorder publishes them
 *    (--publishers, --batch, --entries): the append itself (sequenced, bundled, tiled and
 *    checkpointed in the publisher's transaction), then with the server's indexer running.
 * 2. A log of --size entries (default 10,000,000) kept in the database --db between runs (default
 *    certbridge_bench_audit_10m; --fresh rebuilds it through the platform's own appender): bytes
 *    per entry on disk, inclusion and consistency proofs against the ceiling of one primary-key
 *    read, and every query that reads the log — "who used my data", the oversight search by
 *    department and day, usage and evaluation (access counts), the ledger's and the quality pass's
 *    followers. --verify also times `audit verify` over the whole log.
 *
 * Options: --part append|proofs|both (default both).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { logAppender } from '../src/audit/appender.ts';
import { auditCapability } from '../src/audit/capability.ts';
import { canonicalJson, entriesOf, prepareEntry, type PreparedEntry } from '../src/audit/entries.ts';
import { accessCounts, consistencyProof, followLog, inclusionProof, latestTreeHead, sequence, verifyLog } from '../src/audit/index.ts';
import { leafHash, verifyInclusion } from '../src/audit/merkle.ts';
import { logCache } from '../src/audit/storage.ts';
import { createClient, registerDepartment } from '../src/departments/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Platform } from '../src/platform/platform.ts';
import type { Queryable } from '../src/platform/store/store.ts';
import { openPlatform } from '../src/app/platform.ts';
import { buildServer } from '../src/app/server.ts';
import { generateCreditCode } from '../src/standards/index.ts';
import { accessEvent, licenseEvent } from '../test/audit/support.ts';
import { fmt, machine, numberArg, OPERATOR, openBenchPlatform, POSTGRES_ADMIN_URL } from './common.ts';

const args = process.argv.slice(2);
const part = args.includes('--part') ? args[args.indexOf('--part') + 1] : 'both';
const out: string[] = [`bench:audit on PostgreSQL (${machine()})`];
const say = (line: string) => {
  out.push(line);
  process.stdout.write(`${line}\n`);
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(3)} ms, p99 ${percentile(s, 99).toFixed(3)} ms, max ${s[s.length - 1].toFixed(3)} ms`;
};

// ---------------------------------------------------------------------------------------------
// 1. Append throughput
// ---------------------------------------------------------------------------------------------

async function appendBench(): Promise<void> {
  const entries = numberArg('entries', 200_000);
  const publishers = numberArg('publishers', 2);
  const batchSize = numberArg('batch', 500);
  const bench = await openBenchPlatform('postgres');
  const { platform } = bench;
  const holders = Array.from({ length: 1000 }, (_, i) => `9137${String(i).padStart(14, '0')}`);
  const makeBatch = (n: number) =>
    Array.from({ length: n }, (_, i) => accessEvent({ department: '11370000MB0132851P', client: `tax-system-${i % 4}`, holders: [holders[(i * 7919) % holders.length]] }));

  /**
   * Publishes `total` entries from concurrent publishers, one transaction per batch. The events are
   * made beforehand: building them is the exchange's work, not the log's.
   */
  async function publishAll(total: number): Promise<number> {
    const batches: ReturnType<typeof makeBatch>[] = [];
    for (let left = total; left > 0; left -= batchSize) batches.push(makeBatch(Math.min(batchSize, left)));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        for (let events = batches.pop(); events; events = batches.pop()) {
          const batch = events;
          await platform.store.transaction((tx) => platform.events.publish(tx, batch));
        }
      }),
    );
    return (performance.now() - started) / 1000;
  }

  await sequence(platform); // the log key and the first tree head
  say(`\n1. append throughput: ${fmt(entries)} exchange.accessed entries per run, ${publishers} publishers, ${batchSize} events per publish (one transaction each); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const appendSeconds = await publishAll(entries);
  say(`  append (sequenced, bundled, tiled and checkpointed in each publisher's transaction): ${fmt(entries / appendSeconds)} entries/s (${((appendSeconds / entries) * 1e6).toFixed(1)} µs per entry)`);
  let started = performance.now();
  const drained = await sequence(platform);
  const seqSeconds = (performance.now() - started) / 1000;
  say(`  indexing a backlog (postings, days, oversight counts, one signed tree head per 20,000): ${fmt(drained.sequenced / seqSeconds)} entries/s`);

  const before = drained.treeHead.treeSize;
  const stop = auditCapability.start!(platform);
  const cpu = process.cpuUsage();
  started = performance.now();
  await publishAll(entries);
  for (;;) {
    const head = await latestTreeHead(platform.store);
    if (head && head.treeSize >= before + entries) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const e2eSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await stop();
  const heads = Number((await platform.store.query<{ n: number }>('select count(*)::int as n from audit_tree_heads')).rows[0].n);
  say(`  end to end (publishers + the server's background indexer, until all are indexed and under a signed tree head): ${fmt(entries / e2eSeconds)} entries/s; ${fmt(heads)} tree heads signed in all; the Node process (publishers and indexer) used ${(((used.user + used.system) / 1e6 / e2eSeconds) * 100).toFixed(0)} % of a core, ${(((used.user + used.system) / entries)).toFixed(1)} µs per entry`);
  const report = await verifyLog(platform);
  say(`  audit verify afterwards: ${report.ok ? 'ok' : `FAILED: ${report.problem?.message}`} (${fmt(report.treeSize)} entries)`);
  await bench.close();
}

// ---------------------------------------------------------------------------------------------
// 2. Proofs and queries on a 10M log
// ---------------------------------------------------------------------------------------------

const BIG_DB = args.includes('--db') ? args[args.indexOf('--db') + 1] : 'certbridge_bench_audit_10m';
const DEPARTMENTS = ['11370000MB0132851P', '11370000MB01328620', '11370000MB0132870W', '11370000MB0132889D', '11370000MB01328970', '11370000MB0132905X', '11370000MB0132913Q', '11370000MB0132921J'];
const HOLDERS = 2_000_000;
const DAY = 86_400_000;
/** Entry i is about holder (i · 7919) mod 2,000,000: each enterprise ~5 times in 10,000,000. */
const holderOf = (i: number) => `9137${String((i * 7919) % HOLDERS).padStart(14, '0')}`;
/** A year of accesses, in order: entry i at start + i · (365 days / size). */
const timeOf = (i: number, size: number, start: number) => new Date(start + Math.floor((i * 365 * DAY) / size));

/**
 * The log is built through the platform's own appender (entries canonicalised and hashed in Node,
 * bundles gzipped, tiles written), 10,000 entries a transaction: exchange accesses of 8 departments
 * (3 systems each, 8 agreements) over a year, every 50th entry a license issued; then the indexer.
 */
async function buildBigLog(platform: Platform, size: number): Promise<void> {
  const log = (s: string) => process.stdout.write(`  [build] ${s}\n`);
  const t0 = performance.now();
  const start = Date.now() - 366 * DAY;
  const step = 10_000;
  for (let from = 0; from < size; from += step) {
    const prepared: PreparedEntry[] = [];
    for (let i = from; i < Math.min(size, from + step); i++) {
      const at = timeOf(i, size, start);
      const event =
        i % 50 === 0
          ? { ...licenseEvent('issued', holderOf(i), DEPARTMENTS[0], i), at }
          : accessEvent({ department: DEPARTMENTS[i % 8], client: `system-${i % 24}`, holders: [holderOf(i)], agreementId: `ag-${i % 8}`, outcome: i % 17 === 0 ? 'denied' : 'allowed', at });
      prepared.push(...entriesOf(event).map(prepareEntry));
    }
    await platform.store.transaction((tx) => logAppender(platform).appendPrepared(tx, prepared));
    if ((from + step) % 500_000 === 0) log(`appended ${fmt(from + step)} / ${fmt(size)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const appended = performance.now();
  await sequence(platform, { batchSize: 50_000 });
  log(`appended in ${((appended - t0) / 1000).toFixed(0)} s (${fmt(size / ((appended - t0) / 1000))} entries/s), indexed in ${((performance.now() - appended) / 1000).toFixed(0)} s`);
  await platform.store.query('vacuum analyze');
}

async function bigPlatform(size: number, fresh: boolean): Promise<{ platform: Platform; built: boolean; url: string }> {
  const adminUrl = new URL(POSTGRES_ADMIN_URL);
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [BIG_DB])).rowCount === 1;
  if (exists && fresh) await admin.query(`drop database ${BIG_DB} with (force)`);
  if (!exists || fresh) await admin.query(`create database ${BIG_DB}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${BIG_DB}`;
  const config = loadConfig({ dataDir: `/tmp/${BIG_DB}`, databaseUrl: url.toString() }, { ...process.env, CERTBRIDGE_MASTER_KEY: 'be'.repeat(32), DATABASE_URL: url.toString() });
  const platform = await openPlatform(config);
  const current = Number((await platform.store.query<{ tree_size: number }>('select tree_size from audit_state')).rows[0].tree_size);
  let built = false;
  if (current < size) {
    if (current !== 0) throw new Error(`${BIG_DB} holds a log of ${current} entries, not ${size}: rerun with --fresh`);
    await buildBigLog(platform, size);
    built = true;
  }
  return { platform, built, url: url.toString() };
}

async function timed<T>(n: number, warm: number, work: (i: number) => Promise<T>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await work(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await work(i);
    times.push(performance.now() - t0);
  }
  return times;
}

const p99 = (ms: number[]) => percentile([...ms].sort((a, b) => a - b), 99);

/** This process's CPU per call of `work` (µs), over `n` calls after `timed`'s warm-up: steadier than latency on a shared machine. */
async function cpuPer(n: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await work(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

/**
 * The store as proofs see it, counting what they read: queries, tile rows, and the full tiles
 * without stored inner levels (each hashed up in the process: 254 hashes; a partial tile is hashed
 * up once per width and then kept).
 */
function countingReads(db: Queryable): { db: Queryable; counts: { queries: number; tiles: number; hashedUp: number } } {
  const counts = { queries: 0, tiles: 0, hashedUp: 0 };
  const counted = Object.create(db) as Queryable;
  counted.query = async <T,>(sql: string, params?: unknown[], options?: { name?: string }) => {
    const result = await db.query<T>(sql, params, options);
    counts.queries++;
    if (/join audit_tiles/.test(sql)) {
      counts.tiles += result.rows.length;
      counts.hashedUp += (result.rows as { hashes: Uint8Array; inner_hashes?: unknown }[]).filter((r) => r.hashes.length === 256 * 32 && !r.inner_hashes).length;
    }
    return result;
  };
  return { db: counted, counts };
}

async function proofBench(): Promise<void> {
  const size = numberArg('size', 10_000_000);
  const samples = numberArg('proofs', 10_000);
  const { platform, built } = await bigPlatform(size, args.includes('--fresh'));
  const db = platform.store;
  const head = (await sequence(platform)).treeHead;
  const cache = logCache(platform);
  const random = (n: number) => Math.floor(Math.random() * n);
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  say(`\n2. a log of ${fmt(head.treeSize)} entries (database ${BIG_DB}${built ? ', built in this run' : ''}); load average ${load()}`);

  // Storage: every table of the log, with its indexes and TOAST.
  const tables = await db.query<{ name: string; bytes: string }>(
    `select c.relname as name, pg_total_relation_size(c.oid)::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'audit%' order by pg_total_relation_size(c.oid) desc`,
  );
  const total = tables.rows.reduce((sum, r) => sum + Number(r.bytes), 0);
  say(`  storage: ${fmt(total / 2 ** 20)} MiB for the whole log = ${(total / head.treeSize).toFixed(1)} bytes per entry, indexes and TOAST included (target ≤ 200)`);
  say(`    ${tables.rows.filter((r) => Number(r.bytes) > 1 << 20).map((r) => `${r.name} ${fmt(Number(r.bytes) / 2 ** 20)} MiB (${(Number(r.bytes) / head.treeSize).toFixed(1)} B/entry)`).join(', ')}`);

  // The ceiling: one primary-key read of a tile row, the smallest read a proof makes.
  const tileCount = Math.floor(head.treeSize / 256);
  const ceiling = await timed(2000, 200, () => db.query('select hashes from audit_tiles where level = 0 and idx = $1', [random(tileCount)]));
  say(`  ceiling, one primary-key read of a tile (8 KiB), 2,000 random: ${stats(ceiling)}`);

  const ceilingCpu = await cpuPer(2000, () => db.query('select hashes from audit_tiles where level = 0 and idx = $1', [random(tileCount)]));
  say(`    CPU of this process per read: ${ceilingCpu.toFixed(0)} µs`);

  const inclusion = await timed(samples, 500, () => inclusionProof(db, random(head.treeSize), head.treeSize, true, cache));
  say(`  inclusion proof in process (the tiles it needs in one query, full tiles kept in memory as the server does), ${fmt(samples)} random entries: ${stats(inclusion)} — p99 ${(p99(inclusion) / p99(ceiling)).toFixed(2)}× the ceiling's (target p99 ≤ 2 ms)`);
  const reads = countingReads(db);
  const inclusionCpu = await cpuPer(2000, () => inclusionProof(reads.db, random(head.treeSize), head.treeSize, true, cache));
  say(`    per proof: ${(reads.counts.queries / 2000).toFixed(2)} queries, ${(reads.counts.tiles / 2000).toFixed(2)} tile rows read (${(reads.counts.hashedUp / 2000).toFixed(2)} of them full tiles without stored inner levels, hashed up); CPU of this process ${inclusionCpu.toFixed(0)} µs (${(inclusionCpu / ceilingCpu).toFixed(2)}× the ceiling's)`);
  const cold = await timed(2000, 0, () => inclusionProof(db, random(head.treeSize), head.treeSize, true));
  say(`    the same without the memory of full tiles (every tile read): ${stats(cold)}`);
  const randomPair = () => {
    const a = 1 + random(head.treeSize - 1);
    return [a, a + random(head.treeSize - a + 1)];
  };
  const consistency = await timed(2000, 200, async () => {
    const [a, b] = randomPair();
    await consistencyProof(db, a, b, cache);
  });
  say(`  consistency proof between two random sizes, 2,000 pairs: ${stats(consistency)} — p99 ${(p99(consistency) / p99(ceiling)).toFixed(2)}× the ceiling's (target ≤ 5 ms)`);
  const pairs = countingReads(db);
  const consistencyCpu = await cpuPer(2000, async () => {
    const [a, b] = randomPair();
    await consistencyProof(pairs.db, a, b, cache);
  });
  say(`    per proof: ${(pairs.counts.queries / 2000).toFixed(2)} queries (one of them the tree size), ${(pairs.counts.tiles / 2000).toFixed(2)} tile rows read (${(pairs.counts.hashedUp / 2000).toFixed(2)} hashed up); CPU of this process ${consistencyCpu.toFixed(0)} µs (${(consistencyCpu / ceilingCpu).toFixed(2)}× the ceiling's)`);

  // A sample end to end: the entry from its bundle, its leaf hash recomputed, the proof against the signed root.
  const root = Buffer.from(head.rootHash, 'hex');
  let verified = 0;
  for (let i = 0; i < 200; i++) {
    const index = random(head.treeSize);
    const text = (await followLog(db, index - 1, 1)).entries[0];
    const proof = await inclusionProof(db, index, head.treeSize, true);
    if (text && verifyInclusion(index, head.treeSize, leafHash(canonicalJson(text.entry)), proof.path.map((h) => Buffer.from(h, 'hex')), root)) verified++;
  }
  say(`  sample check: ${verified}/200 proofs verify against the signed root from leaves recomputed from the entries`);

  // Through HTTP, as the coordination office and the holders call it.
  const app = await buildServer(platform);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const code = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' });
  await registerDepartment({ store: db }, OPERATOR, { code, name: '山东省大数据局', nameEn: 'Shandong Big Data Bureau', level: 'province', region: '370000' }).catch(() => undefined);
  const client = await createClient({ store: db }, OPERATOR, { departmentCode: code, roles: ['coordinator'] });
  // A token lives minutes: on a loaded machine the phases below outlast one, so each phase gets its own.
  let accessToken = '';
  const freshToken = async () => (accessToken = (await platform.tokens.issue(client)).accessToken);
  await freshToken();
  const get = async (path: string, token = accessToken) => {
    const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
    return body;
  };
  const http = await timed(2000, 200, () => get(`/api/v1/audit/proofs/inclusion?index=${random(head.treeSize)}`));
  say(`  GET /api/v1/audit/proofs/inclusion over loopback HTTP, 2,000 random entries, one at a time: ${stats(http)}`);

  const holderTokens = new Map<string, string>();
  const pageSizes: number[] = [];
  const pages = await timed(1000, 100, async () => {
    const holder = holderOf(random(head.treeSize));
    let token = holderTokens.get(holder);
    if (!token) {
      token = (await platform.tokens.issueForHolder({ holderCode: holder, accountId: await holderAccount(db, holder) })).accessToken;
      holderTokens.set(holder, token);
    }
    const body = JSON.parse(await get(`/api/v1/holders/${holder}/access-log`, token)) as { items: unknown[] };
    pageSizes.push(body.items.length);
  });
  say(`  "who used my data": GET /api/v1/holders/{code}/access-log (the holder's postings, its accesses from their bundles, each with its proof), 1,000 random holders (${(pageSizes.reduce((a, b) => a + b, 0) / pageSizes.length).toFixed(1)} accesses a page): ${stats(pages)} (target p99 ≤ 50 ms)`);

  const start = Date.now() - 366 * DAY;
  await freshToken();
  const oversight = await timed(200, 20, async () => {
    const day = new Date(start + (1 + random(360)) * DAY);
    const from = new Date(day.toISOString().slice(0, 10) + 'T00:00:00+08:00');
    const to = new Date(from.getTime() + DAY);
    await get(`/api/v1/audit/entries?department=${DEPARTMENTS[random(8)]}&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&limit=100`);
  });
  say(`  oversight: GET /api/v1/audit/entries?department=…&from=…&to=… (a department's day, 100 newest), 200 random: ${stats(oversight)}`);
  await freshToken();
  const byHolder = await timed(200, 20, () => get(`/api/v1/audit/entries?holder=${holderOf(random(head.treeSize))}`));
  say(`  oversight: GET /api/v1/audit/entries?holder=…, 200 random holders: ${stats(byHolder)}`);

  const month = await timed(50, 5, () => accessCounts(db, { from: new Date(start + 200 * DAY).toISOString().slice(0, 10), to: new Date(start + 230 * DAY).toISOString().slice(0, 10) }));
  say(`  usage and the month's evaluation: the access counts of 30 days (every department), 50 times: ${stats(month)}`);
  const year = await timed(20, 2, () => accessCounts(db, { from: new Date(start).toISOString().slice(0, 10), to: new Date(start + 365 * DAY).toISOString().slice(0, 10), department: DEPARTMENTS[1] }));
  say(`  usage over a year of one department: ${stats(year)}`);
  const ledger = await timed(100, 5, () => followLog(db, random(head.treeSize - 5_000), 5_000, ['exchange.accessed']));
  say(`  the ledger's follower: a page of 5,000 entries of type exchange.accessed from a random place, 100 pages: ${stats(ledger)}`);
  const quality = await timed(100, 5, () => followLog(db, random(head.treeSize - 100_000), 100_000, LICENSE_EVENTS));
  say(`  the quality pass's follower: the license events among 100,000 entries from a random place (2 % of them), 100 pages: ${stats(quality)}`);
  await app.close();

  if (args.includes('--verify')) {
    const started = performance.now();
    const report = await verifyLog(platform, { chunk: 20_000 });
    say(`  audit verify over all ${fmt(report.treeSize)} entries: ${report.ok ? 'ok' : `FAILED: ${report.problem?.message}`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  say(`  load average at the end: ${load()}`);
  await platform.store.close();
}

/**
 * The holder's account, made directly in the bench's database when it has none (a holder's token
 * holds only while its account exists; opening one through the platform hashes a password and logs
 * an entry, neither of which this bench measures).
 */
async function holderAccount(db: Queryable, holderCode: string): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `with made as (insert into holder_accounts (id, holder_code, password_hash, created_by) values ($1, $2, 'bench: no sign-in', 'bench') on conflict (holder_code) do nothing returning id)
     select id from made union all select id from holder_accounts where holder_code = $2`,
    [randomUUID(), holderCode],
  );
  return rows.rows[0].id;
}

const LICENSE_EVENTS = ['issued', 'amended', 'suspended', 'reinstated', 'revoked', 'cancelled', 'expired'].map((e) => `license.${e}`);

if (part === 'append' || part === 'both') await appendBench();
if (part === 'proofs' || part === 'both') await proofBench();
process.stdout.write(`\n${out.join('\n')}\n`);
