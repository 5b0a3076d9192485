/**
 * The migrated templates of a test run's stores. Most test files start on a store with every
 * migration applied; creating PGlite's data folder (its initdb) and migrating it took several
 * seconds per file. The run's global setup does it once: an embedded store's data folder, migrated,
 * that each file copies, and on PostgreSQL a migrated database that `create database … template`
 * copies. The workers learn of both through the environment, as they learn the seed
 * (test/support/seed.ts).
 *
 * The embedded template is a folder, not a dump: a copy of its ~40 MB (on /dev/shm where the machine
 * has it) opens in ~1.5 s at CI's load, where loading the same files from a dump into PGlite's memory
 * took ~2.6 s (most of it unpacking the tar into the in-memory file system), and the store starts
 * once per test file.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS } from '../../src/app/platform.ts';
import { processAlive } from '../../src/platform/store/dataDirLock.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { openStore } from '../../src/platform/store/store.ts';

/** The environment variables that name the templates (and the run's folder of embedded stores) to the workers. */
export const PGLITE_TEMPLATE = 'CERTBRIDGE_TEST_PGLITE_TEMPLATE';
export const POSTGRES_TEMPLATE = 'CERTBRIDGE_TEST_POSTGRES_TEMPLATE';
const RUN_STORES = 'CERTBRIDGE_TEST_STORES';

/** Builds the templates this run needs (unless already built) and returns their removal. */
export async function prepareTemplates(): Promise<() => Promise<void>> {
  const removals: (() => Promise<void>)[] = [];
  if (!process.env[PGLITE_TEMPLATE]) {
    // One folder for the run's template and every store its files copy, removed with the run. On
    // /dev/shm a folder left behind holds memory, so those of runs whose process is gone go first.
    removeFoldersOfEndedRuns();
    const run = mkdtempSync(join(storeFolders(), `certbridge-run-${process.pid}-`));
    const folder = join(run, 'template');
    const store = await openStore({ dataDir: folder });
    await migrate(store, MIGRATIONS);
    await store.close();
    process.env[PGLITE_TEMPLATE] = folder;
    process.env[RUN_STORES] = run;
    removals.push(async () => rmSync(run, { recursive: true, force: true }));
  }
  const base = process.env.TEST_DATABASE_URL;
  if (base && !process.env[POSTGRES_TEMPLATE]) {
    const name = `certbridge_template_${randomBytes(6).toString('hex')}`;
    await adminQuery(base, `create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    // Closed before any copy: PostgreSQL copies no template that has a connection.
    const store = await openStore({ databaseUrl: url.toString(), poolSize: 1 });
    await migrate(store, MIGRATIONS);
    await store.close();
    process.env[POSTGRES_TEMPLATE] = name;
    removals.push(() => adminQuery(base, `drop database if exists ${name} with (force)`));
  }
  return async () => {
    for (const remove of removals) await remove();
  };
}

/** Where the embedded stores' folders go: memory (/dev/shm) where the machine offers it, else the temporary folder. */
function storeFolders(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** A new folder for a test file's embedded store, inside the run's folder (so it goes with the run). */
export function newStoreFolder(): string {
  return mkdtempSync(join(process.env[RUN_STORES] ?? storeFolders(), 'store-'));
}

function removeFoldersOfEndedRuns(): void {
  const base = storeFolders();
  for (const name of readdirSync(base)) {
    const pid = /^certbridge-run-(\d+)-/.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) rmSync(join(base, name), { recursive: true, force: true });
  }
}

/** Makes `dataDir` (new or empty) a copy of the run's migrated embedded store. */
export function copyPgliteTemplate(dataDir: string): void {
  const template = process.env[PGLITE_TEMPLATE];
  if (!template || !existsSync(join(template, 'PG_VERSION'))) {
    throw new Error(`${PGLITE_TEMPLATE} names no migrated store: the run's global setup (test/support/storeTemplate.ts) builds it`);
  }
  cpSync(template, dataDir, { recursive: true });
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
