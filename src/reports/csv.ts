/**
 * The monthly report as CSV (RFC 4180, UTF-8 with a byte order mark so that spreadsheet programs
 * read the Chinese names): one row per department with its rank, score, marks and figures, the
 * quality of its licenses, its objections and its ledger balance — the same for one department or
 * for the province, so the files of several months stack.
 */
import { INDICATORS } from '../evaluation/index.ts';
import { DIMENSIONS } from '../quality/index.ts';
import type { MonthlyReport } from './monthly.ts';

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function monthlyReportCsv(report: MonthlyReport): Buffer {
  const header = [
    'month',
    'provisional',
    'rank',
    'department_code',
    'department_name',
    'score',
    ...INDICATORS.map((k) => `mark_${k}`),
    'catalog_published',
    'catalog_unconditional',
    'catalog_conditional',
    'catalog_not_shared',
    'requests_due',
    'requests_answered',
    'requests_on_time',
    'requests_median_hours',
    'lookups_served',
    'lookups_consumed',
    'quality_score',
    ...DIMENSIONS.map((d) => `quality_${d}`),
    'quality_open_findings',
    'objections_due',
    'objections_answered',
    'objections_on_time',
    'objections_open',
    'deliveries_delivered',
    'deliveries_failed',
    'ledger_opening_fen',
    'ledger_debits_fen',
    'ledger_credits_fen',
    'ledger_closing_fen',
  ];
  const rows = report.sections.map((s) => {
    const d = s.department;
    const f = d.figures;
    // Quality over the department's license types, weighted by the licenses checked.
    const licenses = s.quality.reduce((n, q) => n + q.licenses, 0);
    const weighted = (pick: (q: (typeof s.quality)[number]) => number) =>
      licenses > 0 ? Math.round((s.quality.reduce((n, q) => n + pick(q) * q.licenses, 0) / licenses) * 10) / 10 : null;
    return [
      report.month,
      report.provisional,
      d.rank,
      d.code,
      d.name,
      d.score,
      ...INDICATORS.map((k) => d.marks[k]),
      f.catalog.published,
      f.catalog.unconditional,
      f.catalog.conditional,
      f.catalog.notShared,
      f.requests.due,
      f.requests.answered,
      f.requests.onTime,
      f.requests.medianHoursToAnswer,
      f.lookups.served,
      f.lookups.consumed,
      weighted((q) => q.score),
      ...DIMENSIONS.map((dim) => weighted((q) => q.dimensions[dim])),
      s.quality.reduce((n, q) => n + q.openFindings, 0),
      s.objections.due,
      s.objections.answered,
      s.objections.onTime,
      s.objections.open,
      f.deliveries.delivered,
      f.deliveries.failed,
      s.statement.opening,
      s.statement.debits,
      s.statement.credits,
      s.statement.closing,
    ];
  });
  const lines = [header, ...rows].map((r) => r.map(cell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
