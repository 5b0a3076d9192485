/**
 * The compiled CLI as an operator runs it (`node bin/certbridge.js …`, from the repository's root;
 * `npm test` builds dist/ first). Never throws on a non-zero exit: tests read the code and output.
 */
import { execFile } from 'node:child_process';
import { REPO_ROOT } from './serverProcess.ts';

export interface CliRun {
  /** The exit code; 1 when the process ended without one (killed, timed out). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `certbridge <args>` with the test's environment plus `env`, at most `timeoutMs` (then killed). */
export function runCli(args: string[], env: Record<string, string> = {}, options: { timeoutMs?: number } = {}): Promise<CliRun> {
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
