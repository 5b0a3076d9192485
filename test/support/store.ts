import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/platform/store/store.ts';
import { copyPgliteTemplate, newStoreFolder, POSTGRES_TEMPLATE } from './storeTemplate.ts';

/** Which store this test run uses: set per Vitest project (see vitest.config.ts). */
export const testStoreKind = (): 'pglite' | 'postgres' => (process.env.CERTBRIDGE_TEST_STORE === 'postgres' ? 'postgres' : 'pglite');

/**
 * An embedded store in `dataDir`, as the CLI and the server open it: a new folder starts as a copy
 * of the run's migrated template (PGlite's initdb and every migration cost seconds per file); a
 * folder that holds a store already is opened as it is.
 */
export function openDataDirStore(dataDir: string): Promise<Store> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) copyPgliteTemplate(dataDir);
  return openStore({ dataDir });
}

/**
 * A fresh store for one test file: a PGlite (in memory when empty, in a folder of its own when a copy
 * of the template), or a new database on the PostgreSQL server of TEST_DATABASE_URL, dropped again by
 * `drop`. Empty, or with `migrated` a copy of the run's template with every migration applied
 * (test/support/storeTemplate.ts): seconds faster per file.
 */
export async function createTestStore(options: { migrated?: boolean } = {}): Promise<{ store: Store; url?: string; drop: () => Promise<void> }> {
  if (testStoreKind() === 'pglite') {
    if (!options.migrated) {
      const store = await openStore({});
      return { store, drop: () => store.close() };
    }
    const dataDir = newStoreFolder();
    try {
      copyPgliteTemplate(dataDir);
      const store = await openStore({ dataDir, command: 'test' });
      return {
        store,
        drop: async () => {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('CERTBRIDGE_TEST_STORE=postgres needs TEST_DATABASE_URL');
  const name = `certbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}${options.migrated ? ` template ${template(POSTGRES_TEMPLATE)}` : ''}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), poolSize: 5 });
  return {
    store,
    url: url.toString(),
    drop: async () => {
      await store.close();
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

function template(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: the run's global setup (test/support/globalSetup.ts) builds the migrated template`);
  return value;
}

/**
 * A store for tests whose processes under test open it themselves: on PostgreSQL a fresh database
 * (its URL; `drop` removes it), on the embedded store nothing (an empty URL: each process opens
 * its data folder).
 */
export async function storeForProcesses(): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  const test = await createTestStore();
  if (test.url) return { databaseUrl: test.url, drop: test.drop };
  await test.store.close();
  return { databaseUrl: '', drop: async () => undefined };
}
