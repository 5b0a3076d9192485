/**
 * What a monthly report (月度报告) says, gathered from the capabilities' facades: the scoreboard of
 * the evaluation (with the score's trend), a section per license type (its licenses, quality and
 * records shared), quality per license type, objections answered on time and the compensation
 * ledger — for one department, or for the whole province. Rendered as PDF (pdf.ts) or CSV (csv.ts);
 * both read only this.
 */
import { scoreboardForReport, type ScoredDepartment, type Weights } from '../evaluation/index.ts';
import { ledgerMonthTotals, statementForReport, type Statement } from '../ledger/index.ts';
import { objectionTimeliness } from '../objections/index.ts';
import { addMonths } from '../platform/chinaTime.ts';
import type { Platform } from '../platform/platform.ts';
import { findResourceForLicenseType } from '../catalog/index.ts';
import { licenseCountsByType, type LicenseStatus } from '../licenses/index.ts';
import { qualityScoresOf, type QualityScore } from '../quality/index.ts';
import { findLicenseType } from '../standards/index.ts';

/** Months the trend chart shows, the report's month last. */
export const TREND_MONTHS = 6;

export interface DepartmentSection {
  department: ScoredDepartment;
  /** How many departments were ranked that month. */
  ranked: number;
  quality: QualityScore[];
  objections: { due: number; answered: number; onTime: number; open: number };
  statement: Statement;
}

/** One license type in the report: the licenses the report's department(s) issued, their quality, the records shared this month. */
export interface TypeSection {
  key: string;
  name: string;
  nameEn: string;
  licenses: Partial<Record<LicenseStatus, number>>;
  /** Mean quality score over the departments, weighted by licenses checked; null when none was checked. */
  quality: number | null;
  /** Records of the type read from the report's department(s) this month (ledger lines of its resource), and read by them. */
  recordsServed: number;
  recordsRead: number;
}

export interface MonthlyReport {
  month: string;
  generatedAt: string;
  /** The month is not over: its figures will still change. */
  provisional: boolean;
  /** null: the province's report. */
  department: string | null;
  weights: Weights;
  /** The scoreboard, best first (the province's report) or the one department. */
  sections: DepartmentSection[];
  /** Score per month, oldest first, of each department in the report. */
  trend: { month: string; scores: Record<string, number | null> }[];
  ledger: { debits: number; credits: number; journals: number };
  types: TypeSection[];
}

export async function gatherMonthlyReport(platform: Platform, month: string, department: string | undefined, now = new Date()): Promise<MonthlyReport> {
  const board = await scoreboardForReport(platform, month);
  const rows = department === undefined ? board.departments : board.departments.filter((d) => d.code === department);
  const ranked = board.departments.filter((d) => d.rank !== null).length;
  const quality = await qualityScoresOf(platform.store, department, month);
  const sections: DepartmentSection[] = [];
  for (const row of rows) {
    sections.push({
      department: row,
      ranked,
      quality: quality.filter((q) => q.department === row.code),
      objections: await objectionTimeliness(platform.store, row.code, month),
      statement: await statementForReport(platform, row.code, month),
    });
  }
  const trend = [];
  for (let i = TREND_MONTHS - 1; i >= 0; i--) {
    const earlier = i === 0 ? board : await scoreboardForReport(platform, addMonths(month, -i));
    trend.push({ month: earlier.month, scores: Object.fromEntries(rows.map((r) => [r.code, earlier.departments.find((d) => d.code === r.code)?.score ?? null])) });
  }
  return {
    month,
    generatedAt: now.toISOString(),
    types: await typeSections(platform, department, sections, quality),
    provisional: board.provisional,
    department: department ?? null,
    weights: board.weights.weights,
    sections,
    trend,
    ledger: await ledgerMonthTotals(platform, month),
  };
}

async function typeSections(platform: Platform, department: string | undefined, sections: readonly DepartmentSection[], quality: readonly QualityScore[]): Promise<TypeSection[]> {
  const counts = await licenseCountsByType(platform, department);
  const keys = [...new Set([...counts.map((c) => c.type), ...quality.map((q) => q.licenseType)])].sort();
  const lines = sections.flatMap((s) => s.statement.lines.filter((l) => l.kind === 'lookup'));
  const out: TypeSection[] = [];
  for (const key of keys) {
    const standard = findLicenseType(platform, key);
    const resource = await findResourceForLicenseType(platform.store, key);
    const mine = lines.filter((l) => resource !== undefined && l.resourceId === resource.id);
    const checked = quality.filter((q) => q.licenseType === key && q.licenses > 0);
    const licensesChecked = checked.reduce((n, q) => n + q.licenses, 0);
    out.push({
      key,
      name: standard?.name ?? key,
      nameEn: standard?.nameEn ?? key,
      licenses: Object.fromEntries(counts.filter((c) => c.type === key).map((c) => [c.status, c.count])),
      quality: licensesChecked > 0 ? Math.round((checked.reduce((n, q) => n + q.score * q.licenses, 0) / licensesChecked) * 10) / 10 : null,
      recordsServed: mine.filter((l) => l.credits > 0 || l.fen > 0).reduce((n, l) => n + l.records, 0),
      recordsRead: mine.filter((l) => l.debits > 0 || l.fen < 0).reduce((n, l) => n + l.records, 0),
    });
  }
  return out;
}
