/**
 * The transactional outbox. Listeners run inside the transaction that made the change (a license
 * issued or amended, a notification created), and write one outbox row per event and interested
 * party in that same transaction: the row exists iff the change committed. The deliverer sends them.
 */
import { randomUUID } from 'node:crypto';
import type { LicenseEvent } from '../licenses/index.ts';
import type { NotificationEvent } from '../notifications/index.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { isPracticeCode } from '../platform/practiceCodes.ts';

export const EVENT_TYPE_PREFIX = 'cn.gov.certbridge.';

export interface OutboxRow {
  eventId: string;
  eventType: string;
  subject: string;
  occurredAt: Date;
  target: 'subscription' | 'webhook';
  subscriptionId: string | null;
  department: string;
  orderingKey: string | null;
  data: Record<string, unknown>;
}

/** A license, whichever version: its identifier without the version and check segments. */
export function licenseKey(identifier: string): string {
  return identifier.split('.').slice(0, -2).join('.');
}

export async function writeOutbox(tx: Queryable, rows: readonly OutboxRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    const col = <T>(pick: (r: OutboxRow) => T) => chunk.map(pick);
    await tx.query(
      `insert into outbox (event_id, event_type, subject, occurred_at, target, subscription_id, department_code, ordering_key, data)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])`,
      [
        col((r) => r.eventId),
        col((r) => r.eventType),
        col((r) => r.subject),
        col((r) => r.occurredAt.toISOString()),
        col((r) => r.target),
        col((r) => r.subscriptionId),
        col((r) => r.department),
        col((r) => r.orderingKey),
        col((r) => JSON.stringify(r.data)),
      ],
    );
  }
}

interface SubscriptionRow {
  id: string;
  department_code: string;
  license_type: string;
  holders: string[] | null;
}

/** license.* → one row per matching live subscription (by license type, and holder when it lists holders). */
async function onLicenseEvents(tx: Queryable, events: readonly LicenseEvent[]): Promise<number> {
  const types = [...new Set(events.map((e) => e.data.typeKey))];
  const subscriptions = (
    await tx.query<SubscriptionRow>('select id, department_code, license_type, holders from subscriptions where deleted_at is null and license_type = any($1::text[])', [types])
  ).rows;
  if (subscriptions.length === 0) return 0;
  const matchers = subscriptions.map((s) => ({ ...s, holderSet: s.holders ? new Set(s.holders) : undefined }));
  const rows: OutboxRow[] = [];
  for (const event of events) {
    const { identifier, version, typeKey, issuerCode, holderCode, status, reason } = event.data;
    // A practice copy's licenses (练习模式) reach no subscriber.
    if (isPracticeCode(issuerCode)) continue;
    const eventId = randomUUID();
    for (const s of matchers) {
      if (s.license_type !== typeKey || (s.holderSet && !s.holderSet.has(holderCode))) continue;
      rows.push({
        eventId,
        eventType: `${EVENT_TYPE_PREFIX}${event.type}`,
        subject: identifier,
        occurredAt: event.at,
        target: 'subscription',
        subscriptionId: s.id,
        department: s.department_code,
        orderingKey: `${s.id}|${licenseKey(identifier)}`,
        // The facts only: the license's fields are read and minimised when the event is delivered.
        data: { identifier, version, licenseType: typeKey, issuerCode, holderCode, status, ...(reason ? { reason } : {}) },
      });
    }
  }
  await writeOutbox(tx, rows);
  return rows.length;
}

/** notification.created → one row when the department configured a webhook. */
async function onNotifications(tx: Queryable, events: readonly NotificationEvent[]): Promise<number> {
  const departments = [...new Set(events.map((e) => e.data.department))];
  const hooks = new Set(
    (await tx.query<{ department_code: string }>('select department_code from department_webhooks where department_code = any($1::text[])', [departments])).rows.map(
      (r) => r.department_code,
    ),
  );
  const rows: OutboxRow[] = events
    .filter((e) => hooks.has(e.data.department))
    .map((e) => ({
      eventId: randomUUID(),
      eventType: `${EVENT_TYPE_PREFIX}${e.type}`,
      subject: e.subject,
      occurredAt: e.at,
      target: 'webhook',
      subscriptionId: null,
      department: e.data.department,
      orderingKey: null,
      data: { ...e.data },
    }));
  await writeOutbox(tx, rows);
  return rows.length;
}

/** Registers the outbox listeners; `written` is told when rows were written (to wake the deliverer). */
export function attachOutbox(platform: Platform, written: () => void): void {
  platform.events.on<LicenseEvent>('license.', async (tx, events) => {
    if ((await onLicenseEvents(tx, events)) > 0) written();
  });
  platform.events.on<NotificationEvent>('notification.created', async (tx, events) => {
    if ((await onNotifications(tx, events)) > 0) written();
  });
}
