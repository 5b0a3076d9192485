/**
 * bench:verify — how many license credentials one core verifies per second, with every check
 * the public endpoint makes (signature, issuer key, status list, validity window, schema).
 * Seeds --count licenses, revokes 1 % of them, then verifies them all on the main thread.
 * Also measures POST /api/v1/verify over loopback HTTP with autocannon (server: one Node thread;
 * the load generator in a process of its own, so that it does not take the server's core).
 * Target (issue 8): HTTP ≥ 0.8 × the in-process rate. The public rate limit per address is
 * lifted for the run (every request comes from 127.0.0.1).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { syntheticEnterprises } from '../src/demo/synthetic.ts';
import { issueInBulk, type ValidatedLicense } from '../src/licenses/lifecycle/bulk.ts';
import { prepareLicenseData } from '../src/licenses/lifecycle/licenseData.ts';
import { changeLicenseStatus, verificationContext, verifyLicenseCredential } from '../src/licenses/index.ts';
import { workerSigner } from '../src/licenses/credentials/signing.ts';
import { buildServer } from '../src/app/server.ts';
import { shippedLicenseType } from '../src/standards/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, storesFromArgs } from './common.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');

process.env.CERTBRIDGE_VERIFY_RATE = '1000000';
const count = numberArg('count', 20_000);

interface LoadResult {
  average: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/**
 * autocannon in a child process (autocannon behaves differently on a worker thread): POST
 * /api/v1/verify with the credentials in turn, read from a temporary file.
 */
async function loadFromChild(url: string, credentials: string[], duration: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-bench-verify-'));
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify(credentials));
  const source = `
    const autocannon = require('autocannon');
    const credentials = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
    let next = 0;
    autocannon({
      url: ${JSON.stringify(url)}, method: 'POST', headers: { 'content-type': 'application/json' }, connections: 16, duration: ${duration},
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ credential: credentials[next++ % credentials.length] }) }) }],
    }, (error, r) => {
      if (error) throw error;
      process.stdout.write(JSON.stringify({ average: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx }));
    });`;
  try {
    const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const [code] = (await once(child, 'exit')) as [number];
    if (code !== 0) throw new Error(`the load generator exited with ${code}`);
    return JSON.parse(Buffer.concat(chunks).toString()) as LoadResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const seconds = numberArg('seconds', 10);

for (const store of storesFromArgs()) {
  const bench = await openBenchPlatform(store);
  const { platform, issuer } = bench;
  const sealed = await platform.keys.sealedActiveKey('license', platform.config.signingAlgorithm, issuer.code);
  const signer = workerSigner(sealed.stored, sealed.masterKey, platform.config.publicUrl);
  async function* batches(): AsyncGenerator<ValidatedLicense[]> {
    const batch: ValidatedLicense[] = [];
    for (const e of syntheticEnterprises(count, 7)) {
      batch.push({ holder: { code: e.creditCode, codeType: '001', name: e.data.name }, data: prepareLicenseData(BUSINESS_LICENSE, e.data, { issuerName: issuer.name }) });
      if (batch.length === 1000) yield batch.splice(0);
    }
    yield batch;
  }
  await issueInBulk(platform, BUSINESS_LICENSE, issuer, batches(), signer, 'bench');
  await signer.close();
  const rows = await platform.store.query<{ identifier: string; credential: string }>('select identifier, credential from license_versions order by license_id');
  const credentials = rows.rows.map((r) => r.credential);
  for (const r of rows.rows.slice(0, Math.ceil(rows.rows.length / 100))) {
    await changeLicenseStatus(platform, { kind: 'client', clientId: 'bench-issuer', departmentCode: issuer.code, roles: ['issuer'] }, r.identifier, 'revoke', 'bench');
  }
  const ctx = verificationContext(platform);

  // As a server would: many verifications in flight, so the thread never idles on a round trip.
  let valid = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < credentials.length) {
        if ((await verifyLicenseCredential(ctx, credentials[next++])).valid) valid++;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const inProcess = credentials.length / wall;
  const perCpuSecond = credentials.length / ((cpu.user + cpu.system) / 1e6);

  const app = await buildServer(platform);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const loadBefore = loadavg()[0];
  const http = await loadFromChild(`${url}/api/v1/verify`, credentials, seconds);
  await app.close();

  process.stdout.write(
    [
      `bench:verify on ${store} (${machine()})`,
      `  licenses: ${fmt(credentials.length)} (1 % revoked); valid verdicts: ${fmt(valid)}`,
      `  in process, one thread, 32 in flight: ${fmt(inProcess)} credentials/s wall clock; ${fmt(perCpuSecond)} per CPU-second of the verifying process (target ≥ 4,000 per core)`,
      `  HTTP POST /api/v1/verify, 16 connections, ${seconds} s, server on one thread: ${fmt(http.average)} req/s, p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.non2xx}`,
      `  ratio HTTP / in process: ${(http.average / inProcess).toFixed(2)} (target ≥ 0.8); load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
      '',
    ].join('\n'),
  );
  await bench.close();
}
