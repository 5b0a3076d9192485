/**
 * Scores per issuing department, license type and month, from the findings as they stood at the
 * end of the month (for the current month: now). Per dimension: 100 × the licenses checked without
 * a finding of that dimension counting against them / the licenses checked; overall: the mean of
 * the five dimensions. A finding counts from its detection (a department's report: from its
 * confirmation, never while suspected) until it is resolved, explained or dismissed. A
 * license counts as checked from the first time the rules looked at it. See docs/quality.md.
 */
import { notPracticeSql } from '../platform/practiceCodes.ts';
import type { Queryable } from '../platform/store/store.ts';
import { DIMENSIONS, type Dimension } from './rules.ts';

export interface QualityScore {
  department: string;
  licenseType: string;
  month: string;
  /** 0–100, one decimal. */
  score: number;
  dimensions: Record<Dimension, number>;
  /** Licenses checked by the end of the month. */
  licenses: number;
  /** Findings counting against the score at the end of the month. */
  openFindings: number;
}

/** The end of a China month (the start of the next), as an instant. */
export function monthEnd(month: string): Date {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return new Date(`${next}-01T00:00:00+08:00`);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

interface Counts {
  department: string;
  license_type: string;
  licenses: number;
  dims: Partial<Record<Dimension, { failing: number; findings: number }>>;
}

// One department, or every real one: a practice copy's departments (练习模式) are in no real total.
const scope = `(department = $2 or $2::text is null and ${notPracticeSql('department')})`;

async function counts(db: Queryable, department: string | undefined, month: string): Promise<Counts[]> {
  const end = monthEnd(month);
  const checked = await db.query<{ department: string; license_type: string; n: number }>(
    `select department, license_type, count(*)::int as n from quality_checked
      where first_checked_at < $1 and ${scope} group by 1, 2 order by 1, 2`,
    [end, department ?? null],
  );
  const failing = await db.query<{ department: string; license_type: string; dimension: Dimension; licenses: number; findings: number }>(
    `select department, license_type, dimension, count(distinct license_id)::int as licenses, count(*)::int as findings
       from quality_findings
      where counted_from < $1 and ${scope}
        and (resolved_at is null or resolved_at >= $1) and (noted_at is null or noted_at >= $1)
      group by 1, 2, 3`,
    [end, department ?? null],
  );
  const out = new Map<string, Counts>();
  for (const r of checked.rows) out.set(`${r.department}|${r.license_type}`, { department: r.department, license_type: r.license_type, licenses: r.n, dims: {} });
  for (const r of failing.rows) {
    const c = out.get(`${r.department}|${r.license_type}`);
    if (c) c.dims[r.dimension] = { failing: r.licenses, findings: r.findings };
  }
  return [...out.values()];
}

function scoreOf(licenses: number, dims: Counts['dims']): { score: number; dimensions: Record<Dimension, number>; openFindings: number } {
  const dimensions = {} as Record<Dimension, number>;
  let openFindings = 0;
  for (const d of DIMENSIONS) {
    const failing = Math.min(licenses, dims[d]?.failing ?? 0);
    openFindings += dims[d]?.findings ?? 0;
    dimensions[d] = licenses === 0 ? 100 : round1((100 * (licenses - failing)) / licenses);
  }
  const score = round1(DIMENSIONS.reduce((s, d) => s + dimensions[d], 0) / DIMENSIONS.length);
  return { score, dimensions, openFindings };
}

/** One row per department and license type of the month (the departments of licenses checked by its end). */
export async function qualityScoresOf(db: Queryable, department: string | undefined, month: string): Promise<QualityScore[]> {
  return (await counts(db, department, month)).map((c) => ({ department: c.department, licenseType: c.license_type, month, licenses: c.licenses, ...scoreOf(c.licenses, c.dims) }));
}

/** A department's (or, undefined, every department's) month, all license types together. */
export interface ScoreSummary {
  score: number | null;
  dimensions: Record<Dimension, number> | null;
  licenses: number;
  openFindings: number;
}

/** All license types of a department together: the failing licenses of every type counted over all its licenses checked. */
export async function scoreSummary(db: Queryable, department: string | undefined, month: string): Promise<ScoreSummary> {
  const rows = await counts(db, department, month);
  const licenses = rows.reduce((s, r) => s + r.licenses, 0);
  if (licenses === 0) return { score: null, dimensions: null, licenses: 0, openFindings: 0 };
  const dims: Counts['dims'] = {};
  for (const r of rows) {
    for (const d of DIMENSIONS) {
      const x = r.dims[d];
      if (!x) continue;
      const sum = (dims[d] ??= { failing: 0, findings: 0 });
      sum.failing += x.failing;
      sum.findings += x.findings;
    }
  }
  return { licenses, ...scoreOf(licenses, dims) };
}

/** The overall 0–100 score of an issuing department in a month, all its license types together; null when it had no licenses checked. */
export async function departmentQualityScore(db: Queryable, department: string, month: string): Promise<number | null> {
  return (await scoreSummary(db, department, month)).score;
}
