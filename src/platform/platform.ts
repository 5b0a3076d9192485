import { AccessTokens } from './auth/tokens.ts';
import { BackgroundWork } from './background.ts';
import { Registry } from './metrics.ts';
import { ChangeFeed } from './changes.ts';
import { createLogger, type Logger } from './log.ts';
import { loadMasterKey, MasterKeyError, type Config } from './config.ts';
import { KeyStore } from './crypto/keyStore.ts';
import { DomainEvents } from './events.ts';
import { migrate, refuseNewerSchema, refuseOlderSchema, schemaState, sqlMigration, type Migration } from './store/migrate.ts';
import { openStore, type Store } from './store/store.ts';

/**
 * Everything a capability may use of the kernel: one object, built once per process. The kernel
 * knows no capability; capabilities keep their own per-platform state (see their `runtime` files).
 */
export interface Platform {
  config: Config;
  store: Store;
  keys: KeyStore;
  tokens: AccessTokens;
  events: DomainEvents;
  /** Changes every process must hear about (caches that must not outlive a change). */
  changes: ChangeFeed;
  /** Logs of background work and of the server (pino). */
  log: Logger;
  /** The server's background workers, as `/health/ready` and `/metrics` report them. */
  background: BackgroundWork;
  /** The Prometheus registry `/metrics` serves. */
  metrics: Registry;
}

/** The kernel's own tables (signing keys), migrated before any capability's. */
export const KERNEL_MIGRATIONS: readonly Migration[] = [
  sqlMigration('platform', '001_signing_keys', import.meta.url),
  sqlMigration('platform', '002_sign_in_failures', import.meta.url),
  sqlMigration('platform', '003_sign_in_delays', import.meta.url),
  sqlMigration('platform', '004_job_leases', import.meta.url),
  sqlMigration('platform', '005_sign_in_addresses', import.meta.url),
  sqlMigration('platform', '006_follower_cursors', import.meta.url),
];

/** How the kernel is opened: on a store of the caller's (closed by them), by whom, and whether it may migrate. */
export interface OpenOptions {
  store?: Store;
  log?: Logger;
  command?: string;
  /**
   * Apply the migrations not yet applied (default: yes, for tests and benchmarks). Off, a schema
   * behind this binary is refused naming `certbridge migrate`; a newer one is refused either way.
   */
  migrate?: boolean;
}

/** Opens the store, applies (or checks) the kernel's and the given migrations, and builds the shared services. */
export async function openKernel(config: Config, migrations: readonly Migration[], options: OpenOptions = {}): Promise<Platform> {
  const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, command: options.command }));
  let masterKey: Buffer;
  try {
    const all = [...KERNEL_MIGRATIONS, ...migrations];
    if (options.migrate === false) {
      const state = await schemaState(store, all);
      refuseNewerSchema(state, all);
      refuseOlderSchema(state, all);
    } else await migrate(store, all);
    masterKey = await checkedMasterKey(config, store);
  } catch (error) {
    // Whoever opened the store closes it: a refused start must end the process, not hold the folder.
    if (!options.store) await store.close();
    throw error;
  }
  const keys = new KeyStore(store, masterKey);
  const log = options.log ?? createLogger(config);
  return {
    config,
    store,
    keys,
    tokens: new AccessTokens(keys, config),
    events: new DomainEvents(),
    changes: new ChangeFeed(store),
    log,
    background: new BackgroundWork(log),
    metrics: new Registry(),
  };
}

/** The master key, refused (MasterKeyError) when missing or not the one the stored keys were sealed with. */
async function checkedMasterKey(config: Config, store: Store): Promise<Buffer> {
  const sealed = await KeyStore.oldestSealedKey(store);
  const masterKey = loadMasterKey(config, sealed !== undefined);
  if (sealed && !KeyStore.unseals(sealed, masterKey)) {
    throw new MasterKeyError(`the master key does not unseal the stored signing keys (key ${sealed.kid}): give the key they were sealed with (CERTBRIDGE_MASTER_KEY or CERTBRIDGE_MASTER_KEY_FILE)`);
  }
  return masterKey;
}

/**
 * A capability's state that lives as long as the platform (caches, counters, background
 * workers): created on first use, one per platform, so tests with several platforms stay apart.
 */
export function perPlatform<T>(create: (platform: Platform) => T): (platform: Platform) => T {
  const states = new WeakMap<Platform, T>();
  return (platform) => {
    let state = states.get(platform);
    if (state === undefined) {
      state = create(platform);
      states.set(platform, state);
    }
    return state;
  };
}
