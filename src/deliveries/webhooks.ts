/** Department webhooks: where a department wants its notifications (`notification.created`) delivered. */
import type { DomainEvents } from '../platform/events.ts';
import { webhookEvent } from './events.ts';
import { notFound } from '../platform/errors.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import type { OutboundPolicy } from '../platform/http/outbound.ts';

export interface DepartmentWebhook {
  department: string;
  url: string;
  updatedBy: string;
  updatedAt: string;
}

interface Row {
  department_code: string;
  url: string;
  updated_by: string;
  updated_at: Date;
}

const toWebhook = (r: Row): DepartmentWebhook => ({ department: r.department_code, url: r.url, updatedBy: r.updated_by, updatedAt: r.updated_at.toISOString() });

export async function setWebhook(store: Store, events: DomainEvents, outbound: OutboundPolicy, department: string, url: string, actor: string): Promise<DepartmentWebhook> {
  const checked = await outbound.checkUrl(url, '/url');
  return store.transaction(async (tx) => {
    const row = (
      await tx.query<Row>(
        `insert into department_webhooks (department_code, url, updated_by) values ($1, $2, $3)
         on conflict (department_code) do update set url = excluded.url, updated_by = excluded.updated_by, updated_at = now()
         returning department_code, url, updated_by, updated_at`,
        [department, checked, actor],
      )
    ).rows[0];
    await events.publish(tx, [webhookEvent('webhook.configured', department, actor, checked)]);
    return toWebhook(row);
  });
}

export async function getWebhook(db: Queryable, department: string): Promise<DepartmentWebhook> {
  const row = (await db.query<Row>('select department_code, url, updated_by, updated_at from department_webhooks where department_code = $1', [department])).rows[0];
  if (!row) throw notFound('webhook-not-configured', `department ${department} has no webhook; notifications stay in its inbox`);
  return toWebhook(row);
}

/** Removes the webhook: notifications stay in the inbox only, undelivered ones are dropped. */
export async function deleteWebhook(store: Store, events: DomainEvents, department: string, actor: string): Promise<void> {
  await store.transaction(async (tx) => {
    const deleted = await tx.query('delete from department_webhooks where department_code = $1', [department]);
    if (deleted.rowCount === 0) return;
    await tx.query(
      `update outbox set status = 'dropped', last_error = 'webhook removed', leased_until = null
        where target = 'webhook' and department_code = $1 and status = 'pending'`,
      [department],
    );
    await events.publish(tx, [webhookEvent('webhook.removed', department, actor)]);
  });
}
