import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/platform/store/store.ts';

/** Which store this test run uses: set per Vitest project (see vitest.config.ts). */
export const testStoreKind = (): 'pglite' | 'postgres' => (process.env.CERTBRIDGE_TEST_STORE === 'postgres' ? 'postgres' : 'pglite');

/**
 * A fresh, empty store for one test file: an in-memory PGlite, or a new database on the
 * PostgreSQL server of TEST_DATABASE_URL, dropped again by `drop`.
 */
export async function createTestStore(): Promise<{ store: Store; url?: string; drop: () => Promise<void> }> {
  if (testStoreKind() === 'pglite') {
    const store = await openStore({});
    return { store, drop: () => store.close() };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('CERTBRIDGE_TEST_STORE=postgres needs TEST_DATABASE_URL');
  const name = `certbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
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
