import { readFileSync } from 'node:fs';
import type { Queryable, Store } from './store.ts';

/** One schema change, owned by the capability whose tables it touches. */
export interface Migration {
  id: string;
  sql: string;
}

/** Reads `<capability>/migrations/<file>.sql` next to the calling module. */
export function sqlMigration(capability: string, file: string, base: string): Migration {
  return { id: `${capability}/${file}`, sql: readFileSync(new URL(`./migrations/${file}.sql`, base), 'utf8') };
}

/** The schema a binary finds: applied ids, the migrations it knows and has not applied, and applied ids it does not know (a newer binary's). */
export interface SchemaState {
  applied: string[];
  pending: Migration[];
  unknown: string[];
}

/** The schema's version is the number of migrations applied to it; a binary knows as many as its list holds. */
export class SchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaVersionError';
  }
}

export async function schemaState(db: Queryable, migrations: readonly Migration[]): Promise<SchemaState> {
  const exists = (await db.query<{ found: string | null }>("select to_regclass('schema_migrations')::text as found")).rows[0].found !== null;
  const applied = exists ? (await db.query<{ id: string }>('select id from schema_migrations order by applied_at, id')).rows.map((r) => r.id) : [];
  const done = new Set(applied);
  const known = new Set(migrations.map((m) => m.id));
  return { applied, pending: migrations.filter((m) => !done.has(m.id)), unknown: applied.filter((id) => !known.has(id)) };
}

/** Refuses a schema a newer binary migrated: running on it could write what the newer code cannot read. */
export function refuseNewerSchema(state: SchemaState, migrations: readonly Migration[]): void {
  if (state.unknown.length === 0) return;
  throw new SchemaVersionError(
    `the database schema is at version ${state.applied.length} (newest ${state.unknown.at(-1)}), newer than this CertBridge knows (version ${migrations.length}, newest ${migrations.at(-1)?.id ?? 'none'}): run the newer release`,
  );
}

/** Refuses a schema with migrations still to apply (what commands and `serve` without `--migrate` do). */
export function refuseOlderSchema(state: SchemaState, migrations: readonly Migration[]): void {
  if (state.pending.length === 0) return;
  throw new SchemaVersionError(
    `the database schema is at version ${state.applied.length}, this CertBridge needs version ${migrations.length} (${state.pending.length} to apply, first ${state.pending[0].id}): run \`certbridge migrate\` (or \`certbridge serve --migrate\`)`,
  );
}

/**
 * Applies, in order, the migrations not yet applied, and returns their ids; refuses a schema newer
 * than `migrations`. An advisory lock makes concurrent starts against one PostgreSQL take turns.
 * `dryRun`: only says what would be applied.
 */
export async function migrate(store: Store, migrations: readonly Migration[], options: { dryRun?: boolean } = {}): Promise<string[]> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(7261001)');
    const state = await schemaState(tx, migrations);
    refuseNewerSchema(state, migrations);
    if (options.dryRun) return state.pending.map((m) => m.id);
    await tx.query(
      'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
    for (const migration of state.pending) {
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (id) values ($1)', [migration.id]);
    }
    return state.pending.map((m) => m.id);
  });
}
