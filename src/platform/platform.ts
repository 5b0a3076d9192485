import { departmentMigrations } from '../departments/index.ts';
import { licenseMigrations, StatusLists } from '../licenses/index.ts';
import { AccessTokens } from './auth/tokens.ts';
import { loadMasterKey, type Config } from './config.ts';
import { KeyStore } from './crypto/keyStore.ts';
import { migrate, sqlMigration, type Migration } from './store/migrate.ts';
import { openStore, type Store } from './store/store.ts';

/** Everything a capability may use of the platform: one object, built once per process. */
export interface Platform {
  config: Config;
  store: Store;
  keys: KeyStore;
  tokens: AccessTokens;
  statusLists: StatusLists;
}

const platformMigrations: Migration[] = [sqlMigration('platform', '001_signing_keys', import.meta.url)];

/** All migrations, in the order the capabilities depend on each other. */
export const MIGRATIONS: readonly Migration[] = [...platformMigrations, ...departmentMigrations, ...licenseMigrations];

/** Opens the store, applies migrations and wires the shared services. */
export async function openPlatform(config: Config, storeOverride?: Store): Promise<Platform> {
  const store = storeOverride ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  await migrate(store, MIGRATIONS);
  const keys = new KeyStore(store, loadMasterKey(config.dataDir));
  return {
    config,
    store,
    keys,
    tokens: new AccessTokens(keys, config),
    statusLists: new StatusLists(store, keys, config),
  };
}
