/**
 * bench:audit — the tamper-evident log on PostgreSQL.
 *
 * 1. Append throughput: `exchange.accessed` events published through platform.events in
 *    batches, by concurrent publishers, as the exchange's access recorder publishes them inside
 *    its flush transactions (--publishers, --batch, --entries). Measured three ways: enqueue only
 *    (the cost the exchange pays), sequencing a backlog, and both at once end to end (entries/s
 *    until every entry is in the tree under a signed tree head).
 * 2. Proof latency on a log of --size entries (default 10,000,000) kept in the database
 *    certbridge_bench_audit_10m between runs (--fresh rebuilds it). The log is generated in SQL:
 *    canonical entries, leaf hashes, then every stored level (even levels) by aggregating the
 *    level below; a tree head is then signed by the platform's own sequencer, which recomputes
 *    the root from the stored nodes. Then 10,000 random inclusion proofs in process, 2,000
 *    through HTTP, and holders' access-log pages (20 accesses, each with its proof).
 *    --verify also times `audit verify` over the whole log.
 *
 * Options: --part append|proofs|both (default both).
 */
import { OPERATOR } from './common.ts';
import pg from 'pg';
import { auditCapability } from '../src/audit/capability.ts';
import { inclusionProof, latestTreeHead, sequence, verifyLog } from '../src/audit/index.ts';
import { verifyInclusion, leafHash } from '../src/audit/merkle.ts';
import { createClient, registerDepartment } from '../src/departments/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Platform } from '../src/platform/platform.ts';
import { openPlatform } from '../src/app/platform.ts';
import { buildServer } from '../src/app/server.ts';
import { generateCreditCode } from '../src/standards/index.ts';
import { accessEvent } from '../test/audit/support.ts';
import { fmt, machine, numberArg, openBenchPlatform, POSTGRES_ADMIN_URL } from './common.ts';

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
  say(`\n1. append throughput: ${fmt(entries)} exchange.accessed entries per run, ${publishers} publishers, ${batchSize} events per publish (one transaction each)`);

  const enqueueSeconds = await publishAll(entries);
  say(`  enqueue only (what the exchange's flush transaction pays): ${fmt(entries / enqueueSeconds)} entries/s (${((enqueueSeconds / entries) * 1e6).toFixed(1)} µs per entry)`);
  let started = performance.now();
  const drained = await sequence(platform);
  const seqSeconds = (performance.now() - started) / 1000;
  say(`  sequencing a backlog (leaf indexes, nodes, counters, one signed tree head per 20,000): ${fmt(drained.sequenced / seqSeconds)} entries/s`);

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
  say(`  end to end (publishers + the background sequencer, until all are under a signed tree head): ${fmt(entries / e2eSeconds)} entries/s; ${fmt(heads)} tree heads signed in all; the Node process (publishers and sequencer) used ${(((used.user + used.system) / 1e6 / e2eSeconds) * 100).toFixed(0)} % of a core, ${(((used.user + used.system) / entries)).toFixed(1)} µs per entry`);
  const report = await verifyLog(platform);
  say(`  audit verify afterwards: ${report.ok ? 'ok' : `FAILED: ${report.problem?.message}`} (${fmt(report.treeSize)} entries)`);
  await bench.close();
}

// ---------------------------------------------------------------------------------------------
// 2. Proof latency on a 10M log
// ---------------------------------------------------------------------------------------------

const BIG_DB = 'certbridge_bench_audit_10m';

/** RFC 8785 by construction: members in code-unit order, no whitespace, ASCII values (columns of the generating query). */
const CANONICAL_ENTRY_SQL = `'{"actor":"' || client || '","at":"' || to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
  '","data":{"accessId":"' || aid || '","basis":"agreement","basisIds":["ag-' || (i % 8) || '"],"client":"' || client ||
  '","department":"' || dept || '","fields":["name","registeredCapital"],"holderCode":"' || holder ||
  '","licenseType":"business-license","operation":"lookup","outcome":"allowed","problem":null,"purpose":"tax-administration","status":200},"subject":"' ||
  aid || '","type":"exchange.accessed"}'`;

async function buildBigLog(admin: pg.Client, size: number): Promise<void> {
  const log = (s: string) => process.stdout.write(`  [build] ${s}\n`);
  const t0 = performance.now();
  const step = 1_000_000;
  await admin.query(`set maintenance_work_mem = '1GB'; set work_mem = '256MB'; set synchronous_commit = off`);
  await admin.query('drop index if exists audit_entries_holder, audit_entries_department, audit_entries_at');
  await admin.query('alter table audit_leaves drop constraint if exists audit_leaves_entry_id_key');
  for (let start = 0; start < size; start += step) {
    const end = Math.min(size, start + step);
    // 2,000,000 enterprises (holder codes), each looked up ~5 times. Entry id i is leaf i.
    await admin.query(
      `insert into audit_entries (id, entry, type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type)
       select i + 1, ${CANONICAL_ENTRY_SQL}, 'exchange.accessed', ts, dept, client, 'tax-administration', 'allowed', holder, 'ag-' || (i % 8), 'business-license'
         from (select i,
                      '9137' || lpad(((i * 7919) % 2000000)::text, 14, '0') as holder,
                      timestamptz '2025-01-01 00:00:00+00' + i * interval '3 ms' as ts,
                      (array['11370000MB0132851P','11370000MB01328620','11370000MB0132870W','11370000MB0132889D'])[(i % 4) + 1] as dept,
                      'tax-system-' || (i % 8) as client,
                      md5(i::text)::uuid::text as aid
                 from generate_series($1::bigint, $2::bigint) i) s`,
      [start, end - 1],
    );
    await admin.query(
      `insert into audit_leaves (leaf_index, entry_id, hash)
       select id - 1, id, sha256('\\x00'::bytea || convert_to(entry, 'UTF8')) from audit_entries where id > $1 and id <= $2`,
      [start, end],
    );
    log(`entries and leaf hashes: ${fmt(end)} / ${fmt(size)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await admin.query("select setval('audit_entries_id_seq', $1)", [size]);
  // Every level from the one below: odd levels in a scratch table, even levels stored.
  await admin.query('drop table if exists bench_level; create unlogged table bench_level (idx bigint, hash bytea)');
  let source = 'select leaf_index as idx, hash from audit_leaves';
  for (let level = 1; 2 ** level <= size; level++) {
    const rows = `select idx / 2 as idx, sha256('\\x01'::bytea || string_agg(hash, ''::bytea order by idx)) as hash from (${source}) s group by idx / 2 having count(*) = 2`;
    if (level % 2 === 0) {
      await admin.query(`insert into audit_nodes (level, idx, hash) select ${level}, idx, hash from (${rows}) r`);
      source = `select idx, hash from audit_nodes where level = ${level}`;
    } else {
      await admin.query(`create unlogged table bench_next as ${rows}; drop table bench_level; alter table bench_next rename to bench_level`);
      source = 'select idx, hash from bench_level';
    }
  }
  await admin.query('drop table if exists bench_level');
  log(`tree nodes (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  await admin.query('alter table audit_leaves add constraint audit_leaves_entry_id_key unique (entry_id)');
  await admin.query(`create index audit_entries_holder on audit_entries (holder_code, id) where holder_code is not null`);
  await admin.query(`create index audit_entries_department on audit_entries (department, id) where department is not null`);
  await admin.query(`create index audit_entries_at on audit_entries using brin (at)`);
  await admin.query('update audit_state set tree_size = $1', [size]);
  for (const table of ['audit_entries', 'audit_leaves', 'audit_nodes']) await admin.query(`vacuum analyze ${table}`);
  log(`indexes, vacuum analyze: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
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
  if (current !== size) {
    if (current !== 0) throw new Error(`${BIG_DB} holds a log of ${current} entries, not ${size}: rerun with --fresh`);
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await buildBigLog(db, size);
    await db.end();
    built = true;
  }
  return { platform, built, url: url.toString() };
}

async function proofBench(): Promise<void> {
  const size = numberArg('size', 10_000_000);
  const samples = numberArg('proofs', 10_000);
  const { platform, built } = await bigPlatform(size, args.includes('--fresh'));
  const db = platform.store;
  let started = performance.now();
  const head = (await latestTreeHead(db)) ?? (await sequence(platform)).treeHead;
  if (built) say(`  (the platform's sequencer computed the root of the generated tree from its stored nodes in ${(performance.now() - started).toFixed(0)} ms and signed it)`);
  const sizes = await db.query<{ entries: string; nodes: string; heads: string; total: string }>(
    `select pg_size_pretty(pg_total_relation_size('audit_entries')) as entries,
            pg_size_pretty(pg_total_relation_size('audit_leaves') + pg_total_relation_size('audit_nodes')) as nodes,
            pg_size_pretty(pg_total_relation_size('audit_tree_heads')) as heads, pg_size_pretty(pg_database_size(current_database())) as total`,
  );
  const counts = await db.query<{ n: number }>('select (select count(*) from audit_leaves) + (select count(*) from audit_nodes) as n');
  say(`\n2. proofs on a log of ${fmt(head.treeSize)} entries (database ${BIG_DB}): audit_entries ${sizes.rows[0].entries} with indexes, the tree (audit_leaves + audit_nodes) ${sizes.rows[0].nodes} (${fmt(Number(counts.rows[0].n))} rows = ${(Number(counts.rows[0].n) / head.treeSize).toFixed(2)} per entry), database ${sizes.rows[0].total}`);

  // Warm up, then time one proof at a time (a latency measurement, not a throughput one).
  const root = Buffer.from(head.rootHash, 'hex');
  const random = (n: number) => Math.floor(Math.random() * n);
  for (let i = 0; i < 500; i++) await inclusionProof(db, random(head.treeSize), head.treeSize, true);
  const times: number[] = [];
  let pathLength = 0;
  for (let i = 0; i < samples; i++) {
    const index = random(head.treeSize);
    const t0 = performance.now();
    const proof = await inclusionProof(db, index, head.treeSize, true);
    times.push(performance.now() - t0);
    pathLength = proof.path.length;
  }
  say(`  inclusion proof in process (one query for the O(log n) nodes + hashing), ${fmt(samples)} random entries, one at a time: ${stats(times)}; ${pathLength} hashes per path`);

  // Check a sample end to end: leaf recomputed in Node from the stored entry text, proof against the signed root.
  let verified = 0;
  for (let i = 0; i < 200; i++) {
    const index = random(head.treeSize);
    const text = (await db.query<{ entry: string }>('select e.entry from audit_leaves l join audit_entries e on e.id = l.entry_id where l.leaf_index = $1', [index])).rows[0].entry;
    const proof = await inclusionProof(db, index, head.treeSize, true);
    if (verifyInclusion(index, head.treeSize, leafHash(Buffer.from(text)), proof.path.map((h) => Buffer.from(h, 'hex')), root)) verified++;
  }
  say(`  sample check: ${verified}/200 proofs verify against the signed root from leaves recomputed from the entries`);

  // Through HTTP, as the coordination office calls it (token check, policy, entry read, head, proof).
  const app = await buildServer(platform);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const code = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' });
  await registerDepartment({ store: db }, OPERATOR, { code, name: '山东省大数据局', nameEn: 'Shandong Big Data Bureau', level: 'province', region: '370000' }).catch(() => undefined);
  const client = await createClient({ store: db }, OPERATOR, { departmentCode: code, roles: ['coordinator'] });
  const { accessToken } = await platform.tokens.issue(client);
  const http: number[] = [];
  for (let i = 0; i < 2200; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url}/api/v1/audit/proofs/inclusion?index=${random(head.treeSize)}`, { headers: { authorization: `Bearer ${accessToken}` } });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`proof request: ${r.status}`);
    if (i >= 200) http.push(performance.now() - t0);
  }
  say(`  GET /api/v1/audit/proofs/inclusion over loopback HTTP, 2,000 random entries, one at a time: ${stats(http)}`);

  const pages: number[] = [];
  for (let i = 0; i < 1100; i++) {
    // The holder of a random entry (entry i was about holder (i · 7919) mod 2,000,000).
    const holder = `9137${String((random(head.treeSize) * 7919) % 2_000_000).padStart(14, '0')}`;
    const { accessToken: holderToken } = await platform.tokens.issueForHolder({ holderCode: holder, accountId: 'bench' });
    const t0 = performance.now();
    const r = await fetch(`${url}/api/v1/holders/${holder}/access-log`, { headers: { authorization: `Bearer ${holderToken}` } });
    const body = (await r.json()) as { items: unknown[] };
    if (r.status !== 200) throw new Error(`access log: ${r.status}`);
    if (i >= 100) pages.push(performance.now() - t0);
    if (i === 100) say(`  (a holder's page holds ${body.items.length} accesses, each with its inclusion proof)`);
  }
  say(`  GET /api/v1/holders/{code}/access-log (every access of the holder, each with its proof), 1,000 random holders: ${stats(pages)}`);
  await app.close();

  if (args.includes('--verify')) {
    started = performance.now();
    const report = await verifyLog(platform, { chunk: 20_000 });
    say(`  audit verify over all ${fmt(report.treeSize)} entries: ${report.ok ? 'ok' : `FAILED: ${report.problem?.message}`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await platform.store.close();
}

if (part === 'append' || part === 'both') await appendBench();
if (part === 'proofs' || part === 'both') await proofBench();
process.stdout.write(`\n${out.join('\n')}\n`);
