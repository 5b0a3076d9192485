// Monthly reports (月度报告, its facade): one per department and one for the province, as PDF or
// CSV, from the evaluation, quality, objections and the ledger. A department reads its own, the
// coordination office any and the province's; the operator writes them from the CLI.
import { findDepartment } from '../departments/index.ts';
import { checkReportMonth } from '../evaluation/index.ts';
import { isStaff, type Principal } from '../platform/auth/principal.ts';
import { invalid, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { recordRead } from '../platform/reads.ts';
import { authorize, decide, type PolicyResource } from '../policy/index.ts';
import { monthlyReportCsv } from './csv.ts';
import { REPORT_LANGUAGES, type ReportLanguage } from './labels.ts';
import { gatherMonthlyReport } from './monthly.ts';

export const REPORT_FORMATS = ['pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportQuery {
  month: string;
  /** A department's report; absent: the province's (the coordination office), or one's own department's. */
  department?: string;
  format: ReportFormat;
  /** The one language of the file: Chinese unless English is asked for. */
  lang: ReportLanguage;
}

export interface ReportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

const PROVINCE: PolicyResource = { type: 'Platform', id: 'certbridge' };

export async function monthlyReport(platform: Platform, principal: Principal, query: ReportQuery, fields = { month: '/month', department: '/department', format: '/format', lang: '/lang' }): Promise<ReportFile> {
  checkReportMonth(query.month, fields.month);
  if (!(REPORT_FORMATS as readonly string[]).includes(query.format)) throw invalid('validation-failed', `format must be one of ${REPORT_FORMATS.join(', ')}`, fields.format);
  if (!(REPORT_LANGUAGES as readonly string[]).includes(query.lang)) throw invalid('validation-failed', `lang must be one of ${REPORT_LANGUAGES.join(', ')}`, fields.lang);
  // Without a department: the province's report for whoever may read it, else one's own department's.
  const department = query.department ?? (isStaff(principal) && !decide(principal, 'report:read', PROVINCE).allowed ? principal.departmentCode : undefined);
  authorize(principal, 'report:read', department === undefined ? PROVINCE : { type: 'Department', id: department });
  if (department !== undefined && !(await findDepartment(platform.store, department))) throw notFound('department-not-found', `no department ${department}`);
  const report = await gatherMonthlyReport(platform, query.month, department);
  if (department !== undefined && report.sections.length === 0) {
    throw notFound('department-not-evaluated', `department ${department} is not evaluated (the coordination office runs the evaluation)`);
  }
  const name = `certbridge-${query.month}-${department ?? 'province'}${query.lang === 'en' ? '-en' : ''}.${query.format}`;
  await recordRead(platform, principal, { what: 'report', subject: `${query.month}/${department ?? 'province'}/${query.format}/${query.lang}` });
  if (query.format !== 'pdf') return { fileName: name, contentType: 'text/csv; charset=utf-8', body: monthlyReportCsv(report, query.lang) };
  // The PDF's charts (echarts) and fonts load with the first PDF asked for, not with every process.
  const { monthlyReportPdf } = await import('./pdf.ts');
  return { fileName: name, contentType: 'application/pdf', body: await monthlyReportPdf(report, { name: platform.config.provinceName, nameEn: platform.config.provinceNameEn }, query.lang) };
}
