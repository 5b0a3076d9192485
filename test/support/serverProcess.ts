/**
 * The real server as a child process (`node bin/certbridge.js serve --port <free> …`), the way an
 * operator runs it: for tests that kill it, restart it, or take its database away underneath it.
 * Its stdout and stderr are collected for diagnostics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './pgCluster.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Exit code and signal once it ended (undefined while it runs). */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resolves when it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits (at most `timeoutMs`, then SIGKILL) until it ended. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote so far (stdout then stderr), for failure messages. */
  output(): string;
}

export interface ServerOptions {
  /** Environment added to the test's (DATABASE_URL, CERTBRIDGE_MASTER_KEY, …). */
  env?: Record<string, string>;
  /** Extra arguments after `serve --port N` (e.g. `--data-dir D`). */
  args?: string[];
  /** How long to wait for GET /health/live. */
  readyTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts the server and resolves once `GET /health/live` answers 200. */
export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A test that crashed or timed out must not leave a server behind.
    process.once('exit', () => {
      for (const child of running) child.kill('SIGKILL');
    });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/certbridge.js', 'serve', '--port', String(port), ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, CERTBRIDGE_LOG_LEVEL: 'warn', CERTBRIDGE_PUBLIC_URL: url, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  // Keep the tail only: a server under load may log a lot.
  const keep = (text: string) => (text.length > 200_000 ? text.slice(-200_000) : text);
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout = keep(stdout + chunk)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = keep(stderr + chunk)));
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      running.delete(child);
      resolve(ended);
    });
  });
  const output = () => `--- server stdout ---\n${stdout}\n--- server stderr ---\n${stderr}`;

  const kill = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
    if (ended) return ended;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const result = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (result === 'late') {
      child.kill('SIGKILL');
      return exited;
    }
    return result;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (ended) throw new Error(`the server exited (code ${ended.code}, signal ${ended.signal}) before it answered /health/live\n${output()}`);
    try {
      const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2_000) });
      await response.text();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw new Error(`the server did not answer /health/live within ${options.readyTimeoutMs ?? 90_000} ms\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    pid: child.pid!,
    alive: () => ended === undefined,
    exit: () => ended,
    exited,
    kill,
    output,
  };
}
