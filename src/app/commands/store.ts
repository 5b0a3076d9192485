/**
 * How a command reaches the store. PostgreSQL: open it (many processes share it). The embedded
 * store: only if no other process holds its folder; a running server holds it, and then the
 * commands that can go through the server's API do (with the operator token it left in the lock
 * file), and the others refuse, naming the server.
 */
import { userInfo } from 'node:os';
import type { CliOutput } from '../../platform/cliOutput.ts';
import { loadConfig, storeFlagsOf, type Config, type ConfigOverrides } from '../../platform/config.ts';
import type { OperatorPrincipal } from '../../platform/auth/principal.ts';
import type { Platform } from '../../platform/platform.ts';
import { DataDirInUse, lockHolder, type LockHolder } from '../../platform/store/dataDirLock.ts';
import { createLogger } from '../../platform/log.ts';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

/** The operator running the CLI, as the audit log names them. */
export const operator = (): OperatorPrincipal => ({ kind: 'operator', name: safeUser() });

function safeUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

/** `env`: the process's when not given. */
export function commandConfig(flags: StoreFlags & ConfigOverrides, env?: NodeJS.ProcessEnv): Config {
  return loadConfig({ ...flags, ...storeFlagsOf(flags, env) }, env);
}

/** The server that holds the embedded store's folder, when one runs and can be asked. */
export function runningServer(config: Config): (LockHolder & { url: string; operatorToken: string }) | undefined {
  if (config.databaseUrl) return undefined;
  const holder = lockHolder(config.dataDir);
  return holder?.url && holder.operatorToken ? (holder as LockHolder & { url: string; operatorToken: string }) : undefined;
}

/** Opens the platform for one command (logging to `log`) and closes it afterwards; a held folder is an error naming its holder. */
export async function withPlatform<T>(config: Config, command: string, log: CliOutput, work: (platform: Platform) => Promise<T>): Promise<T> {
  const { openPlatform } = await import('../platform.ts');
  // Commands never migrate: an upgrade is `certbridge migrate` (or `serve --migrate`), on purpose.
  const platform = await openPlatform(config, { command, log: createLogger(config, log), migrate: false });
  try {
    return await work(platform);
  } finally {
    await platform.store.close();
  }
}

/** A call of the running server's API as the operator; a problem answer becomes an error with its detail. */
export async function callServer<T>(server: { url: string; operatorToken: string }, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as T & { detail?: string; code?: string; field?: string }) : ({} as T & { detail?: string });
  if (!response.ok) {
    const problem = parsed as { detail?: string; code?: string; field?: string };
    throw Object.assign(new Error(problem.detail ?? `the server answered ${response.status}`), { code: problem.code, field: problem.field });
  }
  return parsed;
}

/** A file from the running server's API as the operator (a report); a problem answer becomes an error with its detail. */
export async function downloadFromServer(server: { url: string; operatorToken: string }, path: string): Promise<{ contentType: string; body: Buffer }> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.operatorToken}` } });
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) {
    let problem: { detail?: string; code?: string; field?: string } = {};
    try {
      problem = JSON.parse(body.toString('utf8')) as typeof problem;
    } catch {
      // not a problem document: the status says it
    }
    throw Object.assign(new Error(problem.detail ?? `the server answered ${response.status}`), { code: problem.code, field: problem.field });
  }
  return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', body };
}

export { DataDirInUse };
