/**
 * Subscriptions: a department's system asks to be told (by a signed CloudEvent to its callback
 * URL) about lifecycle changes of the licenses of a catalog resource, optionally of some holders
 * only. A subscription is bound to one grant: the agreement it names, or the active agreement of
 * its purpose (which it must name when the department has agreements of several purposes for the
 * resource). Each delivery carries what that one grant allows when it is sent — never the union
 * of the department's agreements, which would hand one purpose the fields granted for another.
 */
import { randomUUID } from 'node:crypto';
import { getResource, type CatalogResource } from '../catalog/index.ts';
import type { DomainEvents } from '../platform/events.ts';
import { subscriptionCreated, subscriptionDeleted } from './events.ts';
import type { OutboundPolicy } from '../platform/http/outbound.ts';
import { DomainError, invalid, notFound } from '../platform/errors.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import { actorOf, type StaffPrincipal } from '../platform/auth/principal.ts';
import { decide } from '../policy/index.ts';
import { grantsForResource, type ActiveGrant } from '../agreements/index.ts';
import { isPurpose } from '../agreements/index.ts';

export const MAX_SUBSCRIPTION_HOLDERS = 1000;
const HOLDER_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export interface Subscription {
  id: string;
  department: string;
  clientId: string;
  resourceId: string;
  licenseType: string;
  /** The purpose it is delivered under (null: a subscription made before purposes were required). */
  purpose: string | null;
  /** The agreement it is delivered under, when it named one (otherwise its purpose's active agreement). */
  agreementId: string | null;
  callbackUrl: string;
  holders: string[] | null;
  status: 'active' | 'deleted';
  createdAt: string;
  deletedAt: string | null;
}

interface Row {
  id: string;
  department_code: string;
  client_id: string;
  resource_id: string;
  license_type: string;
  purpose: string | null;
  agreement_id: string | null;
  callback_url: string;
  holders: string[] | null;
  created_at: Date;
  deleted_at: Date | null;
}

const COLUMNS = 'id, department_code, client_id, resource_id, license_type, purpose, agreement_id, callback_url, holders, created_at, deleted_at';

const toSubscription = (r: Row): Subscription => ({
  id: r.id,
  department: r.department_code,
  clientId: r.client_id,
  resourceId: r.resource_id,
  licenseType: r.license_type,
  purpose: r.purpose,
  agreementId: r.agreement_id,
  callbackUrl: r.callback_url,
  holders: r.holders,
  status: r.deleted_at ? 'deleted' : 'active',
  createdAt: r.created_at.toISOString(),
  deletedAt: r.deleted_at?.toISOString() ?? null,
});

export const resourceEntity = (resource: CatalogResource) => ({
  type: 'CatalogResource',
  id: resource.id,
  attrs: {
    resourceId: resource.id,
    ownerDepartment: resource.ownerDepartment,
    sharingClass: resource.sharingClass,
    accessModes: [...resource.accessModes],
  },
});

export const subscriptionEntity = (s: Pick<Subscription, 'id' | 'department'>) => ({ type: 'Subscription', id: s.id, attrs: { department: s.department } });

/**
 * The one grant a subscription is delivered under among its department's active grants for the
 * resource: the agreement it names; else the active agreement of its purpose (the longest-running
 * when a renewal overlaps, as the exchange picks); else (one made before purposes were required)
 * the department's only purpose's. `ambiguous`: agreements of several purposes and none named.
 */
export function boundGrant(grants: readonly ActiveGrant[], s: { agreementId: string | null; purpose: string | null }): ActiveGrant | 'none' | 'ambiguous' {
  if (s.agreementId) return grants.find((g) => g.agreementId === s.agreementId) ?? 'none';
  if (s.purpose) return grants.find((g) => g.purpose === s.purpose) ?? 'none';
  if (new Set(grants.map((g) => g.purpose)).size > 1) return 'ambiguous';
  return grants[0] ?? 'none';
}

/**
 * A callback URL must be absolute http(s) without credentials, to an allowed destination (see
 * platform/http/outbound.ts). Plain http is accepted because government networks (政务外网) often
 * terminate TLS at their edge; use https across networks.
 */
export async function createSubscription(
  store: Store,
  events: DomainEvents,
  outbound: OutboundPolicy,
  principal: StaffPrincipal,
  input: { resourceId: string; callbackUrl: string; holders?: string[]; purpose?: string; agreementId?: string },
): Promise<Subscription & { fields: string[] }> {
  const callbackUrl = await outbound.checkUrl(input.callbackUrl, '/callbackUrl');
  if (input.purpose !== undefined && !isPurpose(input.purpose)) {
    throw invalid('unknown-purpose', `${input.purpose} is not a purpose code of GET /api/v1/purposes`, '/purpose');
  }
  let holders: string[] | null = null;
  if (input.holders) {
    const bad = input.holders.find((h) => !HOLDER_CODE.test(h));
    if (bad !== undefined) throw invalid('invalid-holder-code', `${bad} is not a holder code (18 characters)`, '/holders');
    holders = [...new Set(input.holders)];
    if (holders.length === 0 || holders.length > MAX_SUBSCRIPTION_HOLDERS) {
      throw invalid('validation-failed', `holders lists 1 to ${MAX_SUBSCRIPTION_HOLDERS} holder codes (omit it for every holder)`, '/holders');
    }
  }
  const resource = await getResource(store, input.resourceId);
  if (!resource.licenseType) throw invalid('not-a-license-resource', `resource ${resource.id} exposes no license type: nothing to subscribe to`, '/resourceId');
  const grants = await grantsForResource(store, principal.departmentCode, resource.id);
  const noAgreement = (field?: string) =>
    new DomainError(
      'forbidden',
      'no-agreement',
      `department ${principal.departmentCode} has no active sharing agreement for ${resource.title} / ${resource.titleEn} (resource ${resource.id})${input.agreementId ? ` with id ${input.agreementId}` : input.purpose ? ` with purpose ${input.purpose}` : ''}; request one at POST /api/v1/agreements`,
      { field, details: { missing: 'agreement', department: principal.departmentCode, resourceId: resource.id, purpose: input.purpose ?? null, agreementId: input.agreementId ?? null } },
    );
  const bound = boundGrant(grants, { agreementId: input.agreementId ?? null, purpose: input.purpose ?? null });
  if (bound === 'ambiguous') {
    const purposes = [...new Set(grants.map((g) => g.purpose))];
    throw new DomainError('invalid', 'purpose-required', `department ${principal.departmentCode} has agreements for ${purposes.join(', ')}: name the purpose (or agreementId) this subscription is delivered under`, {
      field: '/purpose',
      details: { purposes, agreements: grants.map((g) => ({ agreementId: g.agreementId, purpose: g.purpose })) },
    });
  }
  if (bound === 'none') throw noAgreement(input.agreementId ? '/agreementId' : input.purpose ? '/purpose' : undefined);
  if (input.purpose !== undefined && input.agreementId !== undefined && bound.purpose !== input.purpose) {
    throw invalid('validation-failed', `agreement ${bound.agreementId} is for purpose ${bound.purpose}, not ${input.purpose}`, '/purpose');
  }
  const allowed = decide(principal, 'subscription:create', resourceEntity(resource), {
    agreement: { agreementId: bound.agreementId, consumerDepartment: bound.consumerDepartment, resourceId: bound.resourceId, purpose: bound.purpose },
  }).allowed;
  if (!allowed) {
    const reason = resource.accessModes.includes('subscription') ? '' : ` (resource ${resource.id} does not offer the subscription access mode)`;
    throw new DomainError('forbidden', 'forbidden', `subscription:create on resource ${resource.id} is not allowed${reason}`, { details: { action: 'subscription:create' } });
  }
  return store.transaction(async (tx) => {
    const row = (
      await tx.query<Row>(
        `insert into subscriptions (id, department_code, client_id, resource_id, license_type, purpose, agreement_id, callback_url, holders)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
        [randomUUID(), principal.departmentCode, actorOf(principal), resource.id, resource.licenseType, bound.purpose, input.agreementId ?? null, callbackUrl, holders],
      )
    ).rows[0];
    const subscription = toSubscription(row);
    await events.publish(tx, [subscriptionCreated(subscription, actorOf(principal))]);
    return { ...subscription, fields: bound.fields };
  });
}

export async function listSubscriptions(db: Queryable, department: string | undefined, includeDeleted = false): Promise<Subscription[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from subscriptions where ($1::text is null or department_code = $1) ${includeDeleted ? '' : 'and deleted_at is null'}
      order by created_at desc, id limit 1000`,
    [department ?? null],
  );
  return rows.rows.map(toSubscription);
}

export async function getSubscription(db: Queryable, id: string): Promise<Subscription> {
  const row = (await db.query<Row>(`select ${COLUMNS} from subscriptions where id = $1`, [id])).rows[0];
  if (!row) throw notFound('subscription-not-found', `no subscription ${id}`);
  return toSubscription(row);
}

/** Cancels a subscription: nothing more is written for it, and its undelivered events are dropped. */
export async function deleteSubscription(store: Store, events: DomainEvents, id: string, actor: string): Promise<void> {
  await store.transaction(async (tx) => {
    const updated = await tx.query('update subscriptions set deleted_at = now() where id = $1 and deleted_at is null', [id]);
    if (updated.rowCount === 0) return;
    await tx.query(
      `update outbox set status = 'dropped', last_error = 'subscription deleted', leased_until = null where subscription_id = $1 and status = 'pending'`,
      [id],
    );
    const department = (await tx.query<{ department_code: string }>('select department_code from subscriptions where id = $1', [id])).rows[0].department_code;
    await events.publish(tx, [subscriptionDeleted(id, department, actor)]);
  });
}
