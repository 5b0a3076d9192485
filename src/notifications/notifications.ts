import { randomUUID } from 'node:crypto';
import { departmentSystems, listDepartments } from '../departments/index.ts';
import type { DomainEvents } from '../platform/events.ts';
import { notificationEvent } from './events.ts';
import { DomainError } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { decide } from '../policy/index.ts';

/** Something a department should know about, in its inbox. */
export interface NotificationInput {
  department: string;
  /** What happened, e.g. `agreement.submitted`, `audit.alert`. */
  kind: string;
  title: string;
  titleEn: string;
  body?: string | null;
  /** Where to look, an API path such as `/api/v1/agreements/<id>`. */
  link?: string | null;
  agreementId?: string | null;
  /** Who caused it (for the `notification.created` event); `system` when omitted. */
  actor?: string;
}

export interface Notification {
  id: string;
  department: string;
  kind: string;
  title: string;
  titleEn: string;
  body: string | null;
  link: string | null;
  agreementId: string | null;
  createdAt: string;
  read: boolean;
  readAt: string | null;
}

interface NotificationRow {
  id: string;
  department: string;
  kind: string;
  title: string;
  title_en: string;
  body: string | null;
  link: string | null;
  agreement_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

const COLUMNS = 'id, department, kind, title, title_en, body, link, agreement_id, created_at, read_at';

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  department: r.department,
  kind: r.kind,
  title: r.title,
  titleEn: r.title_en,
  body: r.body,
  link: r.link,
  agreementId: r.agreement_id,
  createdAt: r.created_at.toISOString(),
  read: r.read_at !== null,
  readAt: r.read_at?.toISOString() ?? null,
});

/**
 * Puts notifications into departments' inboxes, in the caller's transaction, and publishes a
 * `notification.created` event for each (the exchange turns those into webhook calls where a
 * department configured one). The same department twice in one call is notified once.
 */
export async function notify(
  tx: Queryable,
  events: DomainEvents | undefined,
  input: NotificationInput | readonly NotificationInput[],
): Promise<Notification[]> {
  const seen = new Set<string>();
  const list = (Array.isArray(input) ? input : [input as NotificationInput]).filter((n) => {
    const key = `${n.department}\u0000${n.kind}\u0000${n.agreementId ?? ''}\u0000${n.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (list.length === 0) return [];
  const col = <T>(pick: (n: NotificationInput) => T) => list.map(pick);
  const rows = await tx.query<NotificationRow>(
    `insert into notifications (id, department, kind, title, title_en, body, link, agreement_id)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
     returning ${COLUMNS}`,
    [
      list.map(() => randomUUID()),
      col((n) => n.department),
      col((n) => n.kind),
      col((n) => n.title),
      col((n) => n.titleEn),
      col((n) => n.body ?? null),
      col((n) => n.link ?? null),
      col((n) => n.agreementId ?? null),
    ],
  );
  const created = rows.rows.map(toNotification);
  await events?.publish(
    tx,
    created.map((n, i) => notificationEvent(n, list[i].actor ?? 'system')),
  );
  return created;
}

/** One notification to one department: what other capabilities (the audit log's alerts) call. */
export async function notifyDepartment(tx: Queryable, platform: { events?: DomainEvents }, input: NotificationInput): Promise<Notification> {
  const [created] = await notify(tx, platform.events, input);
  return created;
}

/**
 * The departments that act as the coordination office: those with a system the policies let
 * oversee sharing. Read each time (departments and systems change rarely, and this runs only
 * on escalations, appeals and alerts).
 */
export async function coordinationOffices(db: Queryable): Promise<string[]> {
  const offices: string[] = [];
  for (const department of await listDepartments(db)) {
    const clients = await departmentSystems(db, department.code);
    const oversees = clients.some(
      (c) => decide({ kind: 'client', clientId: c.clientId, departmentCode: c.departmentCode, roles: c.roles }, 'coordination:oversee', { type: 'Platform', id: 'certbridge' }).allowed,
    );
    if (oversees) offices.push(department.code);
  }
  return offices;
}

/** Notifies every coordination office department. */
export async function notifyCoordinationOffice(
  tx: Queryable,
  platform: { events?: DomainEvents },
  input: Omit<NotificationInput, 'department'>,
): Promise<Notification[]> {
  const offices = await coordinationOffices(tx);
  return notify(tx, platform.events, offices.map((department) => ({ ...input, department })));
}

/** A department's inbox, newest first. */
export async function listInbox(
  db: Queryable,
  department: string,
  options: { unread?: boolean; kind?: string; limit?: number; offset?: number } = {},
): Promise<{ items: Notification[]; total: number; unread: number }> {
  const where = ['department = $1'];
  const params: unknown[] = [department];
  if (options.unread) where.push('read_at is null');
  if (options.kind) {
    params.push(options.kind);
    where.push(`kind = $${params.length}`);
  }
  const rows = await db.query<NotificationRow>(
    `select ${COLUMNS} from notifications where ${where.join(' and ')} order by created_at desc, id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, options.limit ?? 50, options.offset ?? 0],
  );
  const counts = await db.query<{ total: number; unread: number }>(
    `select count(*)::int as total, (select count(*)::int from notifications where department = $1 and read_at is null) as unread
       from notifications where ${where.join(' and ')}`,
    params,
  );
  return { items: rows.rows.map(toNotification), total: counts.rows[0].total, unread: counts.rows[0].unread };
}

/** Marks a notification of `department` read; another department's notification is not found. */
export async function markRead(db: Queryable, department: string, id: string, actor: string): Promise<Notification> {
  const rows = await db.query<NotificationRow>(
    `update notifications set read_at = coalesce(read_at, now()), read_by = coalesce(read_by, $3)
      where id = $1 and department = $2 returning ${COLUMNS}`,
    [id, department, actor],
  );
  if (!rows.rows[0]) throw new DomainError('not-found', 'notification-not-found', `your department's inbox has no notification ${id}`);
  return toNotification(rows.rows[0]);
}
