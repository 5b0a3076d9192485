// Data quality (数据质量, its facade): rules per license type kept as data beside the standard,
// evaluated on every change of a license (a follower of the audit log) and in a full pass; findings
// per license version and rule; consumer departments' reports of what they hold (consistency);
// scores per issuing department, license type and month. Each function taking a principal decides
// through the policies; the two score functions at the end take a Queryable for callers that have
// already decided (the evaluation, the monthly report). See docs/quality.md.
import { findDepartment } from '../departments/index.ts';
import { currentLicenseOfHolder, holderNamesOf as licenseHolderNames } from '../licenses/index.ts';
import { notifyDepartment } from '../notifications/index.ts';
import { actorOf, isStaff, type Principal } from '../platform/auth/principal.ts';
import { chinaDate, isMonth } from '../platform/chinaTime.ts';
import { decodeCursor, encodeCursor } from '../platform/cursor.ts';
import { conflict, DomainError, invalid, notFound, rateLimited } from '../platform/errors.ts';
import { notPracticeSql } from '../platform/practiceCodes.ts';
import type { Queryable } from '../platform/store/store.ts';
import { activeGrantsForLicenseType } from '../agreements/index.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize, decide, type PolicyResource } from '../policy/index.ts';
import { findLicenseType } from '../standards/index.ts';
import { insertFindings } from './findings.ts';
import { confirmedEvent, dismissedEvent, notedEvent, reportedEvent } from './events.ts';
import { followChanges, fullPass, type FollowResult, type PassProgress, type PassResult } from './pass.ts';
import { fieldTitles, formatMessage, normalizeValue, ruleWithCheck, type Dimension } from './rules.ts';
import { qualityScoresOf, scoreSummary, type QualityScore } from './scores.ts';

export { departmentQualityScore, qualityScoresOf, type QualityScore } from './scores.ts';
export { DIMENSIONS, type Dimension } from './rules.ts';
export type { QualityEvent } from './events.ts';
export type { FollowResult, PassProgress, PassResult } from './pass.ts';

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };

const currentMonth = () => chinaDate().slice(0, 7);

function checkMonth(month: string | undefined): string {
  const m = month ?? currentMonth();
  if (!isMonth(m)) throw invalid('invalid-month', 'month must be a month (YYYY-MM) of the years 1900–2999', '/month');
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
  if (!own) throw invalid('validation-failed', 'name the department', '/department');
  authorize(principal, 'quality:read', { type: 'Department', id: own });
  return own;
}

// ── reports (consistency across departments) ──

export interface ReportInput {
  type: string;
  holderCode: string;
  fields: Record<string, string>;
}

/** A report's receipt: never what matched (the answer would be an oracle of the license's values). */
export interface ReportReceipt {
  id: number;
  status: 'received';
}

/** Independent departments that must report the same value before a suspected finding counts. */
const CORROBORATING_DEPARTMENTS = 2;
const HOUR_MS = 3_600_000;

/**
 * Refuses (403, naming the first field) a report on a field no active agreement of the
 * department grants for the license type: before anything about the holder is read, so the
 * answer is the same whether or not the holder has a license.
 */
async function checkGranted(platform: Platform, department: string, licenseType: string, names: readonly string[]): Promise<void> {
  const granted = new Set((await activeGrantsForLicenseType(platform.store, department, licenseType)).flatMap((g) => g.fields));
  const outside = names.find((name) => !granted.has(name));
  if (outside !== undefined) {
    throw new DomainError('forbidden', 'field-not-granted', `no active sharing agreement of department ${department} grants ${outside} of ${licenseType}: a department reports only on fields it receives`, {
      field: `/fields/${outside}`,
    });
  }
}

/** Refuses (429) a department that sent its hour's reports: counted in the store, so over every process. */
async function checkReportRate(platform: Platform, department: string): Promise<void> {
  const limit = platform.config.qualityReportsPerHour;
  const window = (
    await platform.store.query<{ n: number; oldest: Date | null }>(
      `select count(*)::int as n, min(at) as oldest from quality_reports where department = $1 and at > now() - interval '1 hour'`,
      [department],
    )
  ).rows[0];
  if (window.n >= limit) {
    const wait = window.oldest ? (new Date(window.oldest).getTime() + HOUR_MS - Date.now()) / 1000 : 60;
    throw rateLimited('report-rate-exceeded', `department ${department} sent ${limit} reports in the last hour (CERTBRIDGE_QUALITY_REPORTS_PER_HOUR)`, Math.max(1, wait));
  }
}

/**
 * Suspected findings of the same license and field that departments independent of each other
 * reported with the same value: once there are enough of them, they count (open, from now).
 */
async function corroborate(tx: Queryable, license: { id: string }, ruleId: string, field: string, value: string): Promise<number[]> {
  const same = (
    await tx.query<{ id: string; reported_by: string; status: string; reported: string | null }>(
      `select f.id, f.reported_by, f.status, r.fields ->> $3 as reported
         from quality_findings f join quality_reports r on r.id = f.report_id
        where f.license_id = $1 and f.rule_id = $2 and f.fields[1] = $3 and f.status <> 'resolved' and f.status in ('suspected', 'open')`,
      [license.id, ruleId, field],
    )
  ).rows.filter((f) => normalizeValue(f.reported) === normalizeValue(value));
  if (new Set(same.map((f) => f.reported_by)).size < CORROBORATING_DEPARTMENTS) return [];
  const suspected = same.filter((f) => f.status === 'suspected').map((f) => f.id);
  if (suspected.length === 0) return [];
  await tx.query(`update quality_findings set status = 'open', counted_from = now() where id = any($1::bigint[]) and status = 'suspected'`, [suspected]);
  return suspected.map(Number);
}

/**
 * A consumer department reports what it holds for a holder, on fields one of its active
 * agreements grants for the license type; compared with the holder's current license. Each
 * mismatch becomes a *suspected* consistency finding for the issuer, which counts in the scores
 * only when the issuer confirms it or departments independent of each other report the same
 * value. The answer is a receipt, never which fields matched; the report is in the holder's
 * access log (the audit log, under the holder).
 */
export async function reportHeldValues(platform: Platform, principal: Principal, input: ReportInput): Promise<ReportReceipt> {
  const standard = findLicenseType(platform, input.type);
  if (!standard) throw invalid('unknown-license-type', `no license type ${input.type}`, '/type');
  authorize(principal, 'quality:report', { type: 'LicenseType', id: standard.key, attrs: { key: standard.key } });
  const rule = ruleWithCheck(standard, 'reported-by-department');
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
  await checkGranted(platform, department, standard.key, names);
  await checkReportRate(platform, department);
  const actor = actorOf(principal);
  const reporter = await findDepartment(platform.store, department);
  return platform.store.transaction(async (tx) => {
    const license = await currentLicenseOfHolder(tx, standard.key, input.holderCode);
    // The department receives these fields of the type: that the holder has no current license is no secret to it.
    if (!license) throw notFound('license-not-found', `the holder ${input.holderCode} has no current ${standard.key}`);
    const data = typeof license.data === 'string' ? (JSON.parse(license.data) as Record<string, unknown>) : license.data;
    const matched = names.filter((n) => normalizeValue(data[n]) === normalizeValue(input.fields[n]));
    const mismatched = names.filter((n) => !matched.includes(n));
    const reportId = Number(
      (
        await tx.query<{ id: string }>(
          `insert into quality_reports (license_type, holder_code, license_id, version, department, reported_by, fields, matched, mismatched)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
          [standard.key, input.holderCode, license.id, license.current_version, department, actor, JSON.stringify(input.fields), matched, mismatched],
        )
      ).rows[0].id,
    );
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
        suspected: true,
        ...formatMessage(rule, standard, [field], { department: reporter?.name ?? department }),
      })),
    );
    const corroborated: string[] = [];
    for (const field of mismatched) {
      if ((await corroborate(tx, license, rule.id, field, input.fields[field])).length > 0) corroborated.push(field);
    }
    await platform.events.publish(tx, [
      reportedEvent(
        { reportId, licenseType: standard.key, holderCode: input.holderCode, department, issuer: license.issuer_code, identifier: license.identifier, fields: names, matched, mismatched, findings, corroborated },
        actor,
      ),
    ]);
    // The issuer hears of what counts, not of every report (one department's 300 reports were 300 notices).
    if (corroborated.length > 0) {
      await notifyDepartment(tx, platform, {
        department: license.issuer_code,
        kind: 'quality.reported',
        title: `多个部门一致报告持证主体 ${input.holderCode} 的${fieldTitles(standard, corroborated).zh}与证照不一致`,
        titleEn: `Departments independently report that ${fieldTitles(standard, corroborated).en} of holder ${input.holderCode} differ from the license`,
        link: `/api/v1/quality/findings?licenseIdentifier=${encodeURIComponent(license.identifier)}`,
        actor,
      });
    }
    return { id: reportId, status: 'received' as const };
  });
}

/** The issuer confirms a suspected finding of a department's report: it counts from now. */
export async function confirmFinding(platform: Platform, principal: Principal, id: number): Promise<Finding> {
  const actor = actorOf(principal);
  const updated = await platform.store.transaction(async (tx) => {
    const row = (await tx.query<FindingRow>('select * from quality_findings where id = $1 for update', [id])).rows[0];
    if (!row) throw notFound('finding-not-found', `no quality finding ${id}`);
    authorize(principal, 'quality:note', { type: 'Department', id: row.department });
    if (row.status !== 'suspected') throw conflict('finding-not-suspected', `the finding is ${row.status}: only a suspected one (a department's report) is confirmed`);
    const changed = (await tx.query<FindingRow>(`update quality_findings set status = 'open', counted_from = now() where id = $1 returning *`, [id])).rows[0];
    await platform.events.publish(tx, [
      confirmedEvent(
        { findingId: id, ruleId: row.rule_id, identifier: row.identifier, department: row.department, holderCode: row.holder_code, licenseType: row.license_type, reportedBy: row.reported_by },
        actor,
      ),
    ]);
    return changed;
  });
  return findingOf(platform, updated);
}

/**
 * The issuer dismisses, in one action, every suspected or open finding that one reporting
 * department's reports raised on its licenses (a department found reporting falsely): they stop
 * counting, the reports are marked dismissed, and the coordination office sees it in its oversight.
 */
export async function dismissReports(platform: Platform, principal: Principal, input: { department: string; reason: string }): Promise<{ department: string; findings: number; reports: number }> {
  const issuer = isStaff(principal) ? principal.departmentCode : undefined;
  if (!issuer) throw invalid('validation-failed', 'an issuing department dismisses reports on its licenses');
  authorize(principal, 'quality:note', { type: 'Department', id: issuer });
  const reason = input.reason.trim();
  if (reason === '') throw invalid('validation-failed', 'give the reason of the dismissal', '/reason');
  if (input.department === issuer) throw invalid('validation-failed', 'a department does not report on its own licenses', '/department');
  const actor = actorOf(principal);
  return platform.store.transaction(async (tx) => {
    const dismissed = (
      await tx.query<{ id: string; report_id: string }>(
        `update quality_findings set status = 'dismissed', note = $3, noted_by = $4, noted_at = now()
          where reported_by = $1 and department = $2 and status <> 'resolved' and status in ('suspected', 'open') returning id, report_id`,
        [input.department, issuer, reason, actor],
      )
    ).rows;
    const reports = (
      await tx.query(`update quality_reports set dismissed_at = now(), dismissed_by = $2 where id = any($1::bigint[]) and dismissed_at is null`, [
        [...new Set(dismissed.map((f) => f.report_id))],
        actor,
      ])
    ).rowCount;
    await platform.events.publish(tx, [dismissedEvent({ issuer, reporter: input.department, findings: dismissed.length, reports, reason }, actor)]);
    return { department: input.department, findings: dismissed.length, reports };
  });
}

/** A reporting department as the coordination office oversees it: how its reports fared. */
export interface ReporterOversight {
  department: string;
  name: string | null;
  reports: number;
  /** Reports with at least one field that differed from the license. */
  mismatching: number;
  /** Reports whose findings an issuer dismissed. */
  dismissed: number;
  findings: { suspected: number; open: number; resolved: number; dismissed: number; explained: number };
  lastReportAt: string | null;
  /** Most of its mismatching reports dismissed by issuers: the coordination office should look at it. */
  flagged: boolean;
}

/** Reports of a department that must be dismissed before it is flagged (a few mistakes are no abuse). */
const FLAG_MIN_DISMISSED = 5;

/** Every reporting department of the last `days` days, the flagged first (the coordination office). */
export async function reportersOversight(platform: Platform, principal: Principal, query: { days?: number }): Promise<{ since: string; items: ReporterOversight[] }> {
  authorize(principal, 'quality:read', PLATFORM);
  const since = new Date(Date.now() - (query.days ?? 30) * 86_400_000);
  const [reports, findings] = await Promise.all([
    platform.store.query<{ department: string; reports: number; mismatching: number; dismissed: number; last_at: Date }>(
      `select department, count(*)::int as reports, count(*) filter (where cardinality(mismatched) > 0)::int as mismatching,
              count(*) filter (where dismissed_at is not null)::int as dismissed, max(at) as last_at
         from quality_reports where at >= $1 and ${notPracticeSql('department')} group by department`,
      [since],
    ),
    platform.store.query<{ reported_by: string; status: FindingStatus; n: number }>(
      `select f.reported_by, f.status, count(*)::int as n from quality_findings f join quality_reports r on r.id = f.report_id
        where r.at >= $1 and f.reported_by is not null group by 1, 2`,
      [since],
    ),
  ]);
  const byStatus = new Map<string, ReporterOversight['findings']>();
  for (const r of findings.rows) {
    const counts = byStatus.get(r.reported_by) ?? { suspected: 0, open: 0, resolved: 0, dismissed: 0, explained: 0 };
    counts[r.status] += r.n;
    byStatus.set(r.reported_by, counts);
  }
  const items: ReporterOversight[] = [];
  for (const r of reports.rows) {
    const found = await findDepartment(platform.store, r.department);
    items.push({
      department: r.department,
      name: found?.name ?? null,
      reports: r.reports,
      mismatching: r.mismatching,
      dismissed: r.dismissed,
      findings: byStatus.get(r.department) ?? { suspected: 0, open: 0, resolved: 0, dismissed: 0, explained: 0 },
      lastReportAt: new Date(r.last_at).toISOString(),
      flagged: r.dismissed >= FLAG_MIN_DISMISSED && r.dismissed * 2 >= r.mismatching,
    });
  }
  items.sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.dismissed - a.dismissed || b.reports - a.reports);
  return { since: since.toISOString(), items };
}

// ── findings ──

export type FindingStatus = 'suspected' | 'open' | 'resolved' | 'explained' | 'dismissed';

export interface Finding {
  id: number;
  identifier: string;
  version: number;
  licenseType: string;
  department: string;
  holderCode: string;
  /** The name the holder goes by on its newest license (null: none found): what a clerk reads. */
  holderName: string | null;
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
  /** The issuer may confirm it: a department's report, suspected (not counting) until then. */
  confirmable: boolean;
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

const toFinding = (r: FindingRow, holderNames: ReadonlyMap<string, string>): Finding => ({
  id: Number(r.id),
  identifier: r.identifier,
  version: r.version,
  licenseType: r.license_type,
  department: r.department,
  holderCode: r.holder_code,
  holderName: holderNames.get(r.holder_code) ?? null,
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
  confirmable: r.status === 'suspected',
});

/** The holders' names of findings, in one look-up. */
const holderNamesOf = (platform: Platform, rows: readonly FindingRow[]): Promise<Map<string, string>> => licenseHolderNames(platform, rows.map((r) => r.holder_code));

async function findingOf(platform: Platform, r: FindingRow): Promise<Finding> {
  return toFinding(r, await holderNamesOf(platform, [r]));
}

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
      where (department = $1 or $1::text is null and ${notPracticeSql('department')}) and ($2::text is null or license_type = $2) and ($3::text is null or dimension = $3)
        and ($4::text is null or status = $4) and ($5::text is null or identifier = $5) and ($6::bigint is null or id < $6)
      order by id desc limit $7`,
    [department ?? null, query.type ?? null, query.dimension ?? null, query.status ?? null, query.licenseIdentifier ?? null, before, limit + 1],
  );
  const page = rows.rows.slice(0, limit);
  const names = await holderNamesOf(platform, page);
  const items = page.map((r) => toFinding(r, names));
  const nextCursor = rows.rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null;
  return { items, nextCursor };
}

/** The issuer explains a uniqueness (or consistency) finding with a note: it stops counting against the score. */
export async function noteFinding(platform: Platform, principal: Principal, id: number, note: string): Promise<Finding> {
  const text = note.trim();
  if (text === '') throw invalid('validation-failed', 'the note must say something', '/note');
  const actor = actorOf(principal);
  const updated = await platform.store.transaction(async (tx) => {
    const row = (await tx.query<FindingRow>('select * from quality_findings where id = $1 for update', [id])).rows[0];
    if (!row) throw notFound('finding-not-found', `no quality finding ${id}`);
    authorize(principal, 'quality:note', { type: 'Department', id: row.department });
    if (!EXPLAINABLE.includes(row.dimension)) throw conflict('finding-not-explainable', `a ${row.dimension} finding is resolved by a new version of the license, not by a note`);
    if (row.status !== 'open') throw conflict('finding-not-open', `the finding is ${row.status}`);
    const changed = (
      await tx.query<FindingRow>(`update quality_findings set status = 'explained', note = $2, noted_by = $3, noted_at = now() where id = $1 returning *`, [id, text, actor])
    ).rows[0];
    await platform.events.publish(tx, [
      notedEvent(
        { findingId: id, ruleId: row.rule_id, dimension: row.dimension, identifier: row.identifier, department: row.department, holderCode: row.holder_code, licenseType: row.license_type, note: text },
        actor,
      ),
    ]);
    return changed;
  });
  return findingOf(platform, updated);
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

