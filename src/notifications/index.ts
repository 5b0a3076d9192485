// The notifications capability: each department's in-app inbox (its facade). Other capabilities
// put things in it inside the transaction of a change they decided (agreements, audit alerts);
// every notification is also a `notification.created` event (webhooks deliver it).
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import { forbidden } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize } from '../policy/index.ts';
import { listInbox, markRead, type Notification } from './notifications.ts';

export { coordinationOffices, notify, notifyCoordinationOffice, notifyDepartment } from './notifications.ts';
export type { Notification, NotificationInput } from './notifications.ts';
export type { NotificationEvent } from './events.ts';

export interface InboxQuery {
  unread?: boolean;
  kind?: string;
  limit?: number;
  offset?: number;
}

function ownDepartment(principal: Principal): string {
  if (!isStaff(principal)) throw forbidden("an inbox is a department's: sign in as its system or staff");
  return principal.departmentCode;
}

/** The inbox of the principal's department, newest first. */
export async function readInbox(platform: Platform, principal: Principal, query: InboxQuery): Promise<{ items: Notification[]; total: number; unread: number; limit: number; offset: number }> {
  const department = ownDepartment(principal);
  authorize(principal, 'inbox:read', { type: 'Department', id: department });
  const { limit = 50, offset = 0 } = query;
  return { ...(await listInbox(platform.store, department, { ...query, limit, offset })), limit, offset };
}

/** Marks a notification of the principal's department read. */
export async function markNotificationRead(platform: Platform, principal: Principal, id: string): Promise<Notification> {
  const department = ownDepartment(principal);
  authorize(principal, 'inbox:update', { type: 'Department', id: department });
  return markRead(platform.store, department, id, actorOf(principal));
}
