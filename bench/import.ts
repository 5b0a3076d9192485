/**
 * bench:import — a department's file of --rows synthetic business licenses (default 1,000,000)
 * imported into issued, signed licenses through the real import path (CSV parsing, mapping,
 * validation and signing on worker threads, COPY on PostgreSQL, multi-row inserts on the embedded
 * store), on PostgreSQL and on the embedded store. It prints the import's CPU too (the importing
 * process's and, on a local PostgreSQL, its backends'), steadier than the rate on a shared machine.
 * Targets (issue 8): ≥ 15,000 licenses/s on PostgreSQL on a quiet machine, and at least 0.25 × the Ed25519 signing rate of all cores, measured in the same run (the ceiling: one worker
 * thread per core signing a license-sized payload with node:crypto for two seconds).
 *
 * `--type food-business-license` (issue 15) imports, in the same run and on the same store, a file
 * of as many food business licenses of the same enterprises after the business licenses, and
 * reports its rate as a ratio to the business license's (target: within 10 %).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { seededRandom, syntheticEnterprises, syntheticFoodLicense } from '../src/demo/synthetic.ts';
import { importLicenses } from '../src/licenses/import/index.ts';
import { shippedLicenseType } from '../src/standards/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, storesFromArgs, stringArg } from './common.ts';

const rows = numberArg('rows', 1_000_000);
const secondType = stringArg('type', 'business-license');
if (!['business-license', 'food-business-license'].includes(secondType)) throw new Error(`--type: business-license or food-business-license, not ${secondType}`);

/** The columns of each type's file: the holder's credit code and the type's fields. */
const columnsOf = (type: string) => ['creditCode', ...Object.keys(shippedLicenseType(type).dataSchema.properties)];

async function syntheticCsv(type: string, count: number): Promise<string> {
  mkdirSync('.bench', { recursive: true });
  const file = `.bench/${type}s-${count}.csv`;
  if (existsSync(file)) return file;
  const out = createWriteStream(`${file}.partial`);
  const quote = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);
  const fields = columnsOf(type);
  const rule = shippedLicenseType('food-business-license').number!;
  const random = seededRandom(43);
  out.write(`${fields.join(',')}\n`);
  let serial = 0;
  for (const e of syntheticEnterprises(count, 42)) {
    const data = type === 'business-license' ? e.data : syntheticFoodLicense(random, e, ++serial, rule);
    const record: Record<string, unknown> = { creditCode: e.creditCode, ...data };
    if (!out.write(`${fields.map((f) => quote(record[f])).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { rename } = await import('node:fs/promises');
  await rename(`${file}.partial`, file);
  return file;
}

/** Ed25519 signatures per second of all cores together: the ceiling an import's signing cannot pass. */
async function signingCeiling(seconds = 2): Promise<number> {
  const source = `
    const { generateKeyPairSync, sign } = require('node:crypto');
    const { parentPort } = require('node:worker_threads');
    const { privateKey } = generateKeyPairSync('ed25519');
    const payload = Buffer.alloc(1500, 'x');
    const until = performance.now() + ${seconds * 1000};
    let n = 0;
    while (performance.now() < until) { sign(null, payload, privateKey); n++; }
    parentPort.postMessage(n);`;
  const counts = await Promise.all(
    Array.from({ length: availableParallelism() }, () => new Promise<number>((resolve, reject) => {
      const worker = new Worker(source, { eval: true });
      worker.once('message', (n: number) => void worker.terminate().then(() => resolve(n)));
      worker.once('error', reject);
    })),
  );
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving `database`, read from /proc: the
 * server must run on this machine (undefined otherwise). With the importing process's own CPU it
 * gives the import's cost in CPU, which other work on a shared machine moves far less than the rate.
 */
function backendCpuSeconds(database: string): number | undefined {
  let seconds: number | undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!command.startsWith('postgres: ') || !command.includes(` ${database} `)) continue;
      // utime and stime, in clock ticks (100 per second on Linux), after the command in parentheses.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      seconds = (seconds ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // a process that ended meanwhile, or no /proc
    }
  }
  return seconds;
}

const file = await syntheticCsv('business-license', rows);
process.stdout.write(`input: ${file} (${fmt(rows)} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB)\n`);
const secondFile = secondType === 'business-license' ? undefined : await syntheticCsv(secondType, rows);
if (secondFile) process.stdout.write(`input: ${secondFile} (${fmt(rows)} rows, ${(statSync(secondFile).size / 1e6).toFixed(0)} MB)\n`);

for (const store of storesFromArgs()) {
  const bench = await openBenchPlatform(store);
  const loadBefore = loadavg()[0];
  const ceilingBefore = await signingCeiling();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  const database = bench.databaseUrl ? new URL(bench.databaseUrl).pathname.slice(1) : undefined;
  const backendsBefore = database ? backendCpuSeconds(database) : undefined;
  const cpuBefore = process.cpuUsage();
  const summary = await importLicenses(bench.platform, file, { type: 'business-license', issuer: bench.issuer.code, report: `${file}.${store}.rejected.csv` });
  const cpu = process.cpuUsage(cpuBefore);
  const processCpu = (cpu.user + cpu.system) / 1e6;
  const backendsAfter = database ? backendCpuSeconds(database) : undefined;
  const backendCpu = backendsBefore !== undefined && backendsAfter !== undefined ? backendsAfter - backendsBefore : 0;
  clearInterval(sampler);
  const rate = summary.issued / (summary.elapsedMs / 1000);
  const ceilingAfter = await signingCeiling();
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const second = secondFile ? await importLicenses(bench.platform, secondFile, { type: secondType, issuer: bench.issuer.code, report: `${secondFile}.${store}.rejected.csv` }) : undefined;
  const secondRate = second ? second.issued / (second.elapsedMs / 1000) : undefined;
  const again = await importLicenses(bench.platform, file, { type: 'business-license', issuer: bench.issuer.code, report: `${file}.${store}.rejected.csv` });
  process.stdout.write(
    [
      `bench:import on ${store} (${machine()})`,
      `  issued ${fmt(summary.issued)} of ${fmt(summary.rows)} rows (rejected ${fmt(summary.rejected)}) in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${fmt(rate)} licenses/s (target ≥ 15,000 on PostgreSQL)`,
      `  ceiling: Ed25519 signing on all ${availableParallelism()} cores ${fmt(ceiling)}/s (before ${fmt(ceilingBefore)}, after ${fmt(ceilingAfter)}): ratio ${(rate / ceiling).toFixed(3)} (target ≥ 0.25)`,
      ...(second && secondRate
        ? [
            `  ${secondType}: issued ${fmt(second.issued)} of ${fmt(second.rows)} rows (rejected ${fmt(second.rejected)}) in ${(second.elapsedMs / 1000).toFixed(1)} s: ${fmt(secondRate)} licenses/s = ${(secondRate / rate).toFixed(3)} × the business license's rate (target ≥ 0.90)`,
          ]
        : []),
      `  CPU of the import: importing process ${processCpu.toFixed(1)} s (all threads)${database ? ` + PostgreSQL backends ${backendCpu.toFixed(1)} s` : ''}: ${fmt(summary.issued / (processCpu + backendCpu))} licenses per CPU-second`,
      `  load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
      `  peak RSS of the importing process: ${(peakRss / 1e6).toFixed(0)} MB`,
      `  re-run of the same file: issued ${fmt(again.issued)}, already issued ${fmt(again.alreadyIssued)}, ${(again.elapsedMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
  await bench.close();
}
