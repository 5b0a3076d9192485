/**
 * The monthly report as CSV (RFC 4180, UTF-8 with a byte order mark so that spreadsheet programs
 * read the Chinese names): one row per department with its rank, score, marks and figures, the
 * quality of its licenses, its objections and its ledger balance in yuan — the same for one department
 * or for the province, so the files of several months stack. Headers in Chinese unless English is asked.
 */
import { INDICATORS } from '../evaluation/index.ts';
import { DIMENSIONS } from '../quality/index.ts';
import { DIMENSION_LABELS, INDICATOR_LABELS, yuan, type ReportLanguage } from './labels.ts';
import type { MonthlyReport } from './monthly.ts';

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe (CSV injection);
  // a negative amount in yuan is a number, not a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' && !/^-\d+\.\d\d$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The columns' headers in each language; the ledger's amounts are yuan with two decimals. */
function headers(lang: ReportLanguage): string[] {
  const zh = lang === 'zh';
  const h = (chinese: string, english: string) => (zh ? chinese : english);
  return [
    h('月份', 'Month'),
    h('临时数据', 'Provisional'),
    h('排名', 'Rank'),
    h('部门代码', 'Department code'),
    h('部门名称', 'Department'),
    h('考核得分', 'Score'),
    ...INDICATORS.map((k) => h(`${INDICATOR_LABELS[k].zh}得分`, `${INDICATOR_LABELS[k].en} mark`)),
    h('已编目资源', 'Resources published'),
    h('无条件共享资源', 'Unconditional resources'),
    h('有条件共享资源', 'Conditional resources'),
    h('不予共享资源', 'Resources not shared'),
    h('到期申请', 'Requests due'),
    h('已答复申请', 'Requests answered'),
    h('按时答复申请', 'Requests answered on time'),
    h('答复用时中位数（小时）', 'Median hours to answer'),
    h('提供调用条数', 'Records served'),
    h('使用调用条数', 'Records consumed'),
    h('数据质量得分', 'Quality score'),
    ...DIMENSIONS.map((d) => h(`数据质量${DIMENSION_LABELS[d].zh}`, `Quality: ${DIMENSION_LABELS[d].en.toLowerCase()}`)),
    h('未结质量问题', 'Open quality findings'),
    h('到期异议', 'Objections due'),
    h('已答复异议', 'Objections answered'),
    h('按时答复异议', 'Objections answered on time'),
    h('未答复异议', 'Objections open'),
    h('投递成功', 'Deliveries delivered'),
    h('投递失败', 'Deliveries failed'),
    h('期初余额（元）', 'Opening balance (yuan)'),
    h('借方（元）', 'Debits (yuan)'),
    h('贷方（元）', 'Credits (yuan)'),
    h('期末余额（元）', 'Closing balance (yuan)'),
  ];
}

export function monthlyReportCsv(report: MonthlyReport, lang: ReportLanguage): Buffer {
  const header = headers(lang);
  const rows = report.sections.map((s) => {
    const d = s.department;
    const f = d.figures;
    // Quality over the department's license types, weighted by the licenses checked.
    const licenses = s.quality.reduce((n, q) => n + q.licenses, 0);
    const weighted = (pick: (q: (typeof s.quality)[number]) => number) =>
      licenses > 0 ? Math.round((s.quality.reduce((n, q) => n + pick(q) * q.licenses, 0) / licenses) * 10) / 10 : null;
    return [
      report.month,
      lang === 'zh' ? (report.provisional ? '是' : '否') : report.provisional,
      d.rank,
      d.code,
      lang === 'zh' ? d.name : d.nameEn,
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
      yuan(s.statement.opening, false),
      yuan(s.statement.debits, false),
      yuan(s.statement.credits, false),
      yuan(s.statement.closing, false),
    ];
  });
  const lines = [header, ...rows].map((r) => r.map(cell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
