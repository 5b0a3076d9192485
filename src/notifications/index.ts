// The notifications capability: each department's in-app inbox. Other capabilities put things
// in it (agreements, audit alerts); every notification is also a `notification.created` event.
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { notificationRoutes } from './routes.ts';

export { coordinationOffices, listInbox, markRead, notify, notifyCoordinationOffice, notifyDepartment } from './notifications.ts';
export type { Notification, NotificationInput } from './notifications.ts';
export type { NotificationEvent } from './events.ts';

export const notificationsCapability: Capability = {
  name: 'notifications',
  migrations: [sqlMigration('notifications', '001_notifications', import.meta.url)],
  routes: notificationRoutes,
};
