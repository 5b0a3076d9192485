/**
 * `npm run bench:cli`: how fast the command line answers and the server starts, as a user feels it
 * (a whole process, from spawn to exit or to /health/ready 200), against the ceiling of this machine
 * at this hour: a Node process that does nothing (`node -e 0`), measured in the same run.
 * Targets (issue 8): `check uscc` ≤ 0.3 s, `--help` ≤ 0.3 s, the server ready on an existing
 * embedded store ≤ 3 s. Runs the compiled build (dist/), as `npm install` leaves it.
 *   --runs <n>   runs per command (default 10; the median is reported)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, numberArg } from './common.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'certbridge.js');
const runs = numberArg('runs', 10);

if (!existsSync(join(ROOT, 'dist', 'app', 'cli.js'))) {
  process.stderr.write('bench:cli measures the compiled CLI: run `npm run build` first\n');
  process.exit(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  const elapsed = performance.now() - started;
  if (result.status !== 0 && !(args.includes('uscc') && result.status === 1)) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return elapsed;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `certbridge serve` on `dataDir` and answers the time until /health/ready says 200; then stops it. */
async function timeServerReady(dataDir: string, demo: boolean): Promise<number> {
  const port = await freePort();
  const env = { ...process.env, CERTBRIDGE_DATA_DIR: dataDir, CERTBRIDGE_MASTER_KEY: 'c1'.repeat(32), CERTBRIDGE_LOG_LEVEL: 'warn', CERTBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}` };
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', ...(demo ? ['--demo'] : [])], { env, stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const load = loadavg()[0];
const baseline: number[] = [];
const help: number[] = [];
const uscc: number[] = [];
const version: number[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so that the machine's mood changes them alike.
  baseline.push(timeProcess(['-e', '0']));
  help.push(timeProcess([BIN, '--help']));
  uscc.push(timeProcess([BIN, 'check', 'uscc', '91350100M000100Y43']));
  version.push(timeProcess([BIN, '--version']));
}

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-bench-cli-'));
let firstStart: number;
const ready: number[] = [];
try {
  firstStart = await timeServerReady(dataDir, true); // creates the store, migrates, seeds the demo
  for (let i = 0; i < Math.max(3, Math.ceil(runs / 3)); i++) ready.push(await timeServerReady(dataDir, true));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const base = median(baseline);
const row = (what: string, ms: number, target: number) =>
  `| ${what} | ${(ms / 1000).toFixed(3)} s | ${(ms / base).toFixed(1)}× | ${(target / 1000).toFixed(1)} s | ${ms <= target ? 'met' : 'missed'} |`;
const lines = [
  `bench:cli on ${machine()}, load average ${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}, median of ${runs} runs`,
  `ceiling: \`node -e 0\` ${(base / 1000).toFixed(3)} s`,
  '',
  '| command | median | × node -e 0 | target | |',
  '|---|---|---|---|---|',
  row('certbridge --version', median(version), 300),
  row('certbridge --help', median(help), 300),
  row('certbridge check uscc <code>', median(uscc), 300),
  row(`server ready on an existing embedded store (demo seeded; median of ${ready.length})`, median(ready), 3000),
  `| server ready on a new store (create, migrate, seed the demo) | ${(firstStart / 1000).toFixed(3)} s | ${(firstStart / base).toFixed(1)}× | – | |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
