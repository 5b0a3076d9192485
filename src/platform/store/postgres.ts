import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { DomainError } from '../errors.ts';
import type { ChannelHandlers, Queryable, QueryResult, Store } from './store.ts';

// Same value shapes as PGlite: int8 as number (ids stay far below 2^53), DATE as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections,
// read_only_sql_transaction (a connection still on a primary that became a standby, or reached one,
// during a failover), and class 08 (connection exception).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
const CONNECTION_MESSAGES = /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect|Connection refused/i;

/** Whether `error` means the database cannot be reached right now (rather than a fault of the query). */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

/** The failure every caller sees while the database is unreachable: a 503 with Retry-After at the edge. */
export const storeUnavailable = (cause: unknown) =>
  new DomainError('unavailable', 'store-unavailable', 'the database cannot be reached right now; try again in a moment', { retryAfterSeconds: 1, cause });

const translate = (error: unknown): unknown => (isUnavailable(error) ? storeUnavailable(error) : error);

/** The advisory lock one starting process holds while it migrates and seeds (the others wait). */
const START_LOCK = 7261002;

function wrap(client: pg.Pool | pg.PoolClient, broken?: (error: unknown) => void, effects?: (() => void)[], hooks?: (() => Promise<void>)[]): Queryable {
  return {
    ...(hooks ? { beforeCommit: (work: () => Promise<void>) => void hooks.push(work) } : {}),
    // Only a transaction's handle (hooks) holds one connection of its own, as COPY needs.
    ...(hooks
      ? {
          async copyFrom(sql: string, data: string): Promise<number> {
            const copy = (client as pg.PoolClient).query(copyFromStdin(sql));
            try {
              await pipeline(Readable.from([data]), copy);
              return copy.rowCount;
            } catch (error) {
              if (isUnavailable(error)) broken?.(error);
              throw translate(error);
            }
          },
        }
      : {}),
    afterCommit(effect: () => void): void {
      if (effects) effects.push(effect);
      else effect();
    },
    async query<T>(sql: string, params: unknown[] = [], options?: { name?: string }): Promise<QueryResult<T>> {
      try {
        const result = options?.name ? await client.query({ name: options.name, text: sql, values: params }) : await client.query(sql, params);
        return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        if (isUnavailable(error)) broken?.(error);
        throw translate(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (error) {
        if (isUnavailable(error)) broken?.(error);
        throw translate(error);
      }
    },
  };
}

/**
 * LISTEN on a connection of its own. When it drops (a restart of the database), it comes back after
 * a short wait, and `reset` tells the listener that messages may have been missed meanwhile.
 */
function listenOn(url: string, channel: string, handlers: ChannelHandlers): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let everConnected = false;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = c;
    const again = () => {
      if (stopped || client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      retry = setTimeout(() => void connect(), 250);
      retry.unref();
    };
    c.on('error', again);
    c.on('end', again);
    c.on('notification', (n) => {
      if (n.channel === channel) handlers.message(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`listen "${channel.replace(/"/g, '')}"`);
      if (everConnected) handlers.reset();
      everConnected = true;
    } catch {
      again();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

export async function openPostgresStore(url: string, poolSize = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000, keepAlive: true });
  // A connection lost while idle, or while checked out (a restart of the database), is reported as an
  // 'error' event on the pool or the client: unhandled, it would end the process. The query in flight
  // fails by itself; the pool replaces the connection on the next checkout.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw translate(error);
  }
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    afterCommit: base.afterCommit,
    listen: (channel, handlers) => listenOn(url, channel, handlers),
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      // A connection that failed is destroyed on release, not handed to the next caller.
      let failure: unknown;
      const effects: (() => void)[] = [];
      const hooks: (() => Promise<void>)[] = [];
      const tx = wrap(
        client,
        (error) => {
          failure ??= error;
        },
        effects,
        hooks,
      );
      try {
        await tx.query('begin');
        const result = await work(tx);
        for (let hook = hooks.shift(); hook; hook = hooks.shift()) await hook();
        await tx.query('commit');
        for (const effect of effects) effect();
        return result;
      } catch (error) {
        if (failure === undefined) await client.query('rollback').catch((rollbackError: unknown) => (failure = rollbackError));
        throw error;
      } finally {
        client.release(failure instanceof Error ? failure : failure === undefined ? undefined : true);
      }
    },
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    async exclusive<T>(work: () => Promise<T>): Promise<T> {
      // A connection of its own, outside the pool (a pool of one would deadlock the work), holds
      // the session lock; if this process dies, PostgreSQL ends the session and frees the lock.
      const holder = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      holder.on('error', () => undefined);
      try {
        await holder.connect();
        await holder.query('select pg_advisory_lock($1)', [START_LOCK]);
      } catch (error) {
        await holder.end().catch(() => undefined);
        throw translate(error);
      }
      try {
        return await work();
      } finally {
        await holder.end().catch(() => undefined);
      }
    },
    async close() {
      // Closing twice (a test's cleanup after the code under test closed it) is harmless.
      if (!pool.ended) await pool.end();
    },
  };
}
