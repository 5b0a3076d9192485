import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { notificationRoutes } from './routes.ts';

export const notificationsCapability: Capability = {
  name: 'notifications',
  migrations: [sqlMigration('notifications', '001_notifications', import.meta.url)],
  routes: notificationRoutes,
};
