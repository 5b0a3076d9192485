/**
 * bench:verify — how many license credentials one core verifies per second, with every check
 * the public endpoint makes (signature, issuer key, status list, validity window, schema).
 * Seeds --count licenses, revokes 1 % of them, then verifies them all on the main thread.
 * Also measures POST /api/v1/verify over loopback HTTP with autocannon (server: one Node thread).
 */
import autocannon from 'autocannon';
import { syntheticEnterprises } from '../src/demo/synthetic.ts';
import { issueInBulk, type ValidatedLicense } from '../src/licenses/bulk.ts';
import { prepareLicenseData } from '../src/licenses/licenseData.ts';
import { changeLicenseStatus, verificationContext, verifyLicenseCredential } from '../src/licenses/index.ts';
import { workerSigner } from '../src/licenses/signing.ts';
import { buildServer } from '../src/app/server.ts';
import { BUSINESS_LICENSE } from '../src/standards/index.ts';
import { fmt, machine, numberArg, openBenchPlatform, storesFromArgs } from './common.ts';

const count = numberArg('count', 20_000);
const seconds = numberArg('seconds', 10);

for (const store of storesFromArgs()) {
  const bench = await openBenchPlatform(store);
  const { platform, issuer } = bench;
  const sealed = await platform.keys.sealedActiveKey('license', platform.config.signingAlgorithm, issuer.code);
  const signer = workerSigner(sealed.stored, sealed.masterKey, platform.config.publicUrl);
  async function* batches(): AsyncGenerator<ValidatedLicense[]> {
    const batch: ValidatedLicense[] = [];
    for (const e of syntheticEnterprises(count, 7)) {
      batch.push({ holder: { code: e.creditCode, codeType: '001', name: e.data.name }, data: prepareLicenseData(BUSINESS_LICENSE, e.data, { registrationAuthority: issuer.name }) });
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
  next = 0;
  const http = await autocannon({
    url: `${url}/api/v1/verify`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 16,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ credential: credentials[next++ % credentials.length] }) }) }],
  });
  await app.close();

  process.stdout.write(
    [
      `bench:verify on ${store} (${machine()})`,
      `  licenses: ${fmt(credentials.length)} (1 % revoked); valid verdicts: ${fmt(valid)}`,
      `  in process, one thread, 32 in flight: ${fmt(inProcess)} credentials/s wall clock; ${fmt(perCpuSecond)} per CPU-second of the verifying process (target ≥ 4,000 per core)`,
      `  HTTP POST /api/v1/verify, 16 connections, ${seconds} s, server on one thread: ${fmt(http.requests.average)} req/s, p50 ${http.latency.p50} ms, p99 ${http.latency.p99} ms, non-2xx ${http.non2xx}`,
      '',
    ].join('\n'),
  );
  await bench.close();
}
