import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import {
  cancelSubscription,
  configureWebhook,
  MAX_SUBSCRIPTION_HOLDERS,
  readSubscription,
  readWebhook,
  redeliverSubscriptionDelivery,
  redeliverWebhookDelivery,
  removeWebhook,
  subscribe,
  subscriptionDeliveries,
  subscriptionDelivery,
  subscriptionsOf,
  webhookDeliveries,
  webhookDelivery,
} from './index.ts';

const SubscriptionSchema = Type.Object({
  id: Type.String(),
  department: Type.String(),
  clientId: Type.String(),
  resourceId: Type.String(),
  licenseType: Type.String(),
  purpose: Type.Union([Type.String(), Type.Null()], { description: 'The purpose it is delivered under' }),
  agreementId: Type.Union([Type.String(), Type.Null()], { description: "The agreement it is delivered under when it named one (null: its purpose's active agreement)" }),
  callbackUrl: Type.String(),
  holders: Type.Union([Type.Array(Type.String()), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('deleted')]),
  createdAt: Type.String({ format: 'date-time' }),
  deletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  fields: Type.Optional(Type.Array(Type.String(), { description: 'Fields its agreement grants now (what deliveries carry)' })),
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.String({ description: 'The CloudEvents id' }),
  type: Type.String(),
  subject: Type.String(),
  occurredAt: Type.String({ format: 'date-time' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('dropped')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const DeliveryWithHistory = Type.Object({
  ...DeliverySchema.properties,
  history: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
      status: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});

const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('dropped')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only deliveries with a smaller id (paging)' })),
  },
  { additionalProperties: false },
);

const WebhookSchema = Type.Object({
  department: Type.String(),
  url: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});

/** Subscriptions, department webhooks and their deliveries. */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  // The facade decides who may (the policies): any signed-in principal reaches it.
  const signedIn = authenticated(platform.tokens);

  app.post(
    '/api/v1/subscriptions',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: "Subscribe to lifecycle events of a resource's licenses (issued, amended, suspended, reinstated, revoked, cancelled, expired)",
        description:
          'Needs an active agreement for the resource, and is bound to one: the agreement named by agreementId, or the active agreement of purpose — which must be named (400 `purpose-required`) when the department has agreements of several purposes for the resource. Each event is POSTed to callbackUrl as a CloudEvents 1.0 JSON (structured mode), signed with a detached JWS in X-CertBridge-Signature (platform key in /.well-known/jwks.json), carrying only the fields that one agreement grants at delivery. Retried with exponential backoff, then dead-lettered; events of one license arrive in order.',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            resourceId: Type.String({ description: 'Catalog resource (a license type has one with its own key)' }),
            callbackUrl: Type.String({ description: 'Where events are POSTed (http or https)' }),
            holders: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: MAX_SUBSCRIPTION_HOLDERS, description: 'Only these holders (default: all)' })),
            purpose: Type.Optional(Type.String({ maxLength: 64, description: "The purpose it is delivered under (its active agreement grants the fields); required when the department has agreements of several purposes for the resource" })),
            agreementId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The agreement it is delivered under (instead of, or agreeing with, purpose)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SubscriptionSchema },
      },
    },
    async (request, reply) => {
      const subscription = await subscribe(platform, principalOf(request), request.body);
      reply.status(201).header('location', `/api/v1/subscriptions/${subscription.id}`);
      return subscription;
    },
  );

  app.get(
    '/api/v1/subscriptions',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: "The caller's department's subscriptions (the coordination office: everyone's)",
        security: [{ bearer: [] }],
        response: { 200: Type.Array(SubscriptionSchema) },
      },
    },
    (request) => subscriptionsOf(platform, principalOf(request)),
  );

  const IdParams = Type.Object({ id: Type.String() });
  app.get(
    '/api/v1/subscriptions/:id',
    { preHandler: signedIn, schema: { tags: ['subscriptions'], summary: 'One subscription', security: [{ bearer: [] }], params: IdParams, response: { 200: SubscriptionSchema } } },
    (request) => readSubscription(platform, principalOf(request), request.params.id),
  );

  app.delete(
    '/api/v1/subscriptions/:id',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: 'Cancel a subscription; its undelivered events are dropped', security: [{ bearer: [] }], params: IdParams },
    },
    async (request, reply) => {
      await cancelSubscription(platform, principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/subscriptions/:id/deliveries',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: "A subscription's deliveries, newest first (status pending | delivered | dead | dropped)",
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: DeliveryQuery,
        response: { 200: Type.Array(DeliverySchema) },
      },
    },
    (request) => subscriptionDeliveries(platform, principalOf(request), request.params.id, request.query),
  );

  const DeliveryParams = Type.Object({ id: Type.String(), deliveryId: Type.String() });
  app.get(
    '/api/v1/subscriptions/:id/deliveries/:deliveryId',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: 'One delivery with every attempt', security: [{ bearer: [] }], params: DeliveryParams, response: { 200: DeliveryWithHistory } },
    },
    (request) => subscriptionDelivery(platform, principalOf(request), request.params.id, request.params.deliveryId),
  );

  app.post(
    '/api/v1/subscriptions/:id/deliveries/:deliveryId/redeliver',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: 'Send a delivery again (e.g. a dead-lettered one), with a fresh budget of attempts',
        security: [{ bearer: [] }],
        params: DeliveryParams,
        response: { 202: DeliverySchema },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return redeliverSubscriptionDelivery(platform, principalOf(request), request.params.id, request.params.deliveryId);
    },
  );

  // Department webhooks (notification.created → the department's system).
  const CodeParams = Type.Object({ code: Type.String() });

  app.put(
    '/api/v1/departments/:code/webhook',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: "Where the department's notifications (new requests, decisions, escalations…) are POSTed as signed CloudEvents",
        security: [{ bearer: [] }],
        params: CodeParams,
        body: Type.Object({ url: Type.String({ description: 'http or https URL' }) }, { additionalProperties: false }),
        response: { 200: WebhookSchema },
      },
    },
    (request) => configureWebhook(platform, principalOf(request), request.params.code, request.body.url),
  );

  app.get(
    '/api/v1/departments/:code/webhook',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: "The department's webhook", security: [{ bearer: [] }], params: CodeParams, response: { 200: WebhookSchema } },
    },
    (request) => readWebhook(platform, principalOf(request), request.params.code),
  );

  app.delete(
    '/api/v1/departments/:code/webhook',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: 'Remove the webhook (notifications stay in the inbox)', security: [{ bearer: [] }], params: CodeParams },
    },
    async (request, reply) => {
      await removeWebhook(platform, principalOf(request), request.params.code);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/departments/:code/webhook/deliveries',
    {
      preHandler: signedIn,
      schema: {
        tags: ['subscriptions'],
        summary: "The webhook's deliveries, newest first",
        security: [{ bearer: [] }],
        params: CodeParams,
        querystring: DeliveryQuery,
        response: { 200: Type.Array(DeliverySchema) },
      },
    },
    (request) => webhookDeliveries(platform, principalOf(request), request.params.code, request.query),
  );

  const WebhookDeliveryParams = Type.Object({ code: Type.String(), deliveryId: Type.String() });
  app.get(
    '/api/v1/departments/:code/webhook/deliveries/:deliveryId',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: 'One webhook delivery with every attempt', security: [{ bearer: [] }], params: WebhookDeliveryParams, response: { 200: DeliveryWithHistory } },
    },
    (request) => webhookDelivery(platform, principalOf(request), request.params.code, request.params.deliveryId),
  );

  app.post(
    '/api/v1/departments/:code/webhook/deliveries/:deliveryId/redeliver',
    {
      preHandler: signedIn,
      schema: { tags: ['subscriptions'], summary: 'Send a webhook delivery again', security: [{ bearer: [] }], params: WebhookDeliveryParams, response: { 202: DeliverySchema } },
    },
    async (request, reply) => {
      reply.status(202);
      return redeliverWebhookDelivery(platform, principalOf(request), request.params.code, request.params.deliveryId);
    },
  );
};
