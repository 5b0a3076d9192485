/**
 * bench:import — a department's file of --rows synthetic business licenses (default 1,000,000)
 * imported into issued, signed licenses through the real import path (CSV parsing, mapping,
 * validation, signing on worker threads, multi-row inserts), on PostgreSQL and on the embedded
 * store. Targets (issue 8): ≥ 15,000 licenses/s on PostgreSQL on a quiet machine, and at least
 * 0.25 × the Ed25519 signing rate of all cores, measured in the same run (the ceiling: one worker
 * thread per core signing a license-sized payload with node:crypto for two seconds).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { syntheticEnterprises } from '../src/demo/synthetic.ts';
import { importLicenses } from '../src/licenses/import/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, storesFromArgs } from './common.ts';

const rows = numberArg('rows', 1_000_000);
const FIELDS = ['creditCode', 'name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'businessTermFrom', 'businessTermTo', 'domicile', 'businessScope', 'registrationAuthority', 'issuedOn'] as const;

async function syntheticCsv(count: number): Promise<string> {
  mkdirSync('.bench', { recursive: true });
  const file = `.bench/business-licenses-${count}.csv`;
  if (existsSync(file)) return file;
  const out = createWriteStream(`${file}.partial`);
  const quote = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);
  out.write(`${FIELDS.join(',')}\n`);
  for (const e of syntheticEnterprises(count, 42)) {
    const record: Record<string, unknown> = { creditCode: e.creditCode, ...e.data };
    if (!out.write(`${FIELDS.map((f) => quote(record[f])).join(',')}\n`)) await once(out, 'drain');
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

const file = await syntheticCsv(rows);
process.stdout.write(`input: ${file} (${fmt(rows)} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB)\n`);

for (const store of storesFromArgs()) {
  const bench = await openBenchPlatform(store);
  const loadBefore = loadavg()[0];
  const ceilingBefore = await signingCeiling();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  const summary = await importLicenses(bench.platform, file, { type: 'business-license', issuer: bench.issuer.code, report: `${file}.${store}.rejected.csv` });
  clearInterval(sampler);
  const rate = summary.issued / (summary.elapsedMs / 1000);
  const ceilingAfter = await signingCeiling();
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const again = await importLicenses(bench.platform, file, { type: 'business-license', issuer: bench.issuer.code, report: `${file}.${store}.rejected.csv` });
  process.stdout.write(
    [
      `bench:import on ${store} (${machine()})`,
      `  issued ${fmt(summary.issued)} of ${fmt(summary.rows)} rows (rejected ${fmt(summary.rejected)}) in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${fmt(rate)} licenses/s (target ≥ 15,000 on PostgreSQL)`,
      `  ceiling: Ed25519 signing on all ${availableParallelism()} cores ${fmt(ceiling)}/s (before ${fmt(ceilingBefore)}, after ${fmt(ceilingAfter)}): ratio ${(rate / ceiling).toFixed(3)} (target ≥ 0.25)`,
      `  load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
      `  peak RSS of the importing process: ${(peakRss / 1e6).toFixed(0)} MB`,
      `  re-run of the same file: issued ${fmt(again.issued)}, already issued ${fmt(again.alreadyIssued)}, ${(again.elapsedMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
  await bench.close();
}
