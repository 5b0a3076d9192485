/**
 * The events this capability delivers, as the OpenAPI document's `webhooks`: a signed CloudEvent
 * (structured mode) POSTed to a subscription's `callbackUrl` for every license change it covers,
 * and to a department's webhook for every notification. docs/integration.md § 5 explains them.
 */
import { EVENT_TYPE_PREFIX } from './outbox.ts';

const LICENSE_CHANGES = {
  issued: '设立 — a license was issued',
  amended: '变更 — a new version of a license (its `reason` says why)',
  suspended: '暂停 — a license was suspended',
  reinstated: '恢复 — a suspended license is valid again',
  revoked: '吊销 — a license was revoked',
  cancelled: '注销 — a license was cancelled',
  expired: '到期 — a license’s term ended',
} as const;

const cloudEvent = (type: string, data: Record<string, unknown>) => ({
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', description: 'Unique per event; a redelivery repeats it (deduplicate by it)' },
    source: { type: 'string', format: 'uri' },
    type: { const: type },
    subject: { type: 'string', description: 'The license version identifier (GB/T 36904), or the notification id' },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { const: 'application/json' },
    data,
  },
});

const LICENSE_DATA = {
  type: 'object',
  required: ['identifier', 'version', 'status', 'licenseType', 'holderCode', 'issuerCode', 'subscriptionId', 'fields'],
  properties: {
    identifier: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    status: { type: 'string', enum: ['valid', 'suspended', 'revoked', 'cancelled', 'expired'] },
    reason: { type: 'string' },
    licenseType: { type: 'string' },
    holderCode: { type: 'string' },
    issuerCode: { type: 'string' },
    subscriptionId: { type: 'string' },
    resourceId: { type: 'string' },
    fields: { type: 'object', additionalProperties: true, description: 'Only the fields the agreement it is delivered under grants when it is sent' },
    credential: { type: 'string', description: 'An SD-JWT VC disclosing exactly those fields' },
  },
};

const NOTIFICATION_DATA = {
  type: 'object',
  required: ['notificationId', 'department', 'kind', 'title', 'link'],
  properties: {
    notificationId: { type: 'string' },
    department: { type: 'string' },
    kind: { type: 'string' },
    title: { type: 'string' },
    titleEn: { type: 'string' },
    link: { type: 'string' },
    body: { type: 'string' },
  },
};

const DELIVERY_HEADERS = [
  {
    name: 'X-CertBridge-Signature',
    in: 'header',
    required: true,
    description: "A JWS over the exact body with a detached payload (`<protected>..<signature>`); verify with the platform's JWKS",
    schema: { type: 'string' },
  },
  { name: 'X-CertBridge-Delivery', in: 'header', required: true, description: 'The delivery', schema: { type: 'string' } },
  { name: 'X-CertBridge-Attempt', in: 'header', required: true, description: 'Which attempt this is (1 the first)', schema: { type: 'integer', minimum: 1 } },
];

const delivery = (type: string, summary: string, description: string, data: Record<string, unknown>) => ({
  post: {
    operationId: `deliver${type
      .split('.')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('')}`,
    tags: ['deliveries'],
    summary,
    description,
    parameters: DELIVERY_HEADERS,
    // No credential is sent: the receiver checks the body's signature (X-CertBridge-Signature).
    security: [],
    requestBody: { required: true, content: { 'application/cloudevents+json': { schema: cloudEvent(`${EVENT_TYPE_PREFIX}${type}`, data) } } },
    responses: {
      '2XX': { description: 'Received; anything else (or no answer within 10 s) is retried with exponential backoff, 10 attempts in all' },
    },
  },
});

/** The OpenAPI 3.1 `webhooks`: one per event type, keyed by the CloudEvents `type`. */
export const DELIVERED_EVENTS: Record<string, unknown> = {
  ...Object.fromEntries(
    Object.entries(LICENSE_CHANGES).map(([change, summary]) => [
      `${EVENT_TYPE_PREFIX}license.${change}`,
      delivery(`license.${change}`, summary, "Sent to a subscription's callbackUrl, in order per license, at least once", LICENSE_DATA),
    ]),
  ),
  [`${EVENT_TYPE_PREFIX}notification.created`]: delivery(
    'notification.created',
    'A notification in the department’s inbox',
    "Sent to the department's webhook (PUT /api/v1/departments/{code}/webhook) for every new notification",
    NOTIFICATION_DATA,
  ),
};
