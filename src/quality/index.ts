// Data quality (数据质量, its facade): rules per license type kept as data beside the standard,
// evaluated on every change of a license (a follower of the audit log) and in a full pass; findings
// per license version and rule; consumer departments' reports of what they hold (consistency);
// scores per issuing department, license type and month. Each function taking a principal decides
// through the policies; the two score functions at the end take a Queryable for callers that have
// already decided (the evaluation, the monthly report). See docs/quality.md.
import { findDepartment } from '../departments/index.ts';
import { notifyDepartment } from '../notifications/index.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import { chinaDate, isMonth } from '../platform/chinaTime.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, decide, type PolicyResource } from '../policy/index.ts';
import { findLicenseType } from '../standards/index.ts';
import { insertFindings } from './findings.ts';
import { notedEvent, reportedEvent } from './events.ts';
import { followChanges, fullPass, type FollowResult, type PassProgress, type PassResult } from './pass.ts';
import { formatMessage, normalizeValue, ruleWithCheck, type Dimension } from './rules.ts';
import { qualityScoresOf, scoreSummary, type QualityScore } from './scores.ts';

export { departmentQualityScore, qualityScoresOf, type QualityScore } from './scores.ts';
export { DIMENSIONS, type Dimension } from './rules.ts';
export type { QualityEvent } from './events.ts';
export type { FollowResult, PassProgress, PassResult } from './pass.ts';

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

const currentMonth = () => chinaDate().slice(0, 7);

function checkMonth(month: string | undefined): string {
  const m = month ?? currentMonth();
  if (!isMonth(m)) throw invalid('invalid-month', 'month must be a month (YYYY-MM) of the years 1900–2999', 'querystring:/month');
  return m;
}

/** Who may read what: a department its own, the coordination office any (or all, naming none). */
function readScope(principal: Principal, department: string | undefined): string | undefined {
  if (department) {
    authorize(principal, 'quality:read', { type: 'Department', id: department });
    return department;
  }
  // Naming none: every department for whoever may read them all (the policies say who), else one's own.
  if (decide(principal, 'quality:read', PLATFORM).allowed) return undefined;
  const own = isStaff(principal) ? principal.departmentCode : undefined;
  if (!own) throw invalid('validation-failed', 'name the department', 'querystring:/department');
  authorize(principal, 'quality:read', { type: 'Department', id: own });
  return own;
}

// ── reports (consistency across departments) ──

export interface ReportInput {
  type: string;
  holderCode: string;
  fields: Record<string, string>;
}

export interface ReportResult {
  id: number;
  type: string;
  holderCode: string;
  /** The reported fields equal to the license's (after dropping spaces and full-width forms). */
  matched: string[];
  /** The reported fields that differ: each is a finding for the issuer. The license's values are never returned. */
  mismatched: string[];
  reportedAt: string;
}

/**
 * A consumer department reports what it holds for a holder; compared with the holder's current
 * license of the type. Each mismatch becomes a consistency finding naming the department. The
 * answer says which fields matched, never what the license holds.
 */
export async function reportHeldValues(platform: Platform, principal: Principal, input: ReportInput): Promise<ReportResult> {
  const standard = findLicenseType(input.type);
  if (!standard) throw invalid('unknown-license-type', `no license type ${input.type}`, '/type');
  authorize(principal, 'quality:report', { type: 'LicenseType', id: standard.key, attrs: { key: standard.key } });
  const rule = ruleWithCheck(standard.key, 'reported-by-department');
  if (!rule) throw invalid('unknown-license-type', `license type ${input.type} takes no reports`, '/type');
  const allowed = rule.params.fields as string[];
  const names = Object.keys(input.fields);
  if (names.length === 0) throw invalid('validation-failed', 'report at least one field', '/fields');
  for (const name of names) {
    if (!allowed.includes(name)) throw invalid('unknown-field', `${name} is not a field that may be reported (${allowed.join(', ')})`, `/fields/${name}`);
    if (typeof input.fields[name] !== 'string' || input.fields[name].trim() === '') throw invalid('validation-failed', `${name} must be a non-empty text`, `/fields/${name}`);
  }
  const department = isStaff(principal) ? principal.departmentCode : undefined;
  if (!department) throw invalid('validation-failed', 'a department reports');
  const actor = actorOf(principal);
  const reporter = await findDepartment(platform.store, department);
  return platform.store.transaction(async (tx) => {
    const license = (
      await tx.query<{ id: string; current_version: number; issuer_code: string; identifier: string; data: Record<string, unknown> | string }>(
        `select l.id, l.current_version, l.issuer_code, v.identifier, v.data
           from licenses l join license_versions v on v.license_id = l.id and v.version = l.current_version
          where l.type_key = $1 and l.holder_code = $2 and l.status in ('valid', 'suspended')`,
        [standard.key, input.holderCode],
      )
    ).rows[0];
    if (!license) throw notFound('license-not-found', `the holder ${input.holderCode} has no current ${standard.key}`);
    const data = typeof license.data === 'string' ? (JSON.parse(license.data) as Record<string, unknown>) : license.data;
    const matched = names.filter((n) => normalizeValue(data[n]) === normalizeValue(input.fields[n]));
    const mismatched = names.filter((n) => !matched.includes(n));
    const row = (
      await tx.query<{ id: string; at: Date }>(
        `insert into quality_reports (license_type, holder_code, license_id, version, department, reported_by, fields, matched, mismatched)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, at`,
        [standard.key, input.holderCode, license.id, license.current_version, department, actor, JSON.stringify(input.fields), matched, mismatched],
      )
    ).rows[0];
    const reportId = Number(row.id);
    const findings = await insertFindings(
      tx,
      mismatched.map((field) => ({
        licenseId: Number(license.id),
        version: license.current_version,
        identifier: license.identifier,
        licenseType: standard.key,
        department: license.issuer_code,
        holderCode: input.holderCode,
        ruleId: rule.id,
        dimension: rule.dimension,
        severity: rule.severity,
        fields: [field],
        reportId,
        reportedBy: department,
        ...formatMessage(rule, [field], { department: reporter?.name ?? department }),
      })),
    );
    await platform.events.publish(tx, [
      reportedEvent({ reportId, licenseType: standard.key, holderCode: input.holderCode, department, issuer: license.issuer_code, identifier: license.identifier, matched, mismatched, findings }, actor),
    ]);
    if (mismatched.length > 0) {
      await notifyDepartment(tx, platform, {
        department: license.issuer_code,
        kind: 'quality.reported',
        title: `${reporter?.name ?? department} 报告持证主体 ${input.holderCode} 的 ${mismatched.join('、')} 与证照不一致`,
        titleEn: `${reporter?.nameEn ?? department} reports that ${mismatched.join(', ')} of holder ${input.holderCode} differ from the license`,
        link: `/api/v1/quality/findings?licenseIdentifier=${encodeURIComponent(license.identifier)}`,
        actor,
      });
    }
    return { id: reportId, type: standard.key, holderCode: input.holderCode, matched, mismatched, reportedAt: new Date(row.at).toISOString() };
  });
}

// ── findings ──

export type FindingStatus = 'open' | 'resolved' | 'explained';

export interface Finding {
  id: number;
  identifier: string;
  version: number;
  licenseType: string;
  department: string;
  holderCode: string;
  ruleId: string;
  dimension: Dimension;
  severity: 'error' | 'warning';
  fields: string[];
  message: { 'zh-CN': string; en: string };
  status: FindingStatus;
  reportedBy: string | null;
  detectedAt: string;
  resolvedAt: string | null;
  resolvedVersion: number | null;
  note: string | null;
  notedBy: string | null;
  notedAt: string | null;
  /** The issuer may explain it with a note (uniqueness and consistency findings that are open). */
  explainable: boolean;
}

interface FindingRow {
  id: string;
  identifier: string;
  version: number;
  license_type: string;
  department: string;
  holder_code: string;
  rule_id: string;
  dimension: Dimension;
  severity: 'error' | 'warning';
  fields: string[];
  message_zh: string;
  message_en: string;
  status: FindingStatus;
  reported_by: string | null;
  detected_at: Date;
  resolved_at: Date | null;
  resolved_version: number | null;
  note: string | null;
  noted_by: string | null;
  noted_at: Date | null;
}

const EXPLAINABLE: readonly Dimension[] = ['uniqueness', 'consistency'];
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const toFinding = (r: FindingRow): Finding => ({
  id: Number(r.id),
  identifier: r.identifier,
  version: r.version,
  licenseType: r.license_type,
  department: r.department,
  holderCode: r.holder_code,
  ruleId: r.rule_id,
  dimension: r.dimension,
  severity: r.severity,
  fields: r.fields,
  message: { 'zh-CN': r.message_zh, en: r.message_en },
  status: r.status,
  reportedBy: r.reported_by,
  detectedAt: iso(r.detected_at)!,
  resolvedAt: iso(r.resolved_at),
  resolvedVersion: r.resolved_version,
  note: r.note,
  notedBy: r.noted_by,
  notedAt: iso(r.noted_at),
  explainable: r.status === 'open' && EXPLAINABLE.includes(r.dimension),
});

export interface FindingQuery {
  department?: string;
  type?: string;
  dimension?: Dimension;
  status?: FindingStatus;
  licenseIdentifier?: string;
  limit?: number;
  cursor?: string;
}

/** Findings, newest first, a page at a time (nextCursor while there are more). */
export async function listFindings(platform: Platform, principal: Principal, query: FindingQuery): Promise<{ items: Finding[]; nextCursor: string | null }> {
  const department = readScope(principal, query.department);
  const limit = query.limit ?? 50;
  const before = query.cursor ? decodeCursor(query.cursor, ['id'])[0] : null;
  const rows = await platform.store.query<FindingRow>(
    `select * from quality_findings
      where ($1::text is null or department = $1) and ($2::text is null or license_type = $2) and ($3::text is null or dimension = $3)
        and ($4::text is null or status = $4) and ($5::text is null or identifier = $5) and ($6::bigint is null or id < $6)
      order by id desc limit $7`,
    [department ?? null, query.type ?? null, query.dimension ?? null, query.status ?? null, query.licenseIdentifier ?? null, before, limit + 1],
  );
  const items = rows.rows.slice(0, limit).map(toFinding);
  const nextCursor = rows.rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null;
  return { items, nextCursor };
}

/** The issuer explains a uniqueness (or consistency) finding with a note: it stops counting against the score. */
export async function noteFinding(platform: Platform, principal: Principal, id: number, note: string): Promise<Finding> {
  const text = note.trim();
  if (text === '') throw invalid('validation-failed', 'the note must say something', '/note');
  const actor = actorOf(principal);
  return platform.store.transaction(async (tx) => {
    const row = (await tx.query<FindingRow>('select * from quality_findings where id = $1 for update', [id])).rows[0];
    if (!row) throw notFound('finding-not-found', `no quality finding ${id}`);
    authorize(principal, 'quality:note', { type: 'Department', id: row.department });
    if (!EXPLAINABLE.includes(row.dimension)) throw conflict('finding-not-explainable', `a ${row.dimension} finding is resolved by a new version of the license, not by a note`);
    if (row.status !== 'open') throw conflict('finding-not-open', `the finding is ${row.status}`);
    const updated = (
      await tx.query<FindingRow>(`update quality_findings set status = 'explained', note = $2, noted_by = $3, noted_at = now() where id = $1 returning *`, [id, text, actor])
    ).rows[0];
    await platform.events.publish(tx, [
      notedEvent(
        { findingId: id, ruleId: row.rule_id, dimension: row.dimension, identifier: row.identifier, department: row.department, holderCode: row.holder_code, licenseType: row.license_type, note: text },
        actor,
      ),
    ]);
    return toFinding(updated);
  });
}

// ── scores ──

export interface ScoreBoard {
  month: string;
  /** The department (null: every department, for the coordination office). */
  department: string | null;
  score: number | null;
  dimensions: Record<Dimension, number> | null;
  licenses: number;
  openFindings: number;
  byType: QualityScore[];
  /** The overall score of the six months up to this one, oldest first (null: no licenses checked then). */
  trend: { month: string; score: number | null }[];
}

const previousMonth = (month: string, back: number) => {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) - back;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/** A department's scores of a month (an issuer its own, the coordination office any or all). */
export async function readScores(platform: Platform, principal: Principal, query: { department?: string; month?: string }): Promise<ScoreBoard> {
  const month = checkMonth(query.month);
  const department = readScope(principal, query.department);
  if (department && !(await findDepartment(platform.store, department))) throw notFound('department-not-found', `no department ${department}`);
  const [summary, byType] = await Promise.all([scoreSummary(platform.store, department, month), qualityScoresOf(platform.store, department, month)]);
  const trend = [];
  for (let back = 5; back >= 0; back--) {
    const m = previousMonth(month, back);
    trend.push({ month: m, score: back === 0 ? summary.score : (await scoreSummary(platform.store, department, m)).score });
  }
  return { month, department: department ?? null, ...summary, byType, trend };
}

// ── passes ──

/** Re-checks the licenses changed since the follower's cursor (the server does it continuously). */
export async function checkChanges(platform: Platform, principal: Principal): Promise<FollowResult> {
  authorize(principal, 'quality:run', PLATFORM);
  return followChanges(platform);
}

/** The full pass over every license (the CLI, and the server once a day). */
export async function runFullPass(platform: Platform, principal: Principal, onProgress?: (p: PassProgress) => void): Promise<PassResult> {
  authorize(principal, 'quality:run', PLATFORM);
  return fullPass(platform, actorOf(principal), onProgress);
}

/** The rules of a license type (what the console shows beside the findings). */
export { rulesOf } from './rules.ts';

