/**
 * bench:quality — the full pass of the quality rules over --licenses (default 1,000,000) business
 * licenses on PostgreSQL (target ≤ 60 s on 2 cores).
 *
 * The data is written with SQL, not issued: signing a million credentials is not what is measured.
 * Holder codes are valid credit codes made in process; the fields come from 5,000 synthetic
 * enterprises (src/demo/synthetic.ts), each row's name and domicile made its own by its serial. A
 * few percent are deliberately bad: 1 % without the registration authority (completeness), 1 % with
 * the date of establishment after the date of issue (validity), 1 % published 30 days after the
 * date of issue (timeliness), 0.5 % with the name and domicile of the row before (uniqueness), 0.1 %
 * with a wrong check character in the credit code (validity).
 *
 * Measured: the ceiling — the same rows streamed by the same keyset reads, nothing evaluated or
 * written — then the first full pass (every finding new, every license recorded as checked), then a
 * second (the daily steady state: nothing new). Reported with the data size and the load average.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { currentVersionsPage } from '../src/licenses/index.ts';
import { fullPass, PASS_BATCH } from '../src/quality/pass.ts';
import { seededRandom, syntheticEnterprises } from '../src/demo/synthetic.ts';
import { creditCodeCheckChar, generateCreditCode } from '../src/standards/index.ts';
import { dropDatabaseOf, fmt, machine, numberArg, openBenchPlatform } from './common.ts';

const total = numberArg('licenses', 1_000_000);
const CHUNK = 100_000;
const TEMPLATES = 5000;

const bench = await openBenchPlatform('postgres');
const { platform } = bench;
const db = platform.store;
const say = (line: string) => process.stdout.write(`${line}\n`);
// Interrupted (Ctrl-C, a timeout's kill): the 1.2 GB database is dropped all the same.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: dropping the bench database`);
    void dropDatabaseOf(bench.databaseUrl).finally(() => process.exit(1));
  });
}

try {
  say(`bench:quality on PostgreSQL (${machine()}), ${fmt(total)} licenses`);
  let t0 = performance.now();
  await db.query('create table bench_templates (n int primary key, data jsonb not null)');
  const templates = [...syntheticEnterprises(TEMPLATES, 2026)];
  await db.query('insert into bench_templates select n - 1, d from unnest($1::jsonb[]) with ordinality as t(d, n)', [templates.map((e) => JSON.stringify({ ...e.data, businessTermTo: null }))]);
  const random = seededRandom(7);
  for (let offset = 0; offset < total; offset += CHUNK) {
    const n = Math.min(CHUNK, total - offset);
    const codes = Array.from({ length: n }, (_, i) => {
      const code = generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100', random });
      // 0.1 %: a wrong check character.
      if ((offset + i + 1) % 1000 === 5) return `${code.slice(0, 17)}${creditCodeCheckChar(code.slice(0, 17)) === '0' ? '1' : '0'}`;
      return code;
    });
    await db.query(
      `insert into licenses (id, type_key, type_version, type_code, issuer_code, holder_code, holder_code_type, holder_name, current_version, status, valid_from, status_list, status_idx, issued_on)
       select $2::bigint + c.n, 'business-license', '1.0.0', '11100000MB0143028R001', $3, c.code, '001', 'bench', 1, 'valid', current_date, 0, $2::int + c.n::int, current_date
         from unnest($1::text[]) with ordinality as c(code, n)`,
      [codes, offset, bench.issuer.code],
    );
    // The serial that names a row: the row before's for 0.5 % (same name and domicile).
    await db.query(
      `insert into license_versions (license_id, version, identifier, data, credential, kid, change, type_version)
       select g, 1, 'bench-' || g,
              case
                when g % 100 = 1 then d - 'registrationAuthority'
                when g % 100 = 2 then d || jsonb_build_object('establishedOn', '2021-06-01', 'businessTermFrom', '2021-06-01', 'issuedOn', '2021-05-01')
                when g % 100 = 3 then d || jsonb_build_object('issuedOn', to_char(current_date - 30, 'YYYY-MM-DD'))
                else d
              end,
              'bench', 'bench', 'issue', '1.0.0'
         from (select g, t.data || jsonb_build_object('name', (t.data ->> 'name') || s, 'domicile', (t.data ->> 'domicile') || s || '室') as d
                 from (select g, case when g % 200 = 4 then g - 1 else g end as s from generate_series($1::bigint + 1, $1::bigint + $2) as g) x
                 join bench_templates t on t.n = x.s % ${TEMPLATES}) y`,
      [offset, n],
    );
  }
  // Vacuumed as autovacuum would leave a long-lived table: otherwise the first read after the bulk
  // write sets every row's hint bits (rewriting the 1.2 GB), and whichever is measured first pays it.
  await db.query('vacuum analyze licenses');
  await db.query('vacuum analyze license_versions');
  const size = (await db.query<{ bytes: string }>(`select pg_total_relation_size('licenses') + pg_total_relation_size('license_versions') as bytes`)).rows[0].bytes;
  say(`data: ${fmt(total)} licenses and versions written in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(Number(size) / 1024 ** 2).toFixed(0)} MiB (tables and indexes)`);

  // The ceiling: the same rows read the same way (keyset batches of the pass's size), nothing else.
  const load0 = loadavg()[0];
  t0 = performance.now();
  let after = 0;
  let read = 0;
  for (;;) {
    // The pass's own page query, prepared under the same name (so planned the same way).
    const rows = await currentVersionsPage(db, after, PASS_BATCH, ['business-license']);
    read += rows.length;
    if (rows.length < PASS_BATCH) break;
    after = Number(rows[rows.length - 1].id);
  }
  const ceiling = (performance.now() - t0) / 1000;
  say(`ceiling: the same ${fmt(read)} rows streamed in batches of ${fmt(PASS_BATCH)}: ${ceiling.toFixed(1)} s`);

  const first = await fullPass(platform, 'operator:bench');
  say(
    `first full pass: ${fmt(first.licenses)} licenses in ${(first.ms / 1000).toFixed(1)} s (${fmt(first.licenses / (first.ms / 1000))} licenses/s), ${fmt(first.opened)} findings opened — ${(first.ms / 1000 / ceiling).toFixed(2)}× the ceiling`,
  );
  const second = await fullPass(platform, 'operator:bench');
  say(`second full pass (the daily steady state): ${(second.ms / 1000).toFixed(1)} s, ${fmt(second.opened)} opened, ${fmt(second.resolved)} resolved — ${(second.ms / 1000 / ceiling).toFixed(2)}× the ceiling`);
  const byRule = await db.query<{ rule_id: string; n: number }>('select rule_id, count(*)::int as n from quality_findings group by 1 order by 1');
  say(`findings by rule: ${byRule.rows.map((r) => `${r.rule_id} ${fmt(r.n)}`).join(', ')}`);
  say(`load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}; target ≤ 60 s: ${first.ms <= 60_000 ? 'met' : 'missed'}`);
} finally {
  await bench.close();
}
