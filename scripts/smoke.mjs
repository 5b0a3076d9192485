// A start-and-verify smoke test of the compiled platform (dist/), in plain JavaScript so that any
// Node runs it as it is: `.ci/run` runs it on the current LTS (`npx -y -p node@24 node scripts/smoke.mjs`).
// It starts `certbridge serve --demo` on a new embedded store, waits for /health/ready, takes the
// demo issuer's token, picks a license from the registry and verifies it through the public API
// (by identifier and code, as a QR scan does); exit 0 when the verdict is valid, 1 otherwise.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URLSearchParams } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const READY_WITHIN_MS = 180_000;

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-smoke-'));
const output = [];
const child = spawn(process.execPath, [join(root, 'bin', 'certbridge.js'), 'serve', '--demo', '--port', String(port), '--host', '127.0.0.1'], {
  env: { ...process.env, CERTBRIDGE_DATA_DIR: dataDir, CERTBRIDGE_PUBLIC_URL: base, CERTBRIDGE_LOG_LEVEL: 'warn', DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
child.stdout.on('data', (chunk) => output.push(chunk));
child.stderr.on('data', (chunk) => output.push(chunk));

async function json(path, init) {
  const response = await fetch(`${base}${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

try {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (Date.now() - started > READY_WITHIN_MS) throw new Error(`not ready within ${READY_WITHIN_MS / 1000} s`);
    const ready = await fetch(`${base}/health/ready`).then((r) => r.status, () => 0);
    if (ready === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { access_token: token } = await json('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-samr', client_secret: 'demo-samr-secret' }),
  });
  const { items } = await json('/api/v1/licenses?limit=1', { headers: { authorization: `Bearer ${token}` } });
  if (items.length !== 1) throw new Error('the demo registry is empty');
  const license = await json(`/api/v1/licenses/${encodeURIComponent(items[0].identifier)}`, { headers: { authorization: `Bearer ${token}` } });
  const link = new URL(license.verificationUrl ?? license.verification?.url);
  const verdict = await json(`${link.pathname}${link.search}`, { headers: { accept: 'application/json' } });
  if (verdict.valid !== true) throw new Error(`the license did not verify: ${JSON.stringify(verdict)}`);
  process.stdout.write(`smoke: Node ${process.version}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s, ${items[0].identifier} verified valid\n`);
} catch (error) {
  process.stderr.write(`smoke failed on Node ${process.version}: ${error.message}\n--- server output ---\n${Buffer.concat(output).toString()}\n`);
  process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
}
