import '../wasmCalls.ts';
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { dumpPglite } from './backup.ts';
import { DataDirLock } from './dataDirLock.ts';
import type { Queryable, QueryResult, Store } from './store.ts';

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
  [types.NUMERIC]: (v: string) => Number(v),
};

function wrap(db: Pick<PGlite, 'query' | 'exec'>, effects?: (() => void)[], hooks?: (() => Promise<void>)[]): Queryable {
  return {
    ...(hooks ? { beforeCommit: (work: () => Promise<void>) => void hooks.push(work) } : {}),
    afterCommit(effect: () => void): void {
      if (effects) effects.push(effect);
      else effect();
    },
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const result = await db.query<T>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

export async function openPgliteStore(dataDir?: string, command = 'certbridge'): Promise<Store> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per folder: a second one would write into a copy nobody else sees.
  const lock = dataDir ? DataDirLock.acquire(dataDir, command) : undefined;
  let db: PGlite;
  try {
    // pg_trgm: the license registry's name search (a migration creates the extension, as on PostgreSQL).
    db = await PGlite.create(dataDir, { parsers, extensions: { pg_trgm } });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const base = wrap(db);
  return {
    kind: 'pglite',
    lock,
    query: base.query,
    exec: base.exec,
    afterCommit: base.afterCommit,
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const effects: (() => void)[] = [];
      const hooks: (() => Promise<void>)[] = [];
      const result = await db.transaction(async (tx) => {
        const done = await work(wrap(tx, effects, hooks));
        for (let hook = hooks.shift(); hook; hook = hooks.shift()) await hook();
        return done;
      });
      for (const effect of effects) effect();
      return result;
    },
    backup: () => dumpPglite(db),
    // One process holds the folder: nobody else can be starting on it.
    exclusive: <T>(work: () => Promise<T>) => work(),
    async close() {
      if (!db.closed) await db.close();
      lock?.release();
    },
  };
}
