/** Reading the outbox as "deliveries", and asking for one to be sent again. */
import { DomainError, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'dropped';

export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  subject: string;
  occurredAt: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

/** Whose deliveries: a subscription's, or a department's webhook's. */
export type DeliveryScope = { subscriptionId: string } | { webhookDepartment: string };

interface Row {
  id: number;
  event_id: string;
  event_type: string;
  subject: string;
  occurred_at: Date;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const COLUMNS = 'id, event_id, event_type, subject, occurred_at, status, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at';

const toDelivery = (r: Row): Delivery => ({
  id: String(r.id),
  eventId: r.event_id,
  type: r.event_type,
  subject: r.subject,
  occurredAt: r.occurred_at.toISOString(),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  deliveredAt: r.delivered_at?.toISOString() ?? null,
});

function scopeFilter(scope: DeliveryScope, first: number): { sql: string; params: unknown[] } {
  return 'subscriptionId' in scope
    ? { sql: `subscription_id = $${first}`, params: [scope.subscriptionId] }
    : { sql: `target = 'webhook' and department_code = $${first}`, params: [scope.webhookDepartment] };
}

/** Newest first. */
export async function listDeliveries(db: Queryable, scope: DeliveryScope, q: { status?: DeliveryStatus; limit?: number; before?: number } = {}): Promise<Delivery[]> {
  const filter = scopeFilter(scope, 1);
  const rows = await db.query<Row>(
    `select ${COLUMNS} from outbox where ${filter.sql} and ($2::text is null or status = $2) and ($3::bigint is null or id < $3)
      order by id desc limit $4`,
    [...filter.params, q.status ?? null, q.before ?? null, Math.min(Math.max(q.limit ?? 100, 1), 1000)],
  );
  return rows.rows.map(toDelivery);
}

const deliveryId = (id: string) => {
  if (!/^\d{1,18}$/.test(id)) throw notFound('delivery-not-found', `no delivery ${id}`);
  return Number(id);
};

export async function getDelivery(db: Queryable, scope: DeliveryScope, id: string): Promise<Delivery & { history: DeliveryAttempt[] }> {
  const filter = scopeFilter(scope, 2);
  const row = (await db.query<Row>(`select ${COLUMNS} from outbox where id = $1 and ${filter.sql}`, [deliveryId(id), ...filter.params])).rows[0];
  if (!row) throw notFound('delivery-not-found', `no delivery ${id} here`);
  const attempts = await db.query<{ attempt: number; at: Date; status: number | null; error: string | null; duration_ms: number | null }>(
    'select attempt, at, status, error, duration_ms from outbox_attempts where delivery_id = $1 order by id',
    [row.id],
  );
  return {
    ...toDelivery(row),
    history: attempts.rows.map((a) => ({ attempt: a.attempt, at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.duration_ms })),
  };
}

/**
 * Sends a delivery again (a dead-lettered one, typically, once the receiver is fixed), with a
 * fresh budget of attempts. Later events of the same license wait for it again.
 */
export async function redeliver(db: Queryable, scope: DeliveryScope, id: string): Promise<Delivery> {
  const filter = scopeFilter(scope, 2);
  const row = (
    await db.query<Row>(
      `update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), leased_until = null, delivered_at = null
        where id = $1 and ${filter.sql} and status <> 'pending' returning ${COLUMNS}`,
      [deliveryId(id), ...filter.params],
    )
  ).rows[0];
  if (row) return toDelivery(row);
  const existing = await getDelivery(db, scope, id);
  throw new DomainError('conflict', 'delivery-pending', `delivery ${existing.id} is still pending (attempt ${existing.attempts} done); it is sent again by itself`);
}

/** Finished deliveries to each department's subscriptions of events created in [from, until) (for the evaluation, 考核). */
export async function subscriptionDeliveryCounts(db: Queryable, from: Date, until: Date): Promise<Map<string, { delivered: number; failed: number }>> {
  const rows = await db.query<{ department: string; delivered: number; failed: number }>(
    `select department_code as department, count(*) filter (where status = 'delivered')::int as delivered, count(*) filter (where status = 'dead')::int as failed
       from outbox where target = 'subscription' and status in ('delivered', 'dead') and created_at >= $1 and created_at < $2
      group by department_code`,
    [from, until],
  );
  return new Map(rows.rows.map((r) => [r.department, { delivered: r.delivered, failed: r.failed }]));
}
