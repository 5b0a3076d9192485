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
}

export interface Store extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… — when set, a real PostgreSQL server is used. */
  databaseUrl?: string;
  /** Folder of the embedded store; undefined means in memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./postgres.ts');
    return openPostgresStore(options.databaseUrl, options.poolSize);
  }
  const { openPgliteStore } = await import('./pglite.ts');
  return openPgliteStore(options.dataDir);
}
