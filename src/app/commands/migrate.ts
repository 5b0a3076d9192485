/**
 * `certbridge migrate [--dry-run]`: the one step that upgrades the schema (commands never do; a
 * server does only with `--migrate`, the default on the embedded store). It needs no master key:
 * it touches tables, never keys.
 */
import type { Config } from '../../platform/config.ts';

export async function migrateCommand(config: Config, options: { dryRun?: boolean; json?: boolean }, print: (line: string) => void): Promise<void> {
  const [{ MIGRATIONS }, { migrate, schemaState }, { openStore }] = await Promise.all([
    import('../platform.ts'),
    import('../../platform/store/migrate.ts'),
    import('../../platform/store/store.ts'),
  ]);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, command: 'migrate' });
  try {
    const before = (await schemaState(store, MIGRATIONS)).applied.length;
    const ids = await store.exclusive(() => migrate(store, MIGRATIONS, { dryRun: options.dryRun }));
    const report = { dryRun: options.dryRun === true, from: before, to: options.dryRun ? before : before + ids.length, known: MIGRATIONS.length, migrations: ids };
    if (options.json) return print(JSON.stringify(report, null, 2));
    if (ids.length === 0) return print(`the schema is up to date (version ${before})`);
    print(options.dryRun ? `would apply ${ids.length} migrations (version ${before} -> ${before + ids.length}):` : `applied ${ids.length} migrations (version ${before} -> ${before + ids.length}):`);
    for (const id of ids) print(`  ${id}`);
  } finally {
    await store.close();
  }
}
