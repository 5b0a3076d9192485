/**
 * The CLI, as an operator runs it. `runCli` runs the command line in the test's own process
 * (runCommandLine, with the test's environment and buffers for its output): a call costs the
 * command's work, not a Node process loading the platform (3–5 s under CI's load). `runCliProcess`
 * spawns `node bin/certbridge.js …`, for what is about the process: `serve`, a lock held by another
 * process, a signal, the binary itself. Neither throws on a non-zero exit: tests read the code and output.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommandLine } from '../../src/app/commandLine.ts';
import { LOCK_FILE, type LockHolder } from '../../src/platform/store/dataDirLock.ts';
import { REPO_ROOT } from './serverProcess.ts';

export interface CliRun {
  /** The exit code; 1 when the command ended without one (killed, timed out). */
  code: number;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  timeoutMs?: number;
}

/** A stream that keeps what is written to it (not a terminal: commands print plain lines, no progress bars). */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * A folder this process holds would be taken over by a command run in it (a lock naming its own pid
 * is one a dead process left), where an operator's command is refused: the test is wrong, not the CLI.
 */
function refuseHeldDataDir(args: string[], env: NodeJS.ProcessEnv): void {
  const flag = args.indexOf('--data-dir');
  const joined = args.find((a) => a.startsWith('--data-dir='));
  const dataDir = flag >= 0 ? args[flag + 1] : joined ? joined.slice('--data-dir='.length) : env.CERTBRIDGE_DATA_DIR;
  if (!dataDir) return;
  let holder: Partial<LockHolder> = {};
  try {
    holder = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return;
  }
  if (holder.pid === process.pid) throw new Error(`runCli: this test process holds ${dataDir} (${holder.command}): close it first, or run the command with runCliProcess`);
}

/**
 * Runs `certbridge <args>` in this process with the test's environment plus `env`. After `timeoutMs`
 * it answers code 1 saying so; the command cannot be killed, so it may still be running then.
 */
export async function runCli(args: string[], env: Record<string, string> = {}, options: CliOptions = {}): Promise<CliRun> {
  const timeout = options.timeoutMs ?? 60_000;
  const cliEnv = { ...process.env, ...env };
  refuseHeldDataDir(args, cliEnv);
  const out = collector();
  const err = collector();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeout);
  });
  try {
    const code = await Promise.race([runCommandLine(args, { env: cliEnv, out: out.stream, err: err.stream }), timedOut]);
    const late = code === undefined ? `\n[runCli] certbridge ${args.join(' ')} still running after ${timeout} ms` : '';
    return { code: code ?? 1, stdout: out.text(), stderr: err.text() + late };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `node bin/certbridge.js <args>` (from the repository's root) with the test's environment plus `env`, at most `timeoutMs` (then killed). */
export function runCliProcess(args: string[], env: Record<string, string> = {}, options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const timeout = options.timeoutMs ?? 60_000;
    execFile(process.execPath, ['bin/certbridge.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      // A run killed for taking too long says so, or its failure reads like the command's own.
      const killed = error?.killed ? `\n[runCli] certbridge ${args.join(' ')} killed (${error.signal}) after ${timeout} ms` : '';
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr: stderr + killed });
    });
  });
}
