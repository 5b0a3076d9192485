/**
 * `npm run bench:console`: the console as a person first meets it. Starts `certbridge serve --demo`
 * on a new embedded store, then for each area opens it in a fresh Chromium context (cold cache),
 * signed in with the demo account of that role, and measures the time from navigation to the
 * network going quiet (the area's page and its first API answers shown), with the bytes that
 * crossed the wire; the public verification page without an account. Also lists the built bundle's
 * chunks (raw and gzip). Needs /usr/bin/chromium and a built console (`npm run build`).
 *   --runs <n>   cold loads per area (default 3; the median is reported)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { machine, numberArg } from './common.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = join(ROOT, 'web', 'dist', 'assets');
const runs = numberArg('runs', 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-bench-console-'));
let output = '';
const child = spawn(process.execPath, [join(ROOT, 'bin', 'certbridge.js'), 'serve', '--demo', '--port', String(port), '--host', '127.0.0.1'], {
  env: { ...process.env, CERTBRIDGE_DATA_DIR: dataDir, CERTBRIDGE_PUBLIC_URL: base, CERTBRIDGE_LOG_LEVEL: 'warn', DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));

try {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if ((await fetch(`${base}/health/ready`).then((r) => r.status, () => 0)) === 200 && output.includes('enterprise')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const enterprise = /enterprise\s+username:\s+(\S+)/.exec(output)?.[1];
  if (!enterprise) throw new Error(`the demo printed no enterprise account:\n${output}`);
  const accounts = [
    { area: 'issuer', username: 'demo.issuer', password: 'demo-issuer-password' },
    { area: 'consumer', username: 'demo.consumer', password: 'demo-consumer-password' },
    { area: 'coordinator', username: 'demo.coordinator', password: 'demo-coordinator-password' },
    { area: 'enterprise', username: enterprise, password: 'demo-enterprise-password' },
    { area: 'verify', username: undefined, password: undefined },
  ];
  const browser = await chromium.launch({ executablePath: process.env.CERTBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const load = loadavg()[0];
  const rows: string[] = [];
  for (const account of accounts) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
      if (account.username) {
        const signedIn = await context.request.post(`${base}/api/v1/session`, { data: { username: account.username, password: account.password } });
        if (!signedIn.ok()) throw new Error(`${account.username} could not sign in: ${signedIn.status()}`);
        // What the sign-in page leaves behind: the hint that a session may exist (web/src/app/session.tsx).
        await context.addInitScript(() => localStorage.setItem('certbridge.session', '1'));
      }
      const page = await context.newPage();
      // What crossed the wire, as the browser received it (compressed where the server compressed it).
      const sizes: Promise<number>[] = [];
      page.on('requestfinished', (request) => sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize, () => 0)));
      const started = performance.now();
      await page.goto(`${base}/${account.area}`, { waitUntil: 'networkidle' });
      times.push(performance.now() - started);
      const landed = new URL(page.url()).pathname;
      if (!landed.startsWith(`/${account.area}`)) throw new Error(`/${account.area} landed on ${landed}: not signed in?`);
      bytes = (await Promise.all(sizes)).reduce((sum, n) => sum + n, 0);
      await context.close();
    }
    rows.push(`| /${account.area} | ${(median(times) / 1000).toFixed(2)} s | ${(bytes / 1024).toFixed(0)} KB |`);
  }
  await browser.close();

  const chunks = readdirSync(ASSETS)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, raw: statSync(join(ASSETS, name)).size, gz: statSync(join(ASSETS, `${name}.gz`), { throwIfNoEntry: false })?.size ?? 0 }))
    .sort((a, b) => b.raw - a.raw);
  const total = chunks.reduce((sum, c) => sum + c.gz, 0);
  process.stdout.write(
    [
      `bench:console on ${machine()}, Chromium headless, 1280×800, cold cache, median of ${runs}; load average ${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
      '',
      '| area (first load, signed in with its demo account) | to network quiet | transferred |',
      '|---|---|---|',
      ...rows,
      '',
      `| chunk | raw | gzip |`,
      '|---|---|---|',
      ...chunks.slice(0, 12).map((c) => `| ${c.name} | ${(c.raw / 1024).toFixed(1)} KB | ${(c.gz / 1024).toFixed(1)} KB |`),
      `| all ${chunks.length} chunks | | ${(total / 1024).toFixed(0)} KB |`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
}
