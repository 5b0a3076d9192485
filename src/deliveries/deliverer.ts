/**
 * The deliverer: sends outbox rows as signed CloudEvents 1.0 (structured JSON mode), with
 * retries (exponential backoff with jitter), a dead-letter state after the last try, and
 * redelivery on request.
 *
 * - Ordering: rows with the same ordering key (one subscription × one license) go one after
 *   another: a row is not sent while an earlier row of its key is still pending (being sent or
 *   waiting to be retried); it goes once that one was delivered or dead-lettered.
 * - Several deliverers (server processes) share the work: a claim leases rows for `leaseMs`
 *   (`for update skip locked`); a crashed deliverer's lease runs out and another takes over.
 * - Minimisation happens here, at delivery: a subscription's delivery carries the fields the one
 *   agreement it is delivered under grants at that moment, taken from the issuer-signed credential of
 *   that version (presented with only those disclosures). No agreement any more: dropped.
 * - Signature: a detached JWS (RFC 7515 appendix F) over the exact body, with the platform's
 *   event key (EdDSA; published in /.well-known/jwks.json), in `X-CertBridge-Signature`.
 */
import type { WorkerBeat } from '../platform/background.ts';
import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config.ts';
import { outboundPolicy } from '../platform/http/outbound.ts';
import { encodeJsonSegment, signEncodedJws } from '../platform/crypto/jws.ts';
import type { Queryable } from '../platform/store/store.ts';
import { grantsForResource } from '../agreements/index.ts';
import { findVersionCredential } from '../licenses/index.ts';
import { licensesUnderObjection } from '../objections/index.ts';
import { EVENT_TYPE_PREFIX } from './outbox.ts';
import { present, recordAccess, type AccessRecord } from '../exchange/index.ts';
import type { Platform } from '../platform/platform.ts';
import { boundGrant, getSubscription } from './subscriptions.ts';

export const SIGNATURE_HEADER = 'x-certbridge-signature';
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

export interface DeliveryOptions {
  /** How often to look for due rows when not woken up. */
  pollMs: number;
  /** First retry after about this long; each further retry waits twice as long (± jitter)… */
  backoffBaseMs: number;
  /** …but never longer than this. */
  backoffMaxMs: number;
  /** After this many failed attempts a row is dead-lettered. */
  maxAttempts: number;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Rows claimed (and sent concurrently) at once. */
  concurrency: number;
  /** A claimed row is another deliverer's to take after this long. */
  leaseMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  pollMs: 1_000,
  backoffBaseMs: 5_000,
  backoffMaxMs: 3_600_000,
  maxAttempts: 10,
  timeoutMs: 10_000,
  concurrency: 16,
  leaseMs: 60_000,
};

/** Delivery settings from the configuration (see README: CERTBRIDGE_DELIVERY_*). */
export function deliveryOptions(config: Config): DeliveryOptions {
  return {
    pollMs: config.deliveryPollMs,
    backoffBaseMs: config.deliveryBackoffMs,
    backoffMaxMs: config.deliveryBackoffMaxMs,
    maxAttempts: config.deliveryMaxAttempts,
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.deliveryConcurrency,
    leaseMs: DEFAULT_DELIVERY.leaseMs,
  };
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt−1), capped, with "equal jitter" (between half and all of it). */
export function backoffDelay(attempt: number, options: Pick<DeliveryOptions, 'backoffBaseMs' | 'backoffMaxMs'>, random = Math.random): number {
  const full = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

interface ClaimedRow {
  id: number;
  event_id: string;
  event_type: string;
  subject: string;
  occurred_at: Date;
  target: 'subscription' | 'webhook';
  subscription_id: string | null;
  department_code: string;
  data: Record<string, unknown>;
  attempts: number;
}

/** The body of a delivery and where it goes; undefined (with why) when it must be dropped. */
type Prepared = { url: string; event: Record<string, unknown>; access?: AccessRecord } | { drop: string };

/** The CloudEvent (structured mode) of an outbox row. */
export function cloudEvent(publicUrl: string, row: Pick<ClaimedRow, 'event_id' | 'event_type' | 'subject' | 'occurred_at' | 'target'>, data: Record<string, unknown>) {
  const domain = row.event_type.slice(EVENT_TYPE_PREFIX.length).split('.')[0];
  return {
    specversion: '1.0',
    id: row.event_id,
    source: `${publicUrl}/api/v1/${domain === 'license' ? 'licenses' : 'notifications'}`,
    type: row.event_type,
    subject: row.subject,
    time: row.occurred_at.toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

export class Deliverer {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  private beat?: WorkerBeat;
  readonly options: DeliveryOptions;

  constructor(
    private readonly platform: Platform,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY, ...options };
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.beat = this.platform.background.track('deliverer', this.options.pollMs);
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.beat?.stopped();
    this.wake?.();
    await this.loop;
  }

  /** Something was written to the outbox: look again shortly (after its transaction committed). */
  nudge(): void {
    if (!this.running) return;
    setTimeout(() => this.wake?.(), 5).unref();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.deliverDue();
        this.beat?.passed();
      } catch (error) {
        // The store is unavailable: try again at the next poll.
        this.beat?.failed(error);
      }
      if (sent === 0 && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.options.pollMs);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    }
  }

  /** Claims the rows that are due (first of their ordering key) and sends them; returns how many. */
  async deliverDue(): Promise<number> {
    const db = this.platform.store;
    const claimed = (
      await db.query<ClaimedRow>(
        `with due as (
           select o.id from outbox o
            where o.status = 'pending' and o.next_attempt_at <= now() and (o.leased_until is null or o.leased_until < now())
              and (o.ordering_key is null or not exists (
                    select 1 from outbox p where p.ordering_key = o.ordering_key and p.status = 'pending' and p.id < o.id))
            order by o.next_attempt_at, o.id
            limit $1
            for update skip locked)
         update outbox o set leased_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
           from due where o.id = due.id
         returning o.id, o.event_id, o.event_type, o.subject, o.occurred_at, o.target, o.subscription_id, o.department_code, o.data, o.attempts`,
        [this.options.concurrency, this.options.leaseMs / 1000],
      )
    ).rows;
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  private async prepare(db: Queryable, row: ClaimedRow): Promise<Prepared> {
    if (row.target === 'webhook') {
      const hook = (await db.query<{ url: string }>('select url from department_webhooks where department_code = $1', [row.department_code])).rows[0];
      if (!hook) return { drop: 'webhook removed' };
      return { url: hook.url, event: cloudEvent(this.platform.config.publicUrl, row, row.data) };
    }
    const subscription = await getSubscription(db, row.subscription_id!);
    if (subscription.status !== 'active') return { drop: 'subscription deleted' };
    const grant = boundGrant(await grantsForResource(db, subscription.department, subscription.resourceId), subscription);
    if (grant === 'none') return { drop: 'no-agreement: the agreement the subscription is delivered under is not active any more' };
    if (grant === 'ambiguous') return { drop: 'purpose-required: the subscription names no purpose and its department has agreements of several' };
    const fields = grant.fields;
    const identifier = String(row.data.identifier);
    const credential = await findVersionCredential(db, identifier);
    if (!credential) return { drop: `license version ${identifier} not found` };
    const presented = present(
      { holderCode: String(row.data.holderCode), identifier, version: Number(row.data.version), status: row.data.status as never, issuerCode: String(row.data.issuerCode), typeKey: subscription.licenseType, credential },
      fields,
    );
    const data = {
      ...row.data,
      subscriptionId: subscription.id,
      resourceId: subscription.resourceId,
      fields: presented.fields,
      // As the exchange marks it: under an open objection (数据异议) when delivered, from memory.
      ...((await licensesUnderObjection(this.platform)).has(subscription.licenseType, String(row.data.holderCode)) ? { underObjection: true } : {}),
      credential: presented.credential,
    };
    const access: AccessRecord = {
      accessId: randomUUID(),
      at: new Date(),
      departmentCode: subscription.department,
      clientId: subscription.clientId,
      operation: 'event',
      licenseType: subscription.licenseType,
      purpose: grant.purpose,
      holderCodes: [String(row.data.holderCode)],
      fields: Object.keys(presented.fields),
      basis: 'subscription',
      basisIds: [subscription.id, grant.agreementId],
      outcome: 'allowed',
      status: 0,
      problem: null,
    };
    return { url: subscription.callbackUrl, event: cloudEvent(this.platform.config.publicUrl, row, data), access };
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const db = this.platform.store;
    let prepared: Prepared;
    try {
      prepared = await this.prepare(db, row);
    } catch (error) {
      await this.finish(row, { ok: false, status: null, error: `cannot prepare the delivery: ${(error as Error).message}`, ms: 0 });
      return;
    }
    if ('drop' in prepared) {
      await db.query(`update outbox set status = 'dropped', last_error = $2, leased_until = null where id = $1`, [row.id, prepared.drop]);
      return;
    }
    const body = JSON.stringify(prepared.event);
    const key = await this.platform.keys.activeKey('event', 'EdDSA');
    const signature = detachedJws(key, body);
    // The license data leaves the platform: the access is recorded (committed) first.
    if (prepared.access) await recordAccess(this.platform, prepared.access);
    // The destination is checked again on the address actually connected to (DNS may have changed).
    const sent = await outboundPolicy(this.platform).post(
      prepared.url,
      body,
      {
        'content-type': CLOUDEVENTS_JSON,
        [SIGNATURE_HEADER]: signature,
        'x-certbridge-delivery': String(row.id),
        'x-certbridge-attempt': String(row.attempts),
        'user-agent': 'CertBridge-Deliverer/1',
      },
      this.options.timeoutMs,
    );
    const ok = sent.status !== undefined && sent.status >= 200 && sent.status < 300;
    if (sent.failure) this.platform.log.warn({ delivery: row.id, failure: sent.failure, detail: sent.detail }, 'delivery failed');
    // The department sees a category (or the receiver's status), never the network's own words: no port scanning through us.
    await this.finish(row, { ok, status: sent.status ?? null, error: ok ? null : (sent.failure ?? `HTTP ${sent.status}`), ms: sent.ms });
  }

  private async finish(row: ClaimedRow, outcome: { ok: boolean; status: number | null; error: string | null; ms: number }): Promise<void> {
    const db = this.platform.store;
    await db.transaction(async (tx) => {
      await tx.query('insert into outbox_attempts (delivery_id, attempt, status, error, duration_ms) values ($1, $2, $3, $4, $5)', [
        row.id,
        row.attempts,
        outcome.status,
        outcome.error,
        outcome.ms,
      ]);
      if (outcome.ok) {
        await tx.query(`update outbox set status = 'delivered', delivered_at = now(), last_status = $2, last_error = null, leased_until = null where id = $1`, [
          row.id,
          outcome.status,
        ]);
      } else if (row.attempts >= this.options.maxAttempts) {
        await tx.query(`update outbox set status = 'dead', last_status = $2, last_error = $3, leased_until = null where id = $1`, [row.id, outcome.status, outcome.error]);
      } else {
        await tx.query(
          `update outbox set last_status = $2, last_error = $3, leased_until = null, next_attempt_at = now() + make_interval(secs => $4) where id = $1`,
          [row.id, outcome.status, outcome.error, backoffDelay(row.attempts, this.options) / 1000],
        );
      }
    });
  }
}

/** `<protected header>..<signature>`: the JWS of the body with the payload detached (RFC 7515 appendix F). */
export function detachedJws(key: Parameters<typeof signEncodedJws>[0], body: string): string {
  const header = encodeJsonSegment({ alg: key.alg, kid: key.kid, cty: 'application/cloudevents+json' });
  const jws = signEncodedJws(key, header, Buffer.from(body, 'utf8').toString('base64url'));
  const [h, , s] = jws.split('.');
  return `${h}..${s}`;
}
