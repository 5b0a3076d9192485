/**
 * bench:evaluation — the month's evaluation (考核) over --entries (default 10,000,000) audit entries
 * on PostgreSQL (target ≤ 60 s on 2 cores).
 *
 * The month is last month (China time). Its access records are `exchange.accessed` events as the
 * exchange's recorder makes them, appended through the audit log's own appender (bundles, tiles,
 * per-day access counts): spread over the month, 40 consumer departments, 2 % deliveries of
 * subscribed events (counted apart), 3 % refused.
 *
 * Measured: the ceiling — one read of the whole log, every entry decompressed and parsed — then
 * the month's board computed twice (the figures of every capability from the log's access counts,
 * the marks, the ranking, kept). Reported with the data size and the load average.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { registerResource } from '../src/catalog/index.ts';
import { createClient, registerDepartment } from '../src/departments/index.ts';
import { computeBoard } from '../src/evaluation/boards.ts';
import { logAppender } from '../src/audit/appender.ts';
import { prepareEvents, type PreparedEntry } from '../src/audit/entries.ts';
import { followLog } from '../src/audit/index.ts';
import { accessedEvent } from '../src/exchange/index.ts';
import { addMonths, chinaMonth, chinaMonthBounds } from '../src/platform/chinaTime.ts';
import { generateCreditCode } from '../src/standards/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, OPERATOR } from './common.ts';

const total = numberArg('entries', 10_000_000);
const CONSUMERS = 40;
const CHUNK = 10_000;

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
  // The month's accesses, appended through the audit log's own appender (10,000 a transaction), as
  // the exchange's recorder appends them: 3 % denied, every 50th an event delivery.
  const span = until.getTime() - from.getTime();
  for (let offset = 0; offset < total; offset += CHUNK) {
    const prepared: PreparedEntry[] = [];
    for (let g = offset; g < Math.min(total, offset + CHUNK); g++) {
      const event = accessedEvent({
        accessId: randomUUID(),
        at: new Date(from.getTime() + Math.floor((g * span) / total)),
        departmentCode: consumers[g % CONSUMERS],
        clientId: 'bench-consumer',
        operation: g % 50 === 7 ? 'event' : 'lookup',
        licenseType: 'business-license',
        purpose: 'tax-administration',
        holderCodes: [`913701${String(g % 1_000_000_000_000).padStart(12, '0')}`],
        fields: ['name', 'legalRepresentative'],
        basis: 'agreement',
        basisIds: ['bench-agreement'],
        outcome: g % 100 < 3 ? 'denied' : 'allowed',
        status: 200,
        problem: null,
      });
      prepared.push(...prepareEvents([event]));
    }
    await db.transaction((tx) => logAppender(platform).appendPrepared(tx, prepared));
    if ((offset + CHUNK) % 500_000 === 0 || offset + CHUNK >= total) process.stdout.write(`\r  appended ${fmt(Math.min(total, offset + CHUNK))} / ${fmt(total)}`);
  }
  process.stdout.write('\n');
  say(`data: ${fmt(total)} entries appended in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const load0 = loadavg()[0];
  t0 = performance.now();
  let scanned = 0;
  for (let after = -1; ; ) {
    const page = await followLog(db, after, 20_000, undefined, { through: 'appended' });
    scanned += page.entries.length;
    if (page.last === null) break;
    after = page.last;
  }
  const ceiling = (performance.now() - t0) / 1000;
  say(`ceiling: one read of the whole log's ${fmt(scanned)} entries, each decompressed and parsed: ${ceiling.toFixed(1)} s`);
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
