import { randomUUID } from 'node:crypto';
import { getResource, resourcePolicyEntity, type CatalogResource } from '../catalog/index.ts';
import { findDepartment } from '../departments/index.ts';
import { coordinationOffices, notify, type NotificationInput } from '../notifications/index.ts';
import type { ChangeFeed } from '../platform/changes.ts';
import type { DomainEvents } from '../platform/events.ts';
import { agreementEvent, type AgreementStep } from './events.ts';
import { DomainError, invalid } from '../platform/errors.ts';
import { isPracticeCode, notPracticeSql } from '../platform/practiceCodes.ts';
import type { Queryable, Store } from '../platform/store/store.ts';
import { actorOf, isStaff } from '../platform/auth/principal.ts';
import { authorize, decide, type PolicyResource, type Principal } from '../policy/index.ts';
import { findPurpose } from './purposes.ts';
import type { Config } from '../platform/config.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import { answerDeadline, holidayCalendar } from '../platform/workingDays.ts';

/**
 * A sharing agreement's states. `approved` is passed through at once: an approval activates the
 * agreement in the same transaction (both steps stay in its history), so a consumer can use it
 * the moment the owner says yes.
 */
export const AGREEMENT_STATUSES = ['submitted', 'approved', 'rejected', 'escalated', 'active', 'expired', 'revoked', 'suspended'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

type Change = 'approve' | 'reject' | 'escalate' | 'activate' | 'revoke' | 'suspend' | 'reinstate' | 'expire' | 'overturn';

const TRANSITIONS: Record<Change, { from: readonly AgreementStatus[]; to: AgreementStatus; event: AgreementStep }> = {
  approve: { from: ['submitted', 'escalated'], to: 'approved', event: 'approved' },
  reject: { from: ['submitted', 'escalated'], to: 'rejected', event: 'rejected' },
  escalate: { from: ['submitted'], to: 'escalated', event: 'escalated' },
  activate: { from: ['approved'], to: 'active', event: 'activated' },
  revoke: { from: ['active', 'suspended'], to: 'revoked', event: 'revoked' },
  suspend: { from: ['active'], to: 'suspended', event: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active', event: 'reinstated' },
  expire: { from: ['active', 'suspended'], to: 'expired', event: 'expired' },
  // A rejection overturned on appeal by the coordination office.
  overturn: { from: ['rejected'], to: 'approved', event: 'appeal-decided' },
};

function transition(current: AgreementStatus, change: Change): AgreementStatus {
  const rule = TRANSITIONS[change];
  if (!rule.from.includes(current)) {
    throw new DomainError('conflict', 'invalid-transition', `cannot ${change} an agreement that is ${current}`, {
      details: { currentStatus: current, allowedFrom: rule.from },
    });
  }
  return rule.to;
}

/** What the agreements capability needs of the platform (tests pass the platform itself). */
export interface SharingContext {
  store: Store;
  events: DomainEvents;
  changes: ChangeFeed;
  config: Pick<Config, 'responseWorkingDays' | 'holidaysFile'>;
}

/** Announced when an agreement changes: a grant the exchange remembers is forgotten at once (in every process). */
export const AGREEMENT_CHANGES = 'agreements.agreement';

export interface AgreementRequest {
  resourceId: string;
  purpose: string;
  purposeDescription: string;
  legalBasis: string;
  fields: string[];
  expectedDailyVolume: number;
  validUntil: string;
}

export interface HistoryEntry {
  event: string;
  status: AgreementStatus;
  actor: string;
  actorDepartment: string | null;
  reason: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

export interface Agreement {
  id: string;
  status: AgreementStatus;
  resourceId: string;
  resourceTitle: string;
  licenseType: string | null;
  sharingClass: string;
  ownerDepartment: string;
  consumerDepartment: string;
  requestedBy: string;
  purpose: string;
  purposeDescription: string;
  legalBasis: string;
  /** The fields granted once approved; the fields asked for before. */
  fields: string[];
  requestedFields: string[];
  grantedFields: string[] | null;
  expectedDailyVolume: number;
  validUntil: string;
  submittedAt: string;
  dueDate: string | null;
  dueAt: string | null;
  /** Unanswered past its deadline (escalated ones are overdue by definition). */
  overdue: boolean;
  escalatedAt: string | null;
  decision: { decision: 'approve' | 'reject'; reason: string | null; decidedBy: string; decidedAt: string } | null;
  appeal: {
    status: 'pending' | 'upheld' | 'overturned';
    reason: string;
    appealedAt: string;
    decidedAt: string | null;
    decidedBy: string | null;
    decisionReason: string | null;
  } | null;
  statusReason: string | null;
  updatedAt: string;
  history?: HistoryEntry[];
}

interface AgreementRow {
  id: string;
  resource_id: string;
  resource_title: string;
  license_type: string | null;
  owner_department: string;
  consumer_department: string;
  requested_by: string;
  purpose: string;
  purpose_description: string;
  legal_basis: string;
  requested_fields: string[];
  granted_fields: string[] | null;
  expected_daily_volume: number;
  valid_until: string;
  sharing_class: string;
  status: AgreementStatus;
  submitted_at: Date;
  due_date: string | null;
  due_at: Date | null;
  escalated_at: Date | null;
  decision: 'approve' | 'reject' | null;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
  appeal_status: 'pending' | 'upheld' | 'overturned' | null;
  appeal_reason: string | null;
  appealed_at: Date | null;
  appeal_decided_at: Date | null;
  appeal_decided_by: string | null;
  appeal_decision_reason: string | null;
  status_reason: string | null;
  updated_at: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const isOverdue = (r: AgreementRow, now: Date) =>
  (r.status === 'submitted' || r.status === 'escalated') && (r.status === 'escalated' || (r.due_at !== null && r.due_at.getTime() <= now.getTime()));

function toAgreement(r: AgreementRow, now: Date): Agreement {
  return {
    id: r.id,
    status: r.status,
    resourceId: r.resource_id,
    resourceTitle: r.resource_title,
    licenseType: r.license_type,
    sharingClass: r.sharing_class,
    ownerDepartment: r.owner_department,
    consumerDepartment: r.consumer_department,
    requestedBy: r.requested_by,
    purpose: r.purpose,
    purposeDescription: r.purpose_description,
    legalBasis: r.legal_basis,
    fields: r.granted_fields ?? r.requested_fields,
    requestedFields: r.requested_fields,
    grantedFields: r.granted_fields,
    expectedDailyVolume: r.expected_daily_volume,
    validUntil: r.valid_until,
    submittedAt: r.submitted_at.toISOString(),
    dueDate: r.due_date,
    dueAt: iso(r.due_at),
    overdue: isOverdue(r, now),
    escalatedAt: iso(r.escalated_at),
    decision: r.decision
      ? { decision: r.decision, reason: r.decision_reason, decidedBy: r.decided_by ?? 'system', decidedAt: r.decided_at!.toISOString() }
      : null,
    appeal: r.appeal_status
      ? {
          status: r.appeal_status,
          reason: r.appeal_reason ?? '',
          appealedAt: r.appealed_at!.toISOString(),
          decidedAt: iso(r.appeal_decided_at),
          decidedBy: r.appeal_decided_by,
          decisionReason: r.appeal_decision_reason,
        }
      : null,
    statusReason: r.status_reason,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** What the policies see of an agreement. */
export const agreementPolicyEntity = (r: Pick<AgreementRow, 'id' | 'owner_department' | 'consumer_department' | 'status' | 'sharing_class'>): PolicyResource => ({
  type: 'Agreement',
  id: r.id,
  attrs: { ownerDepartment: r.owner_department, consumerDepartment: r.consumer_department, status: r.status, sharingClass: r.sharing_class },
});

export const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

const departmentOf = (p: Principal) => (isStaff(p) ? p.departmentCode : null);

async function loadRow(db: Queryable, id: string, lock = false): Promise<AgreementRow> {
  const row = (await db.query<AgreementRow>(`select * from agreements where id = $1 ${lock ? 'for update' : ''}`, [id])).rows[0];
  if (!row) throw new DomainError('not-found', 'agreement-not-found', `no agreement ${id}`);
  return row;
}

async function history(db: Queryable, id: string): Promise<HistoryEntry[]> {
  const rows = await db.query<{ event: string; status: AgreementStatus; actor: string; actor_department: string | null; reason: string | null; data: Record<string, unknown> | null; at: Date }>(
    'select event, status, actor, actor_department, reason, data, at from agreement_history where agreement_id = $1 order by id',
    [id],
  );
  return rows.rows.map((r) => ({ event: r.event, status: r.status, actor: r.actor, actorDepartment: r.actor_department, reason: r.reason, data: r.data, at: r.at.toISOString() }));
}

async function view(db: Queryable, id: string, now: Date): Promise<Agreement> {
  return { ...toAgreement(await loadRow(db, id), now), history: await history(db, id) };
}

/** One step of an agreement's life: a history row, a domain event, notices to the departments concerned. */
interface Step {
  event: AgreementStep;
  status: AgreementStatus;
  reason?: string | null;
  data?: Record<string, unknown>;
}

/** What a notice tells: a step, or what several steps amount to (无条件共享开通, 申诉维持, 申诉改判). */
type NoticeEvent = AgreementStep | 'granted' | 'appeal-upheld' | 'appeal-overturned';

const departmentLabel = async (db: Queryable, code: string) => {
  const d = await findDepartment(db, code);
  return { zh: d?.name ?? code, en: d?.nameEn ?? code };
};

/** The granted fields' titles in both languages, by the resource's catalog entry; a field it does not title keeps its name. */
async function grantedFieldTitles(db: Queryable, r: AgreementRow): Promise<{ zh: string[]; en: string[] }> {
  const granted = r.granted_fields ?? [];
  if (granted.length === 0) return { zh: [], en: [] };
  const byName = new Map((await getResource(db, r.resource_id).catch(() => undefined))?.fields.map((f) => [f.name, f]) ?? []);
  return { zh: granted.map((f) => byName.get(f)?.title ?? f), en: granted.map((f) => byName.get(f)?.titleEn ?? f) };
}

/** The notice of a step, in both languages. */
async function notice(db: Queryable, r: AgreementRow, step: Omit<Step, 'event'> & { event: NoticeEvent }, toConsumer = false): Promise<{ title: string; titleEn: string }> {
  const consumer = await departmentLabel(db, r.consumer_department);
  const purpose = findPurpose(r.purpose);
  const what = `「${r.resource_title}」（${consumer.zh}，用途：${purpose?.name ?? r.purpose}）`;
  const whatEn = `${r.resource_title} for ${consumer.en} (purpose: ${purpose?.nameEn ?? r.purpose})`;
  // A person reads the fields' titles (the catalog's, from the type's standard), not their keys.
  const titles = await grantedFieldTitles(db, r);
  const fields = titles.zh.join('、');
  const fieldsEn = titles.en.join(', ');
  const reason = step.reason ? `：${step.reason}` : '';
  const reasonEn = step.reason ? `: ${step.reason}` : '';
  switch (step.event) {
    case 'submitted':
      if (toConsumer) {
        return { title: `共享申请已提交${what}，答复期限 ${r.due_date}`, titleEn: `Sharing request submitted: ${whatEn}; answer due ${r.due_date}` };
      }
      return { title: `新的共享申请${what}，请于 ${r.due_date} 前答复`, titleEn: `New sharing request: ${whatEn}; answer due ${r.due_date}` };
    case 'granted':
      return { title: `无条件共享已开通${what}，字段：${fields}`, titleEn: `Unconditional sharing granted: ${whatEn}; fields: ${fieldsEn}` };
    case 'approved':
      return { title: `共享申请已批准并生效${what}，授予字段：${fields}`, titleEn: `Sharing request approved and active: ${whatEn}; fields granted: ${fieldsEn}` };
    case 'rejected':
      return { title: `共享申请被拒绝${what}${reason}`, titleEn: `Sharing request rejected: ${whatEn}${reasonEn}` };
    case 'escalated':
      return {
        title: `共享申请逾期未答复（期限 ${r.due_date}），已提交协调机构${what}`,
        titleEn: `Sharing request unanswered by ${r.due_date}, escalated to the coordination office: ${whatEn}`,
      };
    case 'appealed':
      return { title: `对拒绝共享提出申诉${what}${reason}`, titleEn: `Rejection appealed to the coordination office: ${whatEn}${reasonEn}` };
    case 'appeal-upheld':
      return { title: `申诉裁决：维持拒绝（终局）${what}${reason}`, titleEn: `Appeal decided, rejection upheld (final): ${whatEn}${reasonEn}` };
    case 'appeal-overturned':
      return { title: `申诉裁决：撤销拒绝，共享已生效${what}，授予字段：${fields}`, titleEn: `Appeal decided, rejection overturned and sharing active: ${whatEn}; fields: ${fieldsEn}` };
    case 'revoked':
      return { title: `共享协议已撤销${what}${reason}`, titleEn: `Sharing agreement revoked: ${whatEn}${reasonEn}` };
    case 'suspended':
      return { title: `共享协议已暂停${what}${reason}`, titleEn: `Sharing agreement suspended: ${whatEn}${reasonEn}` };
    case 'reinstated':
      return { title: `共享协议已恢复${what}`, titleEn: `Sharing agreement reinstated: ${whatEn}` };
    case 'expired':
      return { title: `共享协议已到期（${r.valid_until}）${what}`, titleEn: `Sharing agreement expired on ${r.valid_until}: ${whatEn}` };
    case 'commented':
      return { title: `共享申请有新评论${what}`, titleEn: `New comment on the sharing request: ${whatEn}` };
    default:
      return { title: `共享申请更新${what}`, titleEn: `Sharing request updated: ${whatEn}` };
  }
}

function stepEvent(type: AgreementStep, r: AgreementRow, actor: string, at: Date, step: Step) {
  return agreementEvent(
    type,
    {
      agreementId: r.id,
      resourceId: r.resource_id,
      licenseType: r.license_type,
      ownerDepartment: r.owner_department,
      consumerDepartment: r.consumer_department,
      purpose: r.purpose,
      status: step.status,
      fields: r.granted_fields ?? r.requested_fields,
      validUntil: r.valid_until,
      ...(step.reason ? { reason: step.reason } : {}),
      ...step.data,
    },
    actor,
    at,
  );
}

/**
 * Writes the history of `steps`, publishes their events and sends one notice (the last step's,
 * or `noticeEvent`) to `recipients`, all in `tx`.
 */
async function record(
  tx: Queryable,
  ctx: SharingContext,
  r: AgreementRow,
  steps: Step[],
  who: { actor: string; department: string | null },
  at: Date,
  recipients: { coordinator?: boolean },
  noticeEvent?: NoticeEvent,
): Promise<void> {
  for (const step of steps) {
    await tx.query(
      'insert into agreement_history (agreement_id, event, status, actor, actor_department, reason, data, at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [r.id, step.event, step.status, who.actor, who.department, step.reason ?? null, step.data ? JSON.stringify(step.data) : null, at],
    );
  }
  await ctx.events.publish(tx, steps.map((s) => stepEvent(s.event, r, who.actor, at, s)));
  await ctx.changes.announce(tx, AGREEMENT_CHANGES, r.id);
  const last = steps[steps.length - 1];
  const departments = [
    r.owner_department,
    r.consumer_department,
    // A practice copy's agreements (练习模式) never reach the real coordination office.
    ...(recipients.coordinator && !isPracticeCode(r.owner_department) ? await coordinationOffices(tx) : []),
  ].filter((d, i, all) => all.indexOf(d) === i);
  const step = { ...last, event: noticeEvent ?? last.event };
  const [text, consumerText] = [await notice(tx, r, step), await notice(tx, r, step, true)];
  const kind = `agreement.${step.event}`;
  await notify(
    tx,
    ctx.events,
    departments.map<NotificationInput>((department) => ({
      department,
      kind,
      ...(department === r.consumer_department ? consumerText : text),
      link: `/api/v1/agreements/${r.id}`,
      agreementId: r.id,
      actor: who.actor,
    })),
  );
}

function checkFields(requested: readonly string[], allowed: readonly string[], code: string, what: string): string[] {
  if (requested.length === 0) throw invalid('validation-failed', 'ask for at least one field', '/fields');
  const seen = new Set<string>();
  requested.forEach((field, i) => {
    if (seen.has(field)) throw invalid('validation-failed', `field ${field} is listed twice`, `/fields/${i}`);
    seen.add(field);
    if (!allowed.includes(field)) throw invalid(code, `${field} is not ${what}`, `/fields/${i}`);
  });
  return [...requested];
}

const pending = (resourceId: string, purpose: string, agreementId?: string) =>
  new DomainError('conflict', 'agreement-pending', `your department already has an open request for ${resourceId} for ${purpose}`, {
    field: '/resourceId',
    details: agreementId ? { agreementId } : {},
  });

/** The insert of a request; two requests racing past the check meet the unique index, and the loser gets the same 409. */
async function insertOnce<T>(tx: Queryable, consumer: string, resourceId: string, purpose: string, insert: () => Promise<T>): Promise<T> {
  const open = await tx.query<{ id: string }>(
    "select id from agreements where consumer_department = $1 and resource_id = $2 and purpose = $3 and status in ('submitted', 'escalated')",
    [consumer, resourceId, purpose],
  );
  if (open.rows[0]) throw pending(resourceId, purpose, open.rows[0].id);
  try {
    return await insert();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw pending(resourceId, purpose);
    throw error;
  }
}

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

/**
 * A consumer department asks for a resource (共享申请). Conditional resources (or requests for a
 * conditional field) wait for the owner's answer, due in 10 working days; unconditional ones are
 * granted at once (still recorded, with their purpose); not-shared ones (or fields) are refused
 * with their legal basis cited.
 */
export async function submitAgreement(ctx: SharingContext, principal: Principal, input: AgreementRequest, now: Date = new Date()): Promise<Agreement> {
  const id = await ctx.store.transaction(async (tx) => {
    let resource: CatalogResource;
    try {
      resource = await getResource(tx, input.resourceId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'resource-not-found') {
        throw new DomainError('not-found', 'resource-not-found', error.message, { field: '/resourceId' });
      }
      throw error;
    }
    if (!decide(principal, 'agreement:request', resourcePolicyEntity(resource), {}).allowed) {
      if (resource.sharingClass === 'not-shared') {
        throw new DomainError('forbidden', 'resource-not-shared', `${resource.title} (${resource.id}) is not shared (不予共享) under ${resource.legalBasis}`, {
          field: '/resourceId',
          details: { legalBasis: resource.legalBasis, sharingClass: resource.sharingClass },
        });
      }
      throw new DomainError('forbidden', 'forbidden', `agreement:request on ${resource.id} is not allowed`, { details: { action: 'agreement:request' } });
    }
    const consumer = departmentOf(principal)!;
    if (!findPurpose(input.purpose)) throw invalid('unknown-purpose', `${input.purpose} is not a purpose of GET /api/v1/purposes`, '/purpose');
    if (blank(input.purposeDescription)) throw new DomainError('invalid', 'missing-field', 'describe the purpose', { field: '/purposeDescription' });
    if (blank(input.legalBasis)) throw new DomainError('invalid', 'missing-field', 'cite the legal basis of the request', { field: '/legalBasis' });
    const fields = checkFields(
      input.fields,
      resource.fields.map((f) => f.name),
      'field-not-in-resource',
      `a field of ${resource.id}`,
    );
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.validUntil) || Number.isNaN(Date.parse(`${input.validUntil}T00:00:00Z`)) || new Date(`${input.validUntil}T00:00:00Z`).toISOString().slice(0, 10) !== input.validUntil) {
      throw invalid('validation-failed', '/validUntil must be a date (YYYY-MM-DD)', '/validUntil');
    }
    if (input.validUntil < chinaDate(now)) throw invalid('validation-failed', '/validUntil is in the past', '/validUntil');
    // A license type's fields carry their own classes (docs/license-types.md): a request is as
    // strict as its strictest field, and a field not shared cannot be asked for at all.
    const classes = fields.map((field) => resource.fields.find((f) => f.name === field)?.sharingClass ?? resource.sharingClass);
    const notShared = classes.indexOf('not-shared');
    if (notShared >= 0) {
      throw new DomainError('forbidden', 'field-not-shared', `${fields[notShared]} of ${resource.id} is not shared (不予共享)${resource.legalBasis ? ` under ${resource.legalBasis}` : ''}`, {
        field: `/fields/${notShared}`,
        details: { legalBasis: resource.legalBasis, sharingClass: 'not-shared' },
      });
    }
    const sharingClass = classes.includes('conditional') ? 'conditional' : 'unconditional';
    const id = randomUUID();
    const who = { actor: actorOf(principal), department: consumer };
    const unconditional = sharingClass === 'unconditional';
    const deadline = unconditional ? null : answerDeadline(now, ctx.config.responseWorkingDays, holidayCalendar(ctx.config.holidaysFile));
    const inserted = await insertOnce(tx, consumer, resource.id, input.purpose, () => tx.query<AgreementRow>(
      `insert into agreements (id, resource_id, resource_title, license_type, owner_department, consumer_department, requested_by, purpose,
                               purpose_description, legal_basis, requested_fields, granted_fields, expected_daily_volume, valid_until,
                               sharing_class, status, submitted_at, due_date, due_at, decision, decided_at, decided_by, decision_reason, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $17)
       returning *`,
      [
        id,
        resource.id,
        resource.title,
        resource.licenseType,
        resource.ownerDepartment,
        consumer,
        who.actor,
        input.purpose,
        input.purposeDescription,
        input.legalBasis,
        fields,
        unconditional ? fields : null,
        input.expectedDailyVolume,
        input.validUntil,
        sharingClass,
        unconditional ? 'active' : 'submitted',
        now,
        deadline?.dueDate ?? null,
        deadline?.dueAt ?? null,
        unconditional ? 'approve' : null,
        unconditional ? now : null,
        unconditional ? 'system' : null,
        unconditional ? '无条件共享：申请即开通 / unconditional resource: granted on request' : null,
      ],
    ));
    const r = inserted.rows[0];
    if (unconditional) {
      const steps: Step[] = [
        { event: 'submitted', status: 'submitted' },
        { event: 'approved', status: 'approved', reason: 'unconditional (无条件共享)', data: { fields } },
        { event: 'activated', status: 'active' },
      ];
      await record(tx, ctx, r, steps, who, now, {}, 'granted');
    } else {
      await record(tx, ctx, r, [{ event: 'submitted', status: 'submitted', data: { dueDate: deadline!.dueDate, workingDays: ctx.config.responseWorkingDays } }], who, now, {});
    }
    return id;
  });
  return view(ctx.store, id, now);
}

export interface Decision {
  decision: 'approve' | 'reject';
  reason?: string | null;
  /** Fields granted: some of those asked for (all of them when omitted). */
  fields?: string[];
}

function decisionOf(r: AgreementRow, d: Decision): { reason: string | null; fields: string[] | null } {
  if (d.decision === 'reject') {
    if (blank(d.reason)) throw new DomainError('invalid', 'missing-field', 'a rejection needs a reason', { field: '/reason' });
    return { reason: d.reason!, fields: null };
  }
  const fields = d.fields === undefined ? r.requested_fields : checkFields(d.fields, r.requested_fields, 'field-not-requested', 'among the fields asked for');
  return { reason: blank(d.reason) ? null : d.reason!, fields };
}

/** Approval (or a rejection overturned on appeal) activates the agreement at once, with the fields granted. */
async function approveInTx(tx: Queryable, r: AgreementRow, fields: string[], reason: string | null, actor: string, now: Date, byAppeal: boolean) {
  transition(transition(r.status, byAppeal ? 'overturn' : 'approve'), 'activate');
  const updated = byAppeal
    ? await tx.query<AgreementRow>("update agreements set status = 'active', granted_fields = $2, updated_at = $3 where id = $1 returning *", [r.id, fields, now])
    : await tx.query<AgreementRow>(
        `update agreements set status = 'active', granted_fields = $2, updated_at = $3,
                decision = 'approve', decided_at = $3, decided_by = $4, decision_reason = $5
          where id = $1 returning *`,
        [r.id, fields, now, actor, reason],
      );
  return updated.rows[0];
}

/**
 * The owner's answer (or the coordination office's, once escalated). Approving may grant fewer
 * fields than asked, never more, and activates the agreement; rejecting needs a reason. A
 * coordinator's decision on a rejection under appeal is the appeal decision.
 */
export async function decideAgreement(ctx: SharingContext, principal: Principal, id: string, d: Decision, now: Date = new Date()): Promise<Agreement> {
  await ctx.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    if (r.status === 'rejected' && r.appeal_status === 'pending' && decide(principal, 'agreement:decide-appeal', agreementPolicyEntity(r)).allowed) {
      await decideAppealInTx(tx, ctx, principal, r, d, now);
      return;
    }
    authorize(principal, 'agreement:decide', agreementPolicyEntity(r));
    const who = { actor: actorOf(principal), department: departmentOf(principal) };
    const { reason, fields } = decisionOf(r, d);
    const wasEscalated = r.status === 'escalated';
    if (d.decision === 'approve') {
      const updated = await approveInTx(tx, r, fields!, reason, who.actor, now, false);
      await record(
        tx,
        ctx,
        updated,
        [
          { event: 'approved', status: 'approved', reason, data: { fields, requestedFields: r.requested_fields } },
          { event: 'activated', status: 'active' },
        ],
        who,
        now,
        { coordinator: wasEscalated },
        'approved',
      );
    } else {
      transition(r.status, 'reject');
      const updated = await tx.query<AgreementRow>(
        `update agreements set status = 'rejected', decision = 'reject', decided_at = $2, decided_by = $3, decision_reason = $4, updated_at = $2
          where id = $1 returning *`,
        [r.id, now, who.actor, reason],
      );
      await record(tx, ctx, updated.rows[0], [{ event: 'rejected', status: 'rejected', reason }], who, now, { coordinator: wasEscalated });
    }
  });
  return view(ctx.store, id, now);
}

/** The consumer appeals a rejection to the coordination office (once). */
export async function appealAgreement(ctx: SharingContext, principal: Principal, id: string, reason: string, now: Date = new Date()): Promise<Agreement> {
  await ctx.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    authorize(principal, 'agreement:appeal', agreementPolicyEntity(r));
    if (r.status !== 'rejected') {
      throw new DomainError('conflict', 'invalid-transition', `only a rejected request can be appealed; this one is ${r.status}`, { details: { currentStatus: r.status } });
    }
    if (r.appeal_status !== null) {
      throw new DomainError('conflict', 'appeal-exists', r.appeal_status === 'pending' ? 'the appeal is awaiting the coordination office' : 'the appeal has been decided; that decision is final', {
        details: { appealStatus: r.appeal_status },
      });
    }
    if (blank(reason)) throw new DomainError('invalid', 'missing-field', 'an appeal needs a reason', { field: '/reason' });
    const updated = await tx.query<AgreementRow>(
      "update agreements set appeal_status = 'pending', appeal_reason = $2, appealed_at = $3, updated_at = $3 where id = $1 returning *",
      [r.id, reason, now],
    );
    await record(tx, ctx, updated.rows[0], [{ event: 'appealed', status: 'rejected', reason }], { actor: actorOf(principal), department: departmentOf(principal) }, now, {
      coordinator: true,
    });
  });
  return view(ctx.store, id, now);
}

async function decideAppealInTx(tx: Queryable, ctx: SharingContext, principal: Principal, r: AgreementRow, d: Decision, now: Date): Promise<void> {
  authorize(principal, 'agreement:decide-appeal', agreementPolicyEntity(r));
  if (r.status !== 'rejected' || r.appeal_status !== 'pending') {
    throw new DomainError('conflict', 'invalid-transition', 'there is no pending appeal on this agreement', { details: { currentStatus: r.status, appealStatus: r.appeal_status } });
  }
  const who = { actor: actorOf(principal), department: departmentOf(principal) };
  if (blank(d.reason)) throw new DomainError('invalid', 'missing-field', 'an appeal decision needs a reason', { field: '/reason' });
  const reason = d.reason!;
  if (d.decision === 'approve') {
    const { fields } = decisionOf(r, d);
    const decided = await tx.query<AgreementRow>(
      "update agreements set appeal_status = 'overturned', appeal_decided_at = $2, appeal_decided_by = $3, appeal_decision_reason = $4 where id = $1 returning *",
      [r.id, now, who.actor, reason],
    );
    const updated = await approveInTx(tx, decided.rows[0], fields!, reason, who.actor, now, true);
    await record(
      tx,
      ctx,
      updated,
      [
        { event: 'appeal-decided', status: 'approved', reason, data: { outcome: 'overturned', fields } },
        { event: 'approved', status: 'approved', reason, data: { fields, requestedFields: r.requested_fields, byAppeal: true } },
        { event: 'activated', status: 'active' },
      ],
      who,
      now,
      { coordinator: true },
      'appeal-overturned',
    );
  } else {
    const updated = await tx.query<AgreementRow>(
      "update agreements set appeal_status = 'upheld', appeal_decided_at = $2, appeal_decided_by = $3, appeal_decision_reason = $4, updated_at = $2 where id = $1 returning *",
      [r.id, now, who.actor, reason],
    );
    await record(tx, ctx, updated.rows[0], [{ event: 'appeal-decided', status: 'rejected', reason, data: { outcome: 'upheld' } }], who, now, { coordinator: true }, 'appeal-upheld');
  }
}

/** The coordination office decides an appeal: approving overturns the rejection; either way it is final. */
export async function decideAppeal(ctx: SharingContext, principal: Principal, id: string, d: Decision, now: Date = new Date()): Promise<Agreement> {
  await ctx.store.transaction(async (tx) => decideAppealInTx(tx, ctx, principal, await loadRow(tx, id, true), d, now));
  return view(ctx.store, id, now);
}

/** Revocation (by the owner), suspension and reinstatement (the owner or the coordination office). */
export async function changeAgreementStatus(
  ctx: SharingContext,
  principal: Principal,
  id: string,
  change: 'revoke' | 'suspend' | 'reinstate',
  reason: string,
  now: Date = new Date(),
): Promise<Agreement> {
  await ctx.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    authorize(principal, `agreement:${change}`, agreementPolicyEntity(r));
    if (blank(reason)) throw new DomainError('invalid', 'missing-field', 'a reason is required', { field: '/reason' });
    const to = transition(r.status, change);
    const updated = await tx.query<AgreementRow>('update agreements set status = $2, status_reason = $3, updated_at = $4 where id = $1 returning *', [r.id, to, reason, now]);
    await record(tx, ctx, updated.rows[0], [{ event: TRANSITIONS[change].event, status: to, reason }], { actor: actorOf(principal), department: departmentOf(principal) }, now, {});
  });
  return view(ctx.store, id, now);
}

/** One agreement with its history, for a party or the coordination office. */
export async function readAgreement(db: Queryable, principal: Principal, id: string, now: Date = new Date()): Promise<Agreement> {
  const r = await loadRow(db, id);
  authorize(principal, 'agreement:read', agreementPolicyEntity(r));
  return { ...toAgreement(r, now), history: await history(db, id) };
}

export interface AgreementQuery {
  status?: AgreementStatus[];
  overdue?: boolean;
  resourceId?: string;
  purpose?: string;
  /** Only those where the caller's department is the consumer, or the owner. */
  role?: 'consumer' | 'owner';
  /** Coordination office: those where this department is a party. */
  department?: string;
  limit?: number;
  offset?: number;
}

/**
 * The agreements the caller may see, newest first: its department's requests and the requests
 * for its resources; everything for the coordination office.
 */
export async function listAgreements(db: Queryable, principal: Principal, q: AgreementQuery, now: Date = new Date()): Promise<{ items: Agreement[]; total: number }> {
  authorize(principal, 'agreement:list', PLATFORM);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const own = departmentOf(principal) ?? '';
  if (principal.kind === 'person' && principal.practice && decide(principal, 'practice:oversee-copy', PLATFORM).allowed) {
    // The coordination office in practice mode (练习模式) oversees its copy: the agreements between the copy's departments.
    where.push(`owner_department = any(${param([...(principal.practiceDepartments ?? [])])}::text[])`);
  } else if (!decide(principal, 'coordination:oversee', PLATFORM).allowed) {
    const me = param(own);
    where.push(`(consumer_department = ${me} or owner_department = ${me})`);
  } else {
    // Everything for the office is everything real: practice copies' agreements (练习模式) are not listed.
    where.push(notPracticeSql('owner_department'));
  }
  if (q.role === 'consumer') where.push(`consumer_department = ${param(own)}`);
  if (q.role === 'owner') where.push(`owner_department = ${param(own)}`);
  if (q.department) {
    const d = param(q.department);
    where.push(`(consumer_department = ${d} or owner_department = ${d})`);
  }
  if (q.status && q.status.length > 0) where.push(`status = any(${param(q.status)}::text[])`);
  if (q.resourceId) where.push(`resource_id = ${param(q.resourceId)}`);
  if (q.purpose) where.push(`purpose = ${param(q.purpose)}`);
  if (q.overdue !== undefined) {
    const overdue = `(status = 'escalated' or (status = 'submitted' and due_at <= ${param(now)}))`;
    where.push(q.overdue ? overdue : `not ${overdue}`);
  }
  const filter = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const rows = await db.query<AgreementRow>(
    `select * from agreements ${filter} order by submitted_at desc, id limit ${param(q.limit ?? 50)} offset ${param(q.offset ?? 0)}`,
    params,
  );
  const total = (await db.query<{ n: number }>(`select count(*)::int as n from agreements ${filter}`, params.slice(0, -2))).rows[0].n;
  // The SQL scope and the policies agree; asking the policies per row keeps them the only judge.
  const items = rows.rows.filter((r) => decide(principal, 'agreement:read', agreementPolicyEntity(r)).allowed).map((r) => toAgreement(r, now));
  return { items, total };
}

export interface Comment {
  id: string;
  agreementId: string;
  author: string;
  authorDepartment: string;
  body: string;
  createdAt: string;
}

/** The comment thread of a request, oldest first. */
export async function listComments(db: Queryable, principal: Principal, id: string): Promise<Comment[]> {
  const r = await loadRow(db, id);
  authorize(principal, 'agreement:read', agreementPolicyEntity(r));
  const rows = await db.query<{ id: string; author: string; author_department: string; body: string; created_at: Date }>(
    'select id, author, author_department, body, created_at from agreement_comments where agreement_id = $1 order by created_at, id',
    [id],
  );
  return rows.rows.map((c) => ({ id: c.id, agreementId: id, author: c.author, authorDepartment: c.author_department, body: c.body, createdAt: c.created_at.toISOString() }));
}

/** Adds to the thread and tells the other parties (and the coordination office once it is involved). */
export async function addComment(ctx: SharingContext, principal: Principal, id: string, body: string, now: Date = new Date()): Promise<Comment> {
  return ctx.store.transaction(async (tx) => {
    const r = await loadRow(tx, id);
    authorize(principal, 'agreement:comment', agreementPolicyEntity(r));
    if (blank(body)) throw new DomainError('invalid', 'missing-field', 'a comment needs a body', { field: '/body' });
    const department = departmentOf(principal)!;
    const comment: Comment = { id: randomUUID(), agreementId: id, author: actorOf(principal), authorDepartment: department, body, createdAt: now.toISOString() };
    await tx.query('insert into agreement_comments (id, agreement_id, author, author_department, body, created_at) values ($1, $2, $3, $4, $5, $6)', [
      comment.id,
      id,
      comment.author,
      department,
      body,
      now,
    ]);
    const involved = r.status === 'escalated' || r.appeal_status !== null;
    await ctx.events.publish(tx, [stepEvent('commented', r, comment.author, now, { event: 'commented', status: r.status, data: { commentId: comment.id } })]);
    const text = await notice(tx, r, { event: 'commented', status: r.status });
    const departments = [r.owner_department, r.consumer_department, ...(involved && !isPracticeCode(r.owner_department) ? await coordinationOffices(tx) : [])].filter(
      (d, i, all) => all.indexOf(d) === i && d !== department,
    );
    await notify(
      tx,
      ctx.events,
      departments.map((d) => ({ department: d, kind: 'agreement.commented', ...text, body, link: `/api/v1/agreements/${id}/comments`, agreementId: id, actor: comment.author })),
    );
    return comment;
  });
}

/**
 * Escalates every request unanswered past its deadline to the coordination office (the
 * background job runs this; tests call it with a chosen `now`). Returns the ids escalated.
 */
export async function escalateOverdue(ctx: SharingContext, now: Date = new Date()): Promise<string[]> {
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.query<AgreementRow>(
      "update agreements set status = 'escalated', escalated_at = $1, updated_at = $1 where status = 'submitted' and due_at <= $1 returning *",
      [now],
    );
    for (const r of rows.rows) {
      await record(
        tx,
        ctx,
        r,
        [{ event: 'escalated', status: 'escalated', reason: `no answer by ${r.due_date} (${ctx.config.responseWorkingDays} working days)`, data: { dueDate: r.due_date } }],
        { actor: 'system', department: null },
        now,
        { coordinator: true },
      );
    }
    return rows.rows.map((r) => r.id);
  });
}

/** Ends every agreement whose term is over (validUntil before today, China time). Returns the ids. */
export async function expireAgreements(ctx: SharingContext, now: Date = new Date()): Promise<string[]> {
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.query<AgreementRow>(
      "update agreements set status = 'expired', updated_at = $2 where status in ('active', 'suspended') and valid_until < $1::date returning *",
      [chinaDate(now), now],
    );
    for (const r of rows.rows) {
      await record(tx, ctx, r, [{ event: 'expired', status: 'expired', data: { validUntil: r.valid_until } }], { actor: 'system', department: null }, now, {});
    }
    return rows.rows.map((r) => r.id);
  });
}
