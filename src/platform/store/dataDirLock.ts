/**
 * The embedded store's folder belongs to one process at a time. PGlite is PostgreSQL inside the
 * process: two processes opening one folder each believe they own it, and one's writes vanish.
 * So the folder is locked by the process that opens it (`certbridge.lock`, created exclusively),
 * a second opener is told who holds it, and a lock left by a process that died is taken over.
 *
 * A running server adds to its lock where it listens and a per-run operator token (the file is
 * readable by its owner only): the CLI beside it sends its writes through the server's API
 * instead of opening the folder.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'certbridge.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** What the holder runs, e.g. `serve` or `import`. */
  command: string;
  /** A server's address and its operator token, once it listens. */
  url?: string;
  operatorToken?: string;
}

/** Another live process holds the folder. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the embedded store in ${dataDir} is in use by another CertBridge process (pid ${holder.pid} on ${holder.host}, ${holder.command}, since ${holder.startedAt}${holder.url ? `, serving ${holder.url}` : ''}); ` +
        'only one process may open it: stop that one first, or use PostgreSQL (DATABASE_URL), which many processes share',
    );
    this.name = 'DataDirInUse';
  }
}

/** Whether a process of this machine runs under `pid` (the lock's holder; a test run's leftovers). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the folder, if any (a lock of a dead process, or of another host, is ignored). */
export function lockHolder(dataDir: string): LockHolder | undefined {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
  if (typeof holder?.pid !== 'number') return undefined;
  if (holder.host !== hostname()) return holder;
  return holder.pid !== process.pid && processAlive(holder.pid) ? holder : undefined;
}

export class DataDirLock {
  private constructor(
    private readonly file: string,
    private holder: LockHolder,
  ) {}

  /** Takes the folder's lock, or throws DataDirInUse naming the process that has it. */
  static acquire(dataDir: string, command: string): DataDirLock {
    const file = join(dataDir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
        return new DataDirLock(file, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = lockHolder(dataDir);
        if (current) throw new DataDirInUse(dataDir, current);
        // Left by a process that died (kill -9, a crash): take it over.
        try {
          unlinkSync(file);
        } catch {
          // Another process took it over first: the next attempt finds out.
        }
      }
    }
    const current = lockHolder(dataDir);
    if (current) throw new DataDirInUse(dataDir, current);
    throw new Error(`could not lock ${dataDir}`);
  }

  /** A server announces where it listens, with a fresh operator token for the CLI; returns the token. */
  announceServer(url: string): string {
    const operatorToken = randomBytes(32).toString('base64url');
    this.holder = { ...this.holder, url, operatorToken };
    writeFileSync(this.file, JSON.stringify(this.holder), { mode: 0o600 });
    return operatorToken;
  }

  release(): void {
    try {
      const current = JSON.parse(readFileSync(this.file, 'utf8')) as LockHolder;
      if (current.pid === process.pid) unlinkSync(this.file);
    } catch {
      // Already gone.
    }
  }
}
