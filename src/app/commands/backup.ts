/**
 * `certbridge backup --out <file>` and `certbridge restore <file>`, for the embedded store. Beside
 * a running server the copy is taken by the server (which holds the folder) through its API with
 * the operator token of the lock file; otherwise the command opens the folder itself. The master
 * key is never in the file: keep it apart (docs/operations.md). PostgreSQL: pg_dump or pgBackRest.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../../platform/config.ts';

const POSTGRES = 'a PostgreSQL store is backed up and restored with PostgreSQL tools (pg_dump -Fc / pg_restore, or pgBackRest): see docs/operations.md';

export async function backupCommand(config: Config, options: { out: string }, print: (line: string) => void): Promise<void> {
  if (config.databaseUrl) throw new Error(POSTGRES);
  const { downloadFromServer, runningServer } = await import('./store.ts');
  const server = runningServer(config);
  let copy: Buffer;
  if (server) copy = (await downloadFromServer(server, '/api/v1/backup')).body;
  else {
    const { openStore } = await import('../../platform/store/store.ts');
    const store = await openStore({ dataDir: config.dataDir, command: 'backup' });
    try {
      copy = await store.backup!();
    } finally {
      await store.close();
    }
  }
  writeFileSync(options.out, copy, { mode: 0o600 });
  print(`backup written: ${options.out} (${(copy.length / 1024 / 1024).toFixed(1)} MiB${server ? ', taken by the running server' : ''}); the master key is not in it`);
}

export async function restoreCommand(config: Config, file: string, print: (line: string) => void): Promise<void> {
  if (config.databaseUrl) throw new Error(POSTGRES);
  const { restorePglite } = await import('../../platform/store/backup.ts');
  await restorePglite(config.dataDir, readFileSync(file));
  print(`restored into ${config.dataDir}; start it with the master key its signing keys are sealed with (CERTBRIDGE_MASTER_KEY or CERTBRIDGE_MASTER_KEY_FILE)`);
}
