/**
 * A PRIVATE PostgreSQL cluster for one test: its own data folder under the temp dir, its own
 * free TCP port on 127.0.0.1, its own unix socket folder, trust authentication. It is created
 * with `initdb` and driven with `pg_ctl` of the installed major version, run as the `postgres`
 * OS user (`runuser -u postgres -- …`, since PostgreSQL refuses to run as root).
 *
 * It never touches the machine's shared PostgreSQL (port 5432): no pg_ctlcluster, no service
 * commands; every pg_ctl call names this cluster's own data folder.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { processAlive } from '../../src/platform/store/dataDirLock.ts';

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

export interface PgCluster {
  /** The TCP port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** The cluster's folder (data, socket, log). */
  readonly dir: string;
  /** A connection URL for database `db` (user postgres, trust auth). */
  url(db?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl restart -m <mode>`: returns once the new postmaster accepts connections. */
  restart(mode?: ShutdownMode): Promise<void>;
  /** `pg_ctl stop -m <mode>`: returns once it is down. */
  stop(mode?: ShutdownMode): Promise<void>;
  /** `pg_ctl start`: returns once it accepts connections. */
  start(): Promise<void>;
  /** Whether a fresh connection can run `select 1` right now. */
  accepting(): Promise<boolean>;
  /** The server log so far (for diagnostics). */
  log(): string;
  /** Stops it (immediate) and removes its folder. Safe to call twice. */
  destroy(): Promise<void>;
}

const TOOL_TIMEOUT_MS = 60_000;

/** The bin folder of the newest PostgreSQL installed under /usr/lib/postgresql. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error(`no PostgreSQL installed under ${root}`);
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'pg_ctl')) && existsSync(join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error(`no initdb/pg_ctl under ${root}/*/bin`);
  return join(root, majors[0], 'bin');
}

/** Whether this machine can run a private cluster (PostgreSQL installed, runuser and a postgres user, and we are root to use them). */
export function canRunPrivateCluster(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    postgresBinDir();
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') || existsSync('/usr/bin/runuser');
  } catch {
    return false;
  }
}

/** A TCP port nothing listens on right now (never 5432). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port !== 5432 && port !== 0) return port;
  }
}

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/** Runs a PostgreSQL tool as the postgres OS user; rejects with its output on failure. */
function asPostgres(bin: string, tool: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd, timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

// Clusters still running when the test process exits (a crashed or timed-out test) are stopped.
const live = new Set<{ bin: string; data: string; dir: string }>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        execFileSync('runuser', ['-u', 'postgres', '--', join(c.bin, 'pg_ctl'), 'stop', '-D', c.data, '-m', 'immediate', '-w', '-t', '10'], { cwd: c.dir, stdio: 'ignore', timeout: 15_000 });
      } catch {
        // already down
      }
      rmSync(c.dir, { recursive: true, force: true });
    }
  });
}

const PREFIX = 'certbridge-pg-';
const OWNER_FILE = 'owner.pid';

/**
 * Stops and removes the private clusters of earlier test processes that died without cleaning up
 * (killed by a signal, say): only folders of ours whose owning process is gone.
 */
function sweepAbandoned(bin: string) {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // being created, or not ours
    }
    if (!Number.isInteger(owner) || owner <= 0 || processAlive(owner)) continue;
    try {
      if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
        execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-D', join(dir, 'data'), '-m', 'immediate', '-w', '-t', '10'], { cwd: tmpdir(), stdio: 'ignore', timeout: 15_000 });
      }
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creates and starts a private cluster. On any failure while setting it up, whatever was
 * created is stopped and removed before the error is thrown.
 */
export async function startCluster(options: { settings?: Record<string, string | number> } = {}): Promise<PgCluster> {
  const bin = postgresBinDir();
  sweepAbandoned(bin);
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const entry = { bin, data, dir };
  installExitHook();
  live.add(entry);
  let port = 0;
  const pgCtl = (...args: string[]) => asPostgres(bin, 'pg_ctl', ['-D', data, ...args], dir);
  const destroy = async () => {
    if (!live.has(entry)) return;
    live.delete(entry);
    if (existsSync(join(data, 'postmaster.pid'))) await pgCtl('stop', '-m', 'immediate', '-w', '-t', '30').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    chownSync(dir, idOf('-u', 'postgres'), idOf('-g', 'postgres'));
    await asPostgres(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], dir);
    port = await freePort();
    const settings: Record<string, string | number> = {
      listen_addresses: "'127.0.0.1'",
      port,
      unix_socket_directories: `'${dir}'`,
      max_connections: 100,
      shared_buffers: "'32MB'",
      logging_collector: 'off',
      log_min_messages: 'warning',
      ...options.settings,
    };
    const conf = join(data, 'postgresql.conf');
    // Written as the postgres user owns it: appending as root keeps the owner.
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# certbridge fault tests\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`);
    await pgCtl('start', '-w', '-t', '60', '-l', logFile);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    await destroy();
    throw new Error(`could not start a private PostgreSQL cluster: ${(error as Error).message}\n${log}`);
  }
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    port,
    dir,
    url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async restart(mode: ShutdownMode = 'fast') {
      await pgCtl('restart', '-m', mode, '-w', '-t', '60', '-l', logFile);
    },
    async stop(mode: ShutdownMode = 'fast') {
      await pgCtl('stop', '-m', mode, '-w', '-t', '60');
    },
    async start() {
      await pgCtl('start', '-w', '-t', '60', '-l', logFile);
    },
    async accepting() {
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    destroy,
  };
}
