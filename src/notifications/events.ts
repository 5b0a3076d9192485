/** The notifications capability's event: something was put in a department's inbox (webhooks deliver it; the audit log does not keep it). */
import type { DomainEvent } from '../platform/events.ts';
import type { Notification } from './notifications.ts';

export interface NotificationCreated {
  notificationId: string;
  department: string;
  kind: string;
  title: string;
  titleEn: string;
  link: string | null;
  body?: string;
  agreementId?: string;
}

export type NotificationEvent = DomainEvent<'notification.created', NotificationCreated>;

export function notificationEvent(n: Notification, actor: string): NotificationEvent {
  return {
    type: 'notification.created',
    subject: n.id,
    actor,
    at: new Date(n.createdAt),
    facts: { department: n.department, agreementId: n.agreementId ?? null },
    data: {
      notificationId: n.id,
      department: n.department,
      kind: n.kind,
      title: n.title,
      titleEn: n.titleEn,
      link: n.link,
      ...(n.body ? { body: n.body } : {}),
      ...(n.agreementId ? { agreementId: n.agreementId } : {}),
    },
  };
}
