/** The deliveries capability's events: subscriptions and department webhooks set up or removed. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';
import type { Subscription } from './subscriptions.ts';

export type SubscriptionEvent =
  | DomainEvent<'subscription.created', Omit<Subscription, 'holders'> & { holders: number | null }>
  | DomainEvent<'subscription.deleted', { id: string; department: string }>;
export type WebhookEvent = DomainEvent<'webhook.configured' | 'webhook.removed', { department: string; url?: string }>;
export type DeliveriesEvent = SubscriptionEvent | WebhookEvent;

export function subscriptionCreated(s: Subscription, actor: string): SubscriptionEvent {
  return {
    type: 'subscription.created',
    subject: s.id,
    actor,
    at: new Date(),
    facts: { department: s.department, clientId: s.clientId, purpose: s.purpose, licenseType: s.licenseType },
    // How many holders it names, not which: the log does not list enterprises a department watches.
    data: { ...s, holders: s.holders?.length ?? null },
  };
}

export function subscriptionDeleted(id: string, department: string, actor: string): SubscriptionEvent {
  return { type: 'subscription.deleted', subject: id, actor, at: new Date(), facts: { department, clientId: clientOfActor(actor) }, data: { id, department } };
}

export function webhookEvent(type: WebhookEvent['type'], department: string, actor: string, url?: string): WebhookEvent {
  return { type, subject: department, actor, at: new Date(), facts: { department, clientId: clientOfActor(actor) }, data: { department, ...(url ? { url } : {}) } };
}
