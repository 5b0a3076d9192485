import type { DataDirLock } from './dataDirLock.ts';
/**
 * One SQL dialect, PostgreSQL, behind a tiny interface: PGlite in-process (the embedded
 * default) or a real PostgreSQL server through `pg`. Every capability writes plain
 * parameterised SQL against `Queryable`; nothing else about the two engines leaks out.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /**
   * `options.name` makes it a prepared statement on PostgreSQL (parsed and planned once per
   * connection, then only bound and executed): for the hottest queries. The same name must always
   * go with the same SQL. PGlite ignores it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `effect` once what was written through this handle is committed (at once outside a
   * transaction; never when the transaction rolls back). For effects on this process's memory, such
   * as dropping a cached answer, which must not happen while the change may still roll back.
   */
  afterCommit(effect: () => void): void;
  /**
   * Runs `work` inside the transaction just before it commits, after everything its caller wrote
   * (hooks run in the order registered; one registered by a hook runs too). Its failure rolls the
   * transaction back. Only on a transaction's handle: a write that must be the last of its
   * transaction (the audit log's append, which holds the log's lock until the commit).
   */
  beforeCommit?(work: () => Promise<void>): void;
  /**
   * Streams `data` (COPY text format) into `COPY … FROM STDIN` and returns the rows written. Only on
   * a PostgreSQL transaction's handle: bulk loads (the import) parse rows without a statement's
   * parameters. Undefined on the embedded store, which has no COPY from the client; callers insert.
   */
  copyFrom?(sql: string, data: string): Promise<number>;
}

/** What a store tells a listener of its notification channel. */
export interface ChannelHandlers {
  message: (payload: string) => void;
  /** The channel was down and is back: messages may have been missed in between. */
  reset: () => void;
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The embedded store's folder lock (this process holds it while the store is open). */
  readonly lock?: DataDirLock;
  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Listens to a notification channel (PostgreSQL LISTEN, on a connection of its own that comes back
   * by itself after a restart of the database). Undefined on the embedded store, which one process
   * alone may open. Returns the stop.
   */
  listen?(channel: string, handlers: ChannelHandlers): () => Promise<void>;
  /**
   * Runs `work` while no other process starting on this store runs its own (PostgreSQL: a session
   * advisory lock, freed when the work ends or the process dies): what several nodes starting at
   * once on an empty database must do one at a time (migrate, seed). The others wait.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** A consistent copy of the embedded store, gzip'd tar (`certbridge backup`); PostgreSQL has its own tools. */
  backup?(): Promise<Buffer>;
  /** The pool's connections now (PostgreSQL), for metrics. */
  poolUse?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… — when set, a real PostgreSQL server is used. */
  databaseUrl?: string;
  /** Folder of the embedded store; undefined means in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** What opens it (named in the folder's lock, for whoever finds it taken). */
  command?: string;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./postgres.ts');
    return openPostgresStore(options.databaseUrl, options.poolSize);
  }
  const { openPgliteStore } = await import('./pglite.ts');
  return openPgliteStore(options.dataDir, options.command);
}
