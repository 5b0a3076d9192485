// The deliveries capability (its facade): subscriptions to license events and department webhooks,
// delivered from a transactional outbox as signed CloudEvents with retries. Every function takes the
// principal and decides through the policies.
import { getDepartment } from '../departments/index.ts';
import { actorOf, isStaff, type Principal, type StaffPrincipal } from '../platform/auth/principal.ts';
import { forbidden } from '../platform/errors.ts';
import { outboundPolicy } from '../platform/http/outbound.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, decide, type Action } from '../policy/index.ts';
import { deliveriesState } from './deliveriesState.ts';
import { Deliverer, type DeliveryOptions } from './deliverer.ts';
import { getDelivery, listDeliveries, redeliver, type Delivery, type DeliveryAttempt, type DeliveryScope, type DeliveryStatus } from './deliveryLog.ts';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, subscriptionEntity, type Subscription } from './subscriptions.ts';
import { deleteWebhook, getWebhook, setWebhook, type DepartmentWebhook } from './webhooks.ts';

export { backoffDelay, cloudEvent, Deliverer, deliveryOptions, detachedJws, SIGNATURE_HEADER, type DeliveryOptions } from './deliverer.ts';
export { MAX_SUBSCRIPTION_HOLDERS, type Subscription } from './subscriptions.ts';
export { subscriptionDeliveryCounts, type Delivery, type DeliveryAttempt, type DeliveryStatus } from './deliveryLog.ts';
export type { DepartmentWebhook } from './webhooks.ts';
export type { DeliveriesEvent } from './events.ts';

/** Starts a deliverer for this platform (the server does, in `start`; tests do with fast settings). */
export function startDeliverer(platform: Platform, options: Partial<DeliveryOptions> = {}): Deliverer {
  const deliverer = new Deliverer(platform, options).start();
  deliveriesState(platform).deliverer = deliverer;
  return deliverer;
}

function staff(principal: Principal): StaffPrincipal {
  if (!isStaff(principal)) throw forbidden("subscriptions and webhooks are a department's: sign in as its system or staff");
  return principal;
}

async function ownSubscription(platform: Platform, principal: Principal, id: string, action: Action): Promise<Subscription> {
  const subscription = await getSubscription(platform.store, id);
  authorize(principal, action, subscriptionEntity(subscription));
  return subscription;
}

type DeliveryQuery = { status?: DeliveryStatus; limit?: number; before?: number };

export async function subscribe(platform: Platform, principal: Principal, input: { resourceId: string; callbackUrl: string; holders?: string[]; purpose?: string; agreementId?: string }) {
  return createSubscription(platform.store, platform.events, outboundPolicy(platform), staff(principal), input);
}

/** The principal's department's subscriptions (the coordination office: everyone's). */
export async function subscriptionsOf(platform: Platform, principal: Principal): Promise<Subscription[]> {
  const everyone = decide(principal, 'coordination:oversee', { type: 'Platform', id: 'certbridge' }).allowed;
  const list = await listSubscriptions(platform.store, everyone ? undefined : staff(principal).departmentCode);
  return list.filter((s) => decide(principal, 'subscription:read', subscriptionEntity(s)).allowed);
}

export const readSubscription = (platform: Platform, principal: Principal, id: string) => ownSubscription(platform, principal, id, 'subscription:read');

export async function cancelSubscription(platform: Platform, principal: Principal, id: string): Promise<void> {
  await ownSubscription(platform, principal, id, 'subscription:delete');
  await deleteSubscription(platform.store, platform.events, id, actorOf(principal));
}

export async function subscriptionDeliveries(platform: Platform, principal: Principal, id: string, query: DeliveryQuery): Promise<Delivery[]> {
  await ownSubscription(platform, principal, id, 'subscription:read');
  return listDeliveries(platform.store, { subscriptionId: id }, query);
}

export async function subscriptionDelivery(platform: Platform, principal: Principal, id: string, deliveryId: string): Promise<Delivery & { history: DeliveryAttempt[] }> {
  await ownSubscription(platform, principal, id, 'subscription:read');
  return getDelivery(platform.store, { subscriptionId: id }, deliveryId);
}

async function sendAgain(platform: Platform, scope: DeliveryScope, deliveryId: string): Promise<Delivery> {
  const delivery = await redeliver(platform.store, scope, deliveryId);
  deliveriesState(platform).deliverer?.nudge();
  return delivery;
}

export async function redeliverSubscriptionDelivery(platform: Platform, principal: Principal, id: string, deliveryId: string): Promise<Delivery> {
  await ownSubscription(platform, principal, id, 'subscription:redeliver');
  return sendAgain(platform, { subscriptionId: id }, deliveryId);
}

const departmentEntity = (code: string) => ({ type: 'Department', id: code });

/** Where a department's notifications are POSTed (the department itself, the coordination office). */
export async function configureWebhook(platform: Platform, principal: Principal, department: string, url: string): Promise<DepartmentWebhook> {
  authorize(principal, 'webhook:configure', departmentEntity(department));
  await getDepartment(platform.store, department);
  return setWebhook(platform.store, platform.events, outboundPolicy(platform), department, url, actorOf(principal));
}

export async function readWebhook(platform: Platform, principal: Principal, department: string): Promise<DepartmentWebhook> {
  authorize(principal, 'webhook:read', departmentEntity(department));
  return getWebhook(platform.store, department);
}

export async function removeWebhook(platform: Platform, principal: Principal, department: string): Promise<void> {
  authorize(principal, 'webhook:configure', departmentEntity(department));
  await deleteWebhook(platform.store, platform.events, department, actorOf(principal));
}

export async function webhookDeliveries(platform: Platform, principal: Principal, department: string, query: DeliveryQuery): Promise<Delivery[]> {
  authorize(principal, 'webhook:read', departmentEntity(department));
  return listDeliveries(platform.store, { webhookDepartment: department }, query);
}

export async function webhookDelivery(platform: Platform, principal: Principal, department: string, deliveryId: string): Promise<Delivery & { history: DeliveryAttempt[] }> {
  authorize(principal, 'webhook:read', departmentEntity(department));
  return getDelivery(platform.store, { webhookDepartment: department }, deliveryId);
}

export async function redeliverWebhookDelivery(platform: Platform, principal: Principal, department: string, deliveryId: string): Promise<Delivery> {
  authorize(principal, 'webhook:redeliver', departmentEntity(department));
  return sendAgain(platform, { webhookDepartment: department }, deliveryId);
}
