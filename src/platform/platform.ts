import { agreementsCapability } from '../agreements/index.ts';
import { auditCapability } from '../audit/index.ts';
import { catalogCapability } from '../catalog/index.ts';
import { departmentsCapability } from '../departments/index.ts';
import { exchangeCapability } from '../exchange/index.ts';
import { holdersCapability } from '../holders/index.ts';
import { licensesCapability, StatusLists } from '../licenses/index.ts';
import { notificationsCapability } from '../notifications/index.ts';
import { standardsCapability } from '../standards/index.ts';
import type { Capability } from './capability.ts';
import { AccessTokens } from './auth/tokens.ts';
import { DomainEvents } from './events.ts';
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
  events: DomainEvents;
}

const platformMigrations: Migration[] = [sqlMigration('platform', '001_signing_keys', import.meta.url)];

/** The capabilities, in the order they depend on each other (their migrations run in this order). */
export const CAPABILITIES: readonly Capability[] = [
  standardsCapability,
  departmentsCapability,
  notificationsCapability,
  licensesCapability,
  holdersCapability,
  catalogCapability,
  agreementsCapability,
  exchangeCapability,
  auditCapability,
];

export const MIGRATIONS: readonly Migration[] = [...platformMigrations, ...CAPABILITIES.flatMap((c) => c.migrations)];

/** Opens the store, applies migrations and wires the shared services. */
export async function openPlatform(config: Config, storeOverride?: Store): Promise<Platform> {
  const store = storeOverride ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  await migrate(store, MIGRATIONS);
  const keys = new KeyStore(store, loadMasterKey(config.dataDir));
  const platform: Platform = {
    config,
    store,
    keys,
    tokens: new AccessTokens(keys, config),
    statusLists: new StatusLists(store, keys, config),
    events: new DomainEvents(),
  };
  for (const capability of CAPABILITIES) capability.attach?.(platform);
  return platform;
}

/** Starts every capability's background work (server only); returns one stop for all. */
export function startBackgroundWork(platform: Platform): () => Promise<void> {
  const stops = CAPABILITIES.flatMap((c) => (c.start ? [c.start(platform)] : []));
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
