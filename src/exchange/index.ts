// The exchange capability (共享交换): lookups and batches with minimisation, quotas and access
// records; holder-authorised reads; subscriptions and department webhooks through a
// transactional outbox and a deliverer of signed CloudEvents.
import type { Capability } from '../platform/capability.ts';
import type { Platform } from '../platform/platform.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { Deliverer, deliveryOptions, type DeliveryOptions } from '../deliveries/deliverer.ts';
import { attachOutbox } from '../deliveries/outbox.ts';
import { exchangeRoutes } from './routes.ts';
import { exchangeRuntime } from './exchangeState.ts';

export { backoffDelay, cloudEvent, Deliverer, detachedJws, SIGNATURE_HEADER, type DeliveryOptions } from '../deliveries/deliverer.ts';
export { accessedEvent, type AccessEvent } from './events.ts';
export type { AccessRecord } from './recorder.ts';
export { exchangeRuntime } from './exchangeState.ts';
export { lookupBatch, lookupLicense, present } from './lookups.ts';

/** Starts a deliverer for this platform (the server does, in `start`; tests do with fast settings). */
export function startDeliverer(platform: Platform, options: Partial<DeliveryOptions> = {}): Deliverer {
  const rt = exchangeRuntime(platform);
  const deliverer = new Deliverer(rt, options).start();
  rt.deliverer = deliverer;
  return deliverer;
}

export const exchangeCapability: Capability = {
  name: 'exchange',
  migrations: [
    sqlMigration('exchange', '001_exchange', import.meta.url),
    sqlMigration('exchange', '002_quota_shards', import.meta.url),
    sqlMigration('exchange', '003_access_indexes', import.meta.url),
  ],
  routes: exchangeRoutes,
  attach(platform) {
    const rt = exchangeRuntime(platform);
    // Agreements and catalog entries decide what the exchange lets through: drop cached answers the moment they change.
    platform.events.on('agreement.', async () => rt.grants.invalidate());
    platform.events.on('catalog.', async () => rt.grants.invalidate());
    attachOutbox(platform, () => rt.deliverer?.nudge());
  },
  start(platform) {
    const deliverer = startDeliverer(platform, deliveryOptions(platform.config));
    return async () => {
      await deliverer.stop();
      // The server still answers until it closes: the recorder's connections stay open for it (the process ends them).
      await exchangeRuntime(platform).recorder.drained();
    };
  },
};
