import { readFileSync } from 'node:fs';
import type { Store } from './store.ts';

/** One schema change, owned by the capability whose tables it touches. */
export interface Migration {
  id: string;
  sql: string;
}

/** Reads `<capability>/migrations/<file>.sql` next to the calling module. */
export function sqlMigration(capability: string, file: string, base: string): Migration {
  return { id: `${capability}/${file}`, sql: readFileSync(new URL(`./migrations/${file}.sql`, base), 'utf8') };
}

/**
 * Applies, in order, the migrations not yet applied. An advisory lock makes concurrent
 * starts against one PostgreSQL (a server and a CLI import, say) take turns.
 */
export async function migrate(store: Store, migrations: readonly Migration[]): Promise<string[]> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7261001)');
    await tx.query(
      'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set((await tx.query<{ id: string }>('select id from schema_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (id) values ($1)', [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}
