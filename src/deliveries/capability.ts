import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { scrapedGauge } from '../platform/metrics.ts';
import { deliveriesState } from './deliveriesState.ts';
import { deliveryOptions } from './deliverer.ts';
import { DELIVERED_EVENTS } from './openapi.ts';
import { startDeliverer } from './index.ts';
import { attachOutbox } from './outbox.ts';
import { deliveryRoutes } from './routes.ts';

export const deliveriesCapability: Capability = {
  name: 'deliveries',
  // Its tables were first created by exchange/001_exchange (before the two capabilities were
  // split); this migration creates them where they do not exist yet.
  migrations: [sqlMigration('deliveries', '001_deliveries', import.meta.url), sqlMigration('deliveries', '002_subscription_grant', import.meta.url)],
  routes: deliveryRoutes,
  webhooks: DELIVERED_EVENTS,
  attach: (platform) => attachOutbox(platform, () => deliveriesState(platform).deliverer?.nudge()),
  // The key that signs deliveries is in the JWKS from the first start, so a subscriber can fetch it before the first event.
  open: async (platform) => void (await platform.keys.activeKey('event', 'EdDSA')),
  metrics: (platform) =>
    scrapedGauge(platform.metrics, 'certbridge_outbox_entries', 'events in the outbox waiting to be delivered (pending) and given up after every retry (dead)', ['status'], async () => {
      const rows = (await platform.store.query<{ status: string; n: number }>("select status, count(*)::int as n from outbox where status in ('pending', 'dead') group by status")).rows;
      return ['pending', 'dead'].map((status) => ({ labels: { status }, value: rows.find((r) => r.status === status)?.n ?? 0 }));
    }),
  start(platform) {
    const deliverer = startDeliverer(platform, deliveryOptions(platform.config));
    return () => deliverer.stop();
  },
};
