/**
 * bench:evaluation — the month's evaluation (考核) over --entries (default 10,000,000) audit entries
 * on PostgreSQL (target ≤ 60 s on 2 cores).
 *
 * The month is last month (China time). Its access records are written with SQL from one real
 * record (made by the exchange's recorder, so each entry has the real canonical form and size),
 * its holder code, time and access id varied per row: spread over the month, 40 consumer
 * departments, 2 % deliveries of subscribed events (counted apart), 3 % refused. They are sequenced
 * as far as the evaluation is concerned (none pending); the Merkle tree is not built — the
 * evaluation never reads it.
 *
 * Measured: the ceiling — one plain scan of the same rows reading each whole entry (count and the
 * sum of the entries' lengths) — then the month's board computed twice (the figures of every
 * capability, the marks, the ranking, kept). Reported with the data size and the load average.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { registerResource } from '../src/catalog/index.ts';
import { createClient, registerDepartment } from '../src/departments/index.ts';
import { computeBoard } from '../src/evaluation/boards.ts';
import { recordAccess } from '../src/exchange/index.ts';
import { addMonths, chinaMonth, chinaMonthBounds } from '../src/platform/chinaTime.ts';
import { generateCreditCode } from '../src/standards/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, OPERATOR } from './common.ts';

const total = numberArg('entries', 10_000_000);
const CONSUMERS = 40;
const CHUNK = 1_000_000;

const bench = await openBenchPlatform('postgres');
const { platform } = bench;
const db = platform.store;
const say = (line: string) => process.stdout.write(`${line}\n`);
const month = addMonths(chinaMonth(), -1);
const { from, until } = chinaMonthBounds(month);

try {
  say(`bench:evaluation on PostgreSQL (${machine()}), ${fmt(total)} audit entries in ${month}`);
  let t0 = performance.now();
  const issuer = { kind: 'client' as const, clientId: 'bench-issuer', departmentCode: bench.issuer.code, roles: ['issuer'] };
  await registerResource(platform, issuer, {
    title: '营业执照',
    titleEn: 'Business license',
    description: '市场主体登记信息',
    descriptionEn: 'Registered particulars of market entities',
    licenseType: 'business-license',
    fields: [{ name: 'name', sensitivity: 'public' }],
    sharingClass: 'conditional',
    conditions: '仅限依法履行职责所需',
    updateCycle: 'realtime',
    accessModes: ['query'],
    serviceLevel: { availability: '99.9%' },
  } as Parameters<typeof registerResource>[2]);
  const consumers: string[] = [];
  for (let i = 0; i < CONSUMERS; i++) {
    const code = generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' });
    await registerDepartment(platform, OPERATOR, { code, name: `消费部门 ${i + 1}`, nameEn: `Consumer ${i + 1}`, level: 'province', region: '370000' });
    await createClient(platform, OPERATOR, { departmentCode: code, roles: ['consumer'] });
    consumers.push(code);
  }
  // One real access record: its entry is the template of every row.
  await recordAccess(platform, {
    accessId: randomUUID(),
    at: new Date(from.getTime() + 1000),
    departmentCode: consumers[0],
    clientId: 'bench-consumer',
    operation: 'lookup',
    licenseType: 'business-license',
    purpose: 'tax-administration',
    holderCodes: ['91370100MA3C5K7X2P'],
    fields: ['name', 'legalRepresentative'],
    basis: 'agreement',
    basisIds: [randomUUID()],
    outcome: 'allowed',
    status: 200,
    problem: null,
  });
  const template = (await db.query<{ entry: string }>("select entry from audit_entries where type = 'exchange.accessed' limit 1")).rows[0].entry;
  await db.query("delete from audit_pending; delete from audit_entries where type = 'exchange.accessed'");
  const span = until.getTime() - from.getTime();
  for (let offset = 0; offset < total; offset += CHUNK) {
    const n = Math.min(CHUNK, total - offset);
    await db.query(
      `insert into audit_entries (type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, entry)
       select 'exchange.accessed', r.at, r.department, 'bench-consumer', 'tax-administration', r.outcome, r.holder, null, 'business-license',
              replace(replace(replace($1::text, '91370100MA3C5K7X2P', r.holder), '"outcome":"allowed"', '"outcome":"' || r.outcome || '"'),
                      '"operation":"lookup"', '"operation":"' || r.operation || '"')
         from (select g,
                      to_timestamp(($3::bigint + (g * $4::bigint / $5::bigint)) / 1000.0) as at,
                      ($6::text[])[1 + g % ${CONSUMERS}] as department,
                      '913701' || lpad((g % 1000000000000)::text, 12, '0') as holder,
                      case when g % 100 < 3 then 'denied' else 'allowed' end as outcome,
                      case when g % 50 = 7 then 'event' else 'lookup' end as operation
                 from generate_series($2::bigint, $2::bigint + $7::bigint - 1) as g) r`,
      [template, offset, from.getTime(), span, total, consumers, n],
    );
    process.stdout.write(`\r  written ${fmt(offset + n)} / ${fmt(total)}`);
  }
  process.stdout.write('\n');
  await db.query('vacuum analyze audit_entries');
  const size = (await db.query<{ bytes: string; entry: string }>(`select pg_total_relation_size('audit_entries')::text as bytes, (select avg(length(entry))::int::text from (select entry from audit_entries limit 1000) s) as entry`)).rows[0];
  say(`data: ${fmt(total)} entries written in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(Number(size.bytes) / 1024 ** 2).toFixed(0)} MiB (table and indexes), about ${size.entry} characters per entry`);

  const load0 = loadavg()[0];
  t0 = performance.now();
  const scanned = (
    await db.query<{ n: string; chars: string }>("select count(*)::text as n, sum(length(entry))::text as chars from audit_entries where type = 'exchange.accessed' and at >= $1 and at < $2", [from, until])
  ).rows[0];
  const ceiling = (performance.now() - t0) / 1000;
  say(`ceiling: one scan of the month's ${fmt(Number(scanned.n))} entries reading each whole entry: ${ceiling.toFixed(1)} s`);
  for (const run of ['first', 'second']) {
    t0 = performance.now();
    const board = await computeBoard(db, month);
    const took = (performance.now() - t0) / 1000;
    const served = board.departments.find((d) => d.code === bench.issuer.code)?.figures.lookups.served ?? 0;
    say(`${run} board: ${took.toFixed(1)} s — ${(took / ceiling).toFixed(2)}× the ceiling; ${board.departments.length} departments ranked, ${fmt(served)} records served (lookups answered with data)`);
    if (run === 'second') say(`load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}; target ≤ 60 s: ${took <= 60 ? 'met' : 'missed'}`);
  }
} finally {
  await bench.close();
}
