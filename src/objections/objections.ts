/**
 * Objections (数据异议): the records and the steps of their life. A consumer department that
 * receives a license type, or the holder of a license, disputes fields of it; the issuer answers
 * within `objectionWorkingDays` working days — accepting amends the license (a new version, a new
 * credential, the subscribers told by the deliveries), rejecting gives a reason; the objector may
 * escalate a rejection once to the coordination office, whose decision is final; an objection
 * left unanswered past its deadline escalates by itself. Every step is a history row, a typed
 * event (the audit log) and notices in the parties' inboxes, in one transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { findActiveGrant, PURPOSES } from '../agreements/index.ts';
import { findDepartment } from '../departments/index.ts';
import { amendLicense, amendLicenseOnFinalDecision, findCurrentLicense, findVersionCredential, parseCredential, presentCredential } from '../licenses/index.ts';
import { coordinationOffices, notify, type NotificationInput } from '../notifications/index.ts';
import { actorNamesOf } from '../platform/actorNames.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { recordRead } from '../platform/reads.ts';
import { DomainError, conflict, invalid, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { isPracticeCode, notPracticeSql } from '../platform/practiceCodes.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize, decide, type PolicyResource } from '../policy/index.ts';
import { isAuthorisedIssuer, licenseTypeFields, licenseTypeRegistry } from '../standards/index.ts';
import { answerDeadline, holidayCalendar } from '../platform/workingDays.ts';
import { objectionEvent, type ObjectionEventType, type ObjectionStep } from './events.ts';
import { announceOpenCount } from './marks.ts';

export const OBJECTION_STATUSES = ['submitted', 'accepted', 'rejected', 'escalated'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** Bounds of what an objector sends. */
export const MAX_REASON = 2000;
export const MAX_EVIDENCE_TEXT = 10_000;
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_FILES = 20;

export interface ObjectionInput {
  licenseIdentifier: string;
  fields: string[];
  reason: string;
  evidence?: string;
  proposed?: Record<string, unknown>;
}

export interface DecisionInput {
  decision: 'accept' | 'reject';
  reason?: string;
  /** Accept: the corrected values, merged into the license's current data. */
  data?: Record<string, unknown>;
}

export interface EvidenceFile {
  n: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  addedBy: string;
  /** The name the actor goes by (people and enterprises; null for a system): what a reader reads. */
  addedByName: string | null;
  addedAt: string;
}

export interface HistoryEntry {
  event: string;
  status: ObjectionStatus;
  actor: string;
  actorName: string | null;
  reason: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

export interface Objection {
  id: string;
  status: ObjectionStatus;
  /** No further step: accepted by the issuer, or decided by the coordination office. */
  final: boolean;
  licenseIdentifier: string;
  licenseVersion: number;
  licenseType: string;
  holderCode: string;
  issuerCode: string;
  objector: { kind: 'department' | 'holder'; department: string | null; holderCode: string | null };
  objectedBy: string;
  /** The name the objector's actor goes by (a person's, an enterprise's; null for a system). */
  objectedByName: string | null;
  fields: string[];
  reason: string;
  evidenceText: string | null;
  proposed: Record<string, unknown> | null;
  submittedAt: string;
  dueDate: string;
  dueAt: string;
  /** Unanswered by the issuer past its deadline, and not decided yet (escalated for it, or about to be). */
  overdue: boolean;
  /** The issuer's answer (accept or reject); null while unanswered, and for an overdue one decided by the coordination office. */
  answeredAt: string | null;
  answeredOnTime: boolean | null;
  decision: { decision: 'accept' | 'reject'; reason: string | null; decidedBy: string; decidedByName: string | null; decidedAt: string; byCoordinationOffice: boolean } | null;
  escalation: { kind: 'objector' | 'overdue'; reason: string | null; at: string } | null;
  /** The new version an accepted objection made. */
  amendment: { identifier: string; version: number } | null;
  evidence: EvidenceFile[];
  updatedAt: string;
  history?: HistoryEntry[];
}

interface Row {
  id: string;
  license_identifier: string;
  license_version: number;
  type_key: string;
  holder_code: string;
  issuer_code: string;
  objector_kind: 'department' | 'holder';
  objector_department: string | null;
  objector_holder: string | null;
  objected_by: string;
  fields: string[];
  reason: string;
  evidence_text: string | null;
  proposed: Record<string, unknown> | null;
  status: ObjectionStatus;
  final: boolean;
  submitted_at: Date;
  due_date: string;
  due_at: Date;
  answered_at: Date | null;
  answered_by: string | null;
  decision: 'accept' | 'reject' | null;
  decision_reason: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  escalated_at: Date | null;
  escalation_kind: 'objector' | 'overdue' | null;
  escalation_reason: string | null;
  amended_identifier: string | null;
  amended_version: number | null;
  updated_at: Date;
}

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

const objectionEntity = (r: Row): PolicyResource => ({
  type: 'Objection',
  id: r.id,
  attrs: {
    issuerCode: r.issuer_code,
    holderCode: r.holder_code,
    status: r.status,
    ...(r.objector_department ? { objectorDepartment: r.objector_department } : {}),
    ...(r.objector_holder ? { objectorHolder: r.objector_holder } : {}),
  },
});

function toObjection(r: Row, evidence: EvidenceFile[], now: Date): Objection {
  return {
    id: r.id,
    status: r.status,
    final: r.final,
    licenseIdentifier: r.license_identifier,
    licenseVersion: r.license_version,
    licenseType: r.type_key,
    holderCode: r.holder_code,
    issuerCode: r.issuer_code,
    objector: { kind: r.objector_kind, department: r.objector_department, holderCode: r.objector_holder },
    objectedBy: r.objected_by,
    objectedByName: null,
    fields: r.fields,
    reason: r.reason,
    evidenceText: r.evidence_text,
    proposed: r.proposed,
    submittedAt: r.submitted_at.toISOString(),
    dueDate: r.due_date,
    dueAt: r.due_at.toISOString(),
    overdue: r.answered_at === null && !r.final && (r.escalation_kind === 'overdue' || (r.status === 'submitted' && r.due_at.getTime() <= now.getTime())),
    answeredAt: r.answered_at?.toISOString() ?? null,
    answeredOnTime: r.answered_at ? r.answered_at.getTime() <= r.due_at.getTime() : null,
    decision: r.decision
      ? {
          decision: r.decision,
          reason: r.decision_reason,
          decidedBy: r.decided_by ?? 'system',
          decidedByName: null,
          decidedAt: r.decided_at!.toISOString(),
          byCoordinationOffice: r.escalated_at !== null && r.decided_at !== null && r.decided_at.getTime() >= r.escalated_at.getTime(),
        }
      : null,
    escalation: r.escalation_kind ? { kind: r.escalation_kind, reason: r.escalation_reason, at: r.escalated_at!.toISOString() } : null,
    amendment: r.amended_identifier ? { identifier: r.amended_identifier, version: r.amended_version! } : null,
    evidence,
    updatedAt: r.updated_at.toISOString(),
  };
}

async function loadRow(db: Queryable, id: string, lock = false): Promise<Row> {
  const row = (await db.query<Row>(`select * from objections where id = $1 ${lock ? 'for update' : ''}`, [id])).rows[0];
  if (!row) throw notFound('objection-not-found', `no objection ${id}`);
  return row;
}

const EVIDENCE_COLUMNS = 'objection_id, n, name, content_type, size, sha256, added_by, added_at';
interface EvidenceRow {
  objection_id: string;
  n: number;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  added_by: string;
  added_at: Date;
}
const toEvidence = (e: EvidenceRow): EvidenceFile => ({ n: e.n, name: e.name, contentType: e.content_type, size: e.size, sha256: e.sha256, addedBy: e.added_by, addedByName: null, addedAt: e.added_at.toISOString() });

async function evidenceOf(db: Queryable, ids: string[]): Promise<Map<string, EvidenceFile[]>> {
  const byId = new Map<string, EvidenceFile[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db.query<EvidenceRow>(`select ${EVIDENCE_COLUMNS} from objection_evidence where objection_id = any($1::text[]) order by objection_id, n`, [ids]);
  for (const e of rows.rows) byId.get(e.objection_id)?.push(toEvidence(e));
  return byId;
}

async function history(db: Queryable, id: string): Promise<HistoryEntry[]> {
  const rows = await db.query<{ event: string; status: ObjectionStatus; actor: string; reason: string | null; data: Record<string, unknown> | null; at: Date }>(
    'select event, status, actor, reason, data, at from objection_history where objection_id = $1 order by id',
    [id],
  );
  return rows.rows.map((h) => ({ ...h, actorName: null, at: h.at.toISOString() }));
}

/** Objections with the names of the people (and enterprises) they name beside the actors: what a clerk reads. */
async function named(platform: Platform, objections: Objection[]): Promise<Objection[]> {
  const names = await actorNamesOf(
    platform,
    objections.flatMap((o) => [o.objectedBy, o.decision?.decidedBy, ...o.evidence.map((e) => e.addedBy), ...(o.history ?? []).map((h) => h.actor)]),
  );
  const name = (actor: string) => names.get(actor) ?? null;
  return objections.map((o) => ({
    ...o,
    objectedByName: name(o.objectedBy),
    decision: o.decision && { ...o.decision, decidedByName: name(o.decision.decidedBy) },
    evidence: o.evidence.map((e) => ({ ...e, addedByName: name(e.addedBy) })),
    ...(o.history ? { history: o.history.map((h) => ({ ...h, actorName: name(h.actor) })) } : {}),
  }));
}

async function view(platform: Platform, id: string, now: Date): Promise<Objection> {
  const db = platform.store;
  const r = await loadRow(db, id);
  const [objection] = await named(platform, [{ ...toObjection(r, (await evidenceOf(db, [id])).get(id)!, now), history: await history(db, id) }]);
  return objection;
}

/** A step's text, in both languages. */
async function notice(db: Queryable, r: Row, event: string, reason?: string | null): Promise<{ title: string; titleEn: string }> {
  const issuer = await findDepartment(db, r.issuer_code);
  const objector = r.objector_department ? await findDepartment(db, r.objector_department) : undefined;
  const by = r.objector_kind === 'holder' ? { zh: `持证主体 ${r.objector_holder}`, en: `the holder ${r.objector_holder}` } : { zh: objector?.name ?? r.objector_department!, en: objector?.nameEn ?? r.objector_department! };
  const what = `证照 ${r.license_identifier}（${r.fields.join('、')}）`;
  const whatEn = `license ${r.license_identifier} (${r.fields.join(', ')})`;
  const why = reason ? `：${reason}` : '';
  const whyEn = reason ? `: ${reason}` : '';
  switch (event) {
    case 'submitted':
      return { title: `${by.zh}对${what}提出数据异议，请于 ${r.due_date} 前答复`, titleEn: `Objection by ${by.en} to ${whatEn}; answer due ${r.due_date}` };
    case 'evidence-added':
      return { title: `数据异议补充了证据材料：${what}`, titleEn: `Evidence added to the objection to ${whatEn}` };
    case 'accepted':
      return {
        title: `数据异议已采纳，证照已变更为新版本${r.amended_version ?? ''}：${what}${why}`,
        titleEn: `Objection accepted, the license amended (version ${r.amended_version ?? ''}): ${whatEn}${whyEn}`,
      };
    case 'rejected':
      return { title: `数据异议未被采纳：${what}${why}`, titleEn: `Objection rejected: ${whatEn}${whyEn}` };
    case 'escalated':
      return { title: `数据异议已提请协调机构裁决：${what}${why}`, titleEn: `Objection escalated to the coordination office: ${whatEn}${whyEn}` };
    case 'overdue':
      return {
        title: `数据异议逾期未答复（期限 ${r.due_date}，${issuer?.name ?? r.issuer_code}），已提请协调机构裁决：${what}`,
        titleEn: `Objection unanswered by ${r.due_date} (${issuer?.nameEn ?? r.issuer_code}), escalated to the coordination office: ${whatEn}`,
      };
    default:
      return { title: `数据异议更新：${what}`, titleEn: `Objection updated: ${whatEn}` };
  }
}

function step(r: Row, extra: Record<string, unknown> = {}): ObjectionStep {
  return {
    objectionId: r.id,
    licenseIdentifier: r.license_identifier,
    licenseType: r.type_key,
    holderCode: r.holder_code,
    issuerCode: r.issuer_code,
    objectorKind: r.objector_kind,
    objectorDepartment: r.objector_department,
    fields: r.fields,
    status: r.status,
    final: r.final,
    ...extra,
  };
}

/**
 * Writes a step's history row, publishes its event(s), announces the license's open count (the
 * exchange's marks) and puts the notice in the inboxes of `departments` (the holder has none:
 * it sees its objections in the list) — all in `tx`.
 */
async function record(
  platform: Platform,
  tx: Queryable,
  r: Row,
  s: { events: ObjectionEventType[]; notice: string; actor: string; reason?: string | null; data?: Record<string, unknown>; at: Date; coordinator?: boolean },
): Promise<void> {
  await tx.query('insert into objection_history (objection_id, event, status, actor, reason, data, at) values ($1, $2, $3, $4, $5, $6, $7)', [
    r.id,
    s.notice,
    r.status,
    s.actor,
    s.reason ?? null,
    s.data ? JSON.stringify(s.data) : null,
    s.at,
  ]);
  await platform.events.publish(
    tx,
    s.events.map((type) => objectionEvent(type, step(r, { ...(s.reason ? { reason: s.reason } : {}), ...s.data }), s.actor, s.at)),
  );
  await announceOpenCount(platform, tx, r.type_key, r.holder_code);
  const departments = [
    r.issuer_code,
    ...(r.objector_department ? [r.objector_department] : []),
    // A practice copy's objections (练习模式) never reach the real coordination office.
    ...(s.coordinator && !isPracticeCode(r.issuer_code) ? await coordinationOffices(tx) : []),
  ].filter((d, i, all) => all.indexOf(d) === i);
  const text = await notice(tx, r, s.notice, s.reason);
  await notify(
    tx,
    platform.events,
    departments.map<NotificationInput>((department) => ({ department, kind: `objection.${s.notice}`, ...text, link: `/api/v1/objections/${r.id}`, actor: s.actor })),
  );
}

/** The license an identifier (any version's) names: its type, holder, issuer and current version. */
async function licenseOf(platform: Platform, db: Queryable, identifier: string) {
  const credential = await findVersionCredential(db, identifier);
  if (!credential) throw new DomainError('not-found', 'license-not-found', `no license ${identifier}`, { field: '/licenseIdentifier' });
  const payload = parseCredential(credential).payload as { vct?: string; holderCode?: string };
  const standard = typeof payload.vct === 'string' ? licenseTypeRegistry(platform).findByVct(payload.vct) : undefined;
  const current = standard && payload.holderCode ? await findCurrentLicense(db, standard.key, payload.holderCode) : undefined;
  if (!standard || !current) throw new DomainError('not-found', 'license-not-found', `no license ${identifier}`, { field: '/licenseIdentifier' });
  return { type: standard.key, holderCode: current.holderCode, issuerCode: current.issuerCode, current };
}

/** Whether the department receives licenses of `type`: an active sharing agreement for it, for any purpose. */
async function receives(db: Queryable, department: string, type: string): Promise<boolean> {
  for (const purpose of PURPOSES) {
    if (await findActiveGrant(db, { departmentCode: department, licenseType: type, purpose: purpose.code })) return true;
  }
  return false;
}

function checkFields(fields: readonly string[], known: readonly string[], at: string): string[] {
  if (fields.length === 0) throw invalid('validation-failed', 'name at least one field objected to', at);
  const seen = new Set<string>();
  fields.forEach((field, i) => {
    if (!known.includes(field)) throw invalid('unknown-field', `${field} is not a field of the license type (${known.join(', ')})`, `${at}/${i}`);
    if (seen.has(field)) throw invalid('validation-failed', `field ${field} is listed twice`, `${at}/${i}`);
    seen.add(field);
  });
  return [...fields];
}

function checkValues(values: Record<string, unknown>, known: readonly string[], at: string): void {
  for (const field of Object.keys(values)) {
    if (!known.includes(field)) throw invalid('unknown-field', `${field} is not a field of the license type`, `${at}/${field}`);
  }
}

/** A decision corrects what was objected to and nothing else: otherwise an objection would be a way around the issuing-authority registry. */
function checkObjected(values: Record<string, unknown>, objected: readonly string[], at: string): void {
  for (const field of Object.keys(values)) {
    if (!objected.includes(field)) {
      throw invalid('field-not-objected', `${field} was not objected to: a decision may change only ${objected.join(', ')}`, `${at}/${field}`);
    }
  }
}

/** A consumer department (that receives the type) or the holder objects to fields of a license. */
export async function submitObjection(platform: Platform, principal: Principal, input: ObjectionInput, now: Date = new Date()): Promise<Objection> {
  const id = await platform.store.transaction(async (tx) => {
    const license = await licenseOf(platform, tx, input.licenseIdentifier);
    const department = isStaff(principal) ? principal.departmentCode : null;
    const context = { receives: department !== null && (await receives(tx, department, license.type)) };
    const resource: PolicyResource = { type: 'ObjectedLicense', id: license.current.identifier, attrs: { issuerCode: license.issuerCode, holderCode: license.holderCode, licenseType: license.type } };
    if (!decide(principal, 'objection:submit', resource, context).allowed) {
      if (isStaff(principal) && !context.receives && department !== license.issuerCode) {
        throw new DomainError('forbidden', 'not-a-recipient', `department ${department} has no active sharing agreement for ${license.type}: only a department that receives a license type may object to its licenses`, {
          details: { licenseType: license.type },
        });
      }
      authorize(principal, 'objection:submit', resource, context);
    }
    const known = licenseTypeFields(platform, license.type);
    const fields = checkFields(input.fields, known, '/fields');
    if (blank(input.reason)) throw invalid('missing-field', 'give the reason of the objection', '/reason');
    if (input.proposed) checkValues(input.proposed, known, '/proposed');
    const deadline = answerDeadline(now, platform.config.objectionWorkingDays, holidayCalendar(platform.config.holidaysFile));
    const id = randomUUID();
    const holder = principal.kind === 'holder' ? principal.holderCode : null;
    const inserted = await tx.query<Row>(
      `insert into objections (id, license_identifier, license_version, type_key, holder_code, issuer_code, objector_kind, objector_department, objector_holder,
                               objected_by, fields, reason, evidence_text, proposed, status, submitted_at, due_date, due_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'submitted', $15, $16, $17, $15) returning *`,
      [
        id,
        input.licenseIdentifier,
        license.current.identifier === input.licenseIdentifier ? license.current.version : await versionOf(tx, input.licenseIdentifier, license.current.version),
        license.type,
        license.holderCode,
        license.issuerCode,
        holder ? 'holder' : 'department',
        holder ? null : department,
        holder,
        actorOf(principal),
        fields,
        input.reason,
        blank(input.evidence) ? null : input.evidence,
        input.proposed ? JSON.stringify(input.proposed) : null,
        now,
        deadline.dueDate,
        deadline.dueAt,
      ],
    );
    await record(platform, tx, inserted.rows[0], {
      events: ['objections.submitted'],
      notice: 'submitted',
      actor: actorOf(principal),
      reason: input.reason,
      data: { dueDate: deadline.dueDate, workingDays: platform.config.objectionWorkingDays },
      at: now,
    });
    return id;
  });
  return view(platform, id, now);
}

/** The version number an older identifier names (its credential says it). */
async function versionOf(db: Queryable, identifier: string, fallback: number): Promise<number> {
  const credential = await findVersionCredential(db, identifier);
  const version = credential ? (parseCredential(credential).payload as { version?: unknown }).version : undefined;
  return typeof version === 'number' ? version : fallback;
}

/** One objection, with its evidence and history: a party's, or the coordination office's. */
export async function readObjection(platform: Platform, principal: Principal, id: string, now: Date = new Date()): Promise<Objection> {
  const r = await loadRow(platform.store, id);
  authorize(principal, 'objection:read', objectionEntity(r));
  return view(platform, id, now);
}

export interface ObjectionQuery {
  status?: ObjectionStatus;
  role?: 'objector' | 'issuer';
  licenseIdentifier?: string;
  limit?: number;
  cursor?: string;
}

const encodeListCursor = (r: Row) => encodeCursor([r.due_at, r.id]);

/**
 * The objections the caller may see, earliest deadline first: a department's own (as objector)
 * and those to its licenses (as issuer); a holder's own; every one for the coordination office.
 */
export async function listObjections(platform: Platform, principal: Principal, q: ObjectionQuery, now: Date = new Date()): Promise<{ items: Objection[]; nextCursor: string | null }> {
  authorize(principal, 'objection:list', PLATFORM);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const own = isStaff(principal) ? principal.departmentCode : '';
  if (principal.kind === 'holder') {
    where.push(`objector_holder = ${param(principal.holderCode)}`);
  } else if (decide(principal, 'coordination:oversee', PLATFORM).allowed) {
    where.push(notPracticeSql('issuer_code'));
  } else {
    const me = param(own);
    where.push(`(objector_department = ${me} or issuer_code = ${me})`);
  }
  if (q.role === 'objector') where.push(principal.kind === 'holder' ? 'true' : `objector_department = ${param(own)}`);
  if (q.role === 'issuer') where.push(`issuer_code = ${param(own)}`);
  if (q.status) where.push(`status = ${param(q.status)}`);
  if (q.licenseIdentifier) {
    const l = param(q.licenseIdentifier);
    where.push(`(license_identifier = ${l} or amended_identifier = ${l})`);
  }
  if (q.cursor) {
    const [dueAt, id] = decodeCursor(q.cursor, ['instant', 'text']);
    where.push(`(due_at, id) > (${param(dueAt)}, ${param(id)})`);
  }
  const limit = q.limit ?? 50;
  const rows = await platform.store.query<Row>(`select * from objections where ${where.join(' and ')} order by due_at, id limit ${param(limit + 1)}`, params);
  const page = rows.rows.slice(0, limit);
  // The SQL scope and the policies agree; asking the policies per row keeps them the only judge.
  const visible = page.filter((r) => decide(principal, 'objection:read', objectionEntity(r)).allowed);
  const evidence = await evidenceOf(platform.store, visible.map((r) => r.id));
  return { items: await named(platform, visible.map((r) => toObjection(r, evidence.get(r.id)!, now))), nextCursor: rows.rows.length > limit ? encodeListCursor(page[page.length - 1]) : null };
}

/** The objector adds an evidence file (kept with its SHA-256) while the objection is not final. */
export async function addEvidence(
  platform: Platform,
  principal: Principal,
  id: string,
  file: { name: string; contentType: string; content: Buffer },
  now: Date = new Date(),
): Promise<EvidenceFile> {
  if (file.content.length === 0) throw invalid('validation-failed', 'the evidence file is empty: send the file as the request body', '/');
  if (file.content.length > MAX_EVIDENCE_BYTES) {
    throw new DomainError('too-large', 'evidence-too-large', `an evidence file is at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB`, { details: { maxBytes: MAX_EVIDENCE_BYTES } });
  }
  const added = await platform.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    authorize(principal, 'objection:add-evidence', objectionEntity(r));
    if (r.final || r.status === 'accepted') throw conflict('objection-closed', `the objection is ${r.status}${r.final ? ' (final)' : ''}: no more evidence`, undefined, { status: r.status });
    const count = (await tx.query<{ n: number }>('select coalesce(max(n), 0)::int as n from objection_evidence where objection_id = $1', [id])).rows[0].n;
    if (count >= MAX_EVIDENCE_FILES) throw conflict('too-many-evidence-files', `an objection keeps at most ${MAX_EVIDENCE_FILES} evidence files`);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const inserted = await tx.query<EvidenceRow>(
      `insert into objection_evidence (objection_id, n, name, content_type, size, sha256, content, added_by, added_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${EVIDENCE_COLUMNS}`,
      [id, count + 1, file.name, file.contentType, file.content.length, sha256, file.content, actorOf(principal), now],
    );
    await tx.query('update objections set updated_at = $2 where id = $1', [id, now]);
    await record(platform, tx, r, {
      events: ['objections.evidence-added'],
      notice: 'evidence-added',
      actor: actorOf(principal),
      data: { n: count + 1, name: file.name, contentType: file.contentType, size: file.content.length, sha256 },
      at: now,
    });
    return toEvidence(inserted.rows[0]);
  });
  return { ...added, addedByName: (await actorNamesOf(platform, [added.addedBy])).get(added.addedBy) ?? null };
}

/** An evidence file, for the parties (and the coordination office). */
export async function readEvidence(platform: Platform, principal: Principal, id: string, n: number): Promise<EvidenceFile & { content: Buffer }> {
  const r = await loadRow(platform.store, id);
  authorize(principal, 'objection:read', objectionEntity(r));
  const row = (await platform.store.query<EvidenceRow & { content: Uint8Array }>(`select ${EVIDENCE_COLUMNS}, content from objection_evidence where objection_id = $1 and n = $2`, [id, n])).rows[0];
  if (!row) throw notFound('evidence-not-found', `objection ${id} has no evidence file ${n}`);
  await recordRead(platform, principal, { what: 'evidence', subject: `${id}/${n}`, holderCode: r.holder_code, licenseType: r.type_key });
  return { ...toEvidence(row), content: Buffer.from(row.content) };
}

/**
 * What an amendment reads outside the transaction (the registry of authorised issuers, the
 * issuer's signing key), read before it opens: the embedded store has one connection, and a read
 * outside an open transaction would wait for that transaction forever.
 */
async function warmAmendment(platform: Platform, principal: Principal, r: Row): Promise<void> {
  await isAuthorisedIssuer(platform, r.type_key, isStaff(principal) ? principal.departmentCode : r.issuer_code);
  await platform.keys.activeKey('license', platform.config.signingAlgorithm, r.issuer_code);
}

/**
 * The issuer's answer, or the coordination office's final decision on an escalated objection.
 * Accepting amends the license with `data` (merged into its current data; it must change
 * something), in the same transaction; rejecting needs a reason.
 */
export async function decideObjection(platform: Platform, principal: Principal, id: string, input: DecisionInput, now: Date = new Date()): Promise<Objection> {
  if (input.decision === 'accept') await warmAmendment(platform, principal, await loadRow(platform.store, id));
  await platform.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    const entity = objectionEntity(r);
    const byIssuer = decide(principal, 'objection:decide', entity).allowed;
    const byOffice = decide(principal, 'objection:decide-final', entity).allowed;
    if (r.status === 'escalated') {
      if (!byOffice) {
        if (byIssuer) throw conflict('objection-escalated', 'the objection is escalated to the coordination office, whose decision is final', undefined, { status: r.status });
        authorize(principal, 'objection:decide-final', entity);
      }
    } else if (r.status === 'submitted') {
      authorize(principal, 'objection:decide', entity);
    } else {
      if (!byIssuer && !byOffice) authorize(principal, 'objection:decide', entity);
      throw conflict('objection-decided', `the objection is already ${r.status}${r.final ? ' (final)' : ''}`, undefined, { status: r.status, final: r.final });
    }
    const final = r.status === 'escalated';
    const actor = actorOf(principal);
    let amended: { identifier: string; version: number } | null = null;
    if (input.decision === 'reject') {
      if (blank(input.reason)) throw invalid('missing-field', 'a rejection needs a reason', '/reason');
    } else {
      const data = input.data;
      if (!data || Object.keys(data).length === 0) throw invalid('missing-field', 'accepting needs the corrected values in data ({field: value})', '/data');
      checkValues(data, licenseTypeFields(platform, r.type_key), '/data');
      checkObjected(data, r.fields, '/data');
      const current = await findCurrentLicense(tx, r.type_key, r.holder_code);
      if (!current) throw notFound('license-not-found', `the license of ${r.holder_code} (${r.type_key}) is gone`);
      const values = presentCredential(current.credential, Object.keys(data)).fields;
      if (Object.entries(data).every(([field, value]) => JSON.stringify(values[field] ?? null) === JSON.stringify(value ?? null))) {
        throw invalid('nothing-changes', 'data changes nothing: every value is the license’s current one', '/data');
      }
      const change = { data, reason: `数据异议 ${r.id} / objection ${r.id}${blank(input.reason) ? '' : `: ${input.reason}`}` };
      const license = final
        ? await amendLicenseOnFinalDecision(platform, principal, current.identifier, { ...change, objectedFields: r.fields }, tx)
        : await amendLicense(platform, principal, current.identifier, change, tx);
      amended = { identifier: license.identifier, version: license.version };
    }
    const status: ObjectionStatus = input.decision === 'accept' ? 'accepted' : 'rejected';
    const updated = await tx.query<Row>(
      `update objections set status = $2, final = $3, decision = $4, decision_reason = $5, decided_at = $6, decided_by = $7,
              answered_at = case when $8 then $6 else answered_at end, answered_by = case when $8 then $7 else answered_by end,
              amended_identifier = $9, amended_version = $10, updated_at = $6
        where id = $1 returning *`,
      [r.id, status, final || status === 'accepted', input.decision, blank(input.reason) ? null : input.reason, now, actor, !final, amended?.identifier ?? null, amended?.version ?? null],
    );
    await record(platform, tx, updated.rows[0], {
      events: ['objections.decided'],
      notice: status,
      actor,
      reason: blank(input.reason) ? null : input.reason,
      data: {
        decision: input.decision,
        final: updated.rows[0].final,
        byCoordinationOffice: final,
        ...(amended ? { amendedIdentifier: amended.identifier, amendedVersion: amended.version, changedFields: Object.keys(input.data ?? {}) } : {}),
      },
      at: now,
      coordinator: final,
    });
  });
  return view(platform, id, now);
}

/** The objector escalates a rejection to the coordination office, once. */
export async function escalateObjection(platform: Platform, principal: Principal, id: string, reason: string, now: Date = new Date()): Promise<Objection> {
  await platform.store.transaction(async (tx) => {
    const r = await loadRow(tx, id, true);
    authorize(principal, 'objection:escalate', objectionEntity(r));
    if (r.escalated_at !== null) throw conflict('already-escalated', 'the objection was escalated once already; the coordination office’s decision is final', undefined, { status: r.status });
    if (r.status !== 'rejected') throw conflict('not-rejected', `only a rejected objection can be escalated; this one is ${r.status}`, undefined, { status: r.status });
    if (blank(reason)) throw invalid('missing-field', 'an escalation needs a reason', '/reason');
    const updated = await tx.query<Row>(
      "update objections set status = 'escalated', escalated_at = $2, escalation_kind = 'objector', escalation_reason = $3, updated_at = $2 where id = $1 returning *",
      [id, now, reason],
    );
    await record(platform, tx, updated.rows[0], { events: ['objections.escalated'], notice: 'escalated', actor: actorOf(principal), reason, data: { kind: 'objector' }, at: now, coordinator: true });
  });
  return view(platform, id, now);
}

/**
 * Escalates every objection unanswered past its deadline to the coordination office (the
 * background check runs this every minute; tests call it with a chosen `now`). Returns the ids.
 */
export async function escalateOverdueObjections(platform: Platform, now: Date = new Date()): Promise<string[]> {
  return platform.store.transaction(async (tx) => {
    const rows = await tx.query<Row>(
      "update objections set status = 'escalated', escalated_at = $1, escalation_kind = 'overdue', escalation_reason = null, updated_at = $1 where status = 'submitted' and due_at <= $1 returning *",
      [now],
    );
    for (const r of rows.rows) {
      await record(platform, tx, r, {
        events: ['objections.overdue', 'objections.escalated'],
        notice: 'overdue',
        actor: 'system',
        reason: `no answer by ${r.due_date} (${platform.config.objectionWorkingDays} working days)`,
        data: { kind: 'overdue', dueDate: r.due_date },
        at: now,
        coordinator: true,
      });
    }
    return rows.rows.map((r) => r.id);
  });
}
