/**
 * The monthly report as PDF (A4), with the platform's PDF documents (src/platform/pdf.ts: Chinese in
 * an embedded font); charts from charts.ts placed as vectors with svg-to-pdfkit.
 */
import SVGtoPDF from 'svg-to-pdfkit';
import { INDICATORS } from '../evaluation/index.ts';
import { CHINA_OFFSET_MS } from '../platform/chinaTime.ts';
import { createPdf, type PdfDocument } from '../platform/pdf.ts';
import { DIMENSIONS } from '../quality/index.ts';
import { barChart, trendChart } from './charts.ts';
import { DIMENSION_LABELS, INDICATOR_LABELS, mark, yuan } from './labels.ts';
import type { DepartmentSection, MonthlyReport } from './monthly.ts';

const MARGIN = 48;
const PAGE = { width: 595.28, height: 841.89 };
const WIDTH = PAGE.width - 2 * MARGIN;

type Doc = PdfDocument;

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/** A section's heading, on a new page when what follows it (`keep` points of it at least) would not fit under it. */
function heading(doc: Doc, text: string, keep = 60): void {
  if (doc.y + 40 + keep > PAGE.height - MARGIN) doc.addPage();
  doc.moveDown(0.8).font('bold').fontSize(13).fillColor('#000').text(text, MARGIN, doc.y, { width: WIDTH }).moveDown(0.3);
}

function paragraph(doc: Doc, text: string): void {
  doc.font('regular').fontSize(10).fillColor('#333').text(text, MARGIN, doc.y, { width: WIDTH }).moveDown(0.3);
}

/** A table with a header row, a new page (with the header again) when the page is full. */
function table(doc: Doc, columns: Column[], rows: (string | number)[][]): void {
  const total = columns.reduce((n, c) => n + c.width, 0);
  const scale = WIDTH / total;
  const drawRow = (cells: (string | number)[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(8.5);
    const heights = cells.map((c, i) => doc.heightOfString(String(c), { width: columns[i].width * scale - 4 }));
    const height = Math.max(...heights) + 6;
    if (doc.y + height > PAGE.height - MARGIN) {
      doc.addPage();
      if (!bold) drawRow(columns.map((c) => c.title), true);
    }
    const y = doc.y;
    if (bold) doc.rect(MARGIN, y, WIDTH, height).fill('#f0f5ff');
    let x = MARGIN;
    cells.forEach((c, i) => {
      const w = columns[i].width * scale;
      doc.fillColor('#000').text(String(c), x + 2, y + 3, { width: w - 4, align: columns[i].align ?? 'left', lineBreak: true });
      x += w;
    });
    doc.moveTo(MARGIN, y + height).lineTo(MARGIN + WIDTH, y + height).lineWidth(0.3).strokeColor('#bfbfbf').stroke();
    doc.y = y + height;
  };
  drawRow(columns.map((c) => c.title), true);
  for (const row of rows) drawRow(row, false);
  doc.x = MARGIN;
}

function chart(doc: Doc, svg: string, height: number): void {
  if (doc.y + height > PAGE.height - MARGIN) doc.addPage();
  SVGtoPDF(doc, svg, MARGIN, doc.y, { width: WIDTH, height, fontCallback: () => 'regular', assumePt: true });
  doc.y += height + 6;
}

/** An instant as China time, to the minute: 2026-11-30 11:18 (UTC+8). */
const chinaTime = (iso: string) => `${new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;

const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—');

function qualityTable(doc: Doc, sections: DepartmentSection[], withDepartment: boolean, typeNames: ReadonlyMap<string, string>): void {
  const rows = sections.flatMap((s) =>
    s.quality.map((q) => [
      ...(withDepartment ? [s.department.name] : []),
      typeNames.get(q.licenseType) ?? q.licenseType,
      mark(q.score),
      ...DIMENSIONS.map((d) => mark(q.dimensions[d])),
      q.licenses,
      q.openFindings,
    ]),
  );
  if (rows.length === 0) return paragraph(doc, '本月没有检查过的证照。No licenses were checked this month.');
  table(
    doc,
    [
      ...(withDepartment ? [{ title: '部门 Department', width: 130 }] : []),
      { title: '证照类型 Type', width: 90 },
      { title: '得分 Score', width: 45, align: 'right' as const },
      ...DIMENSIONS.map((d) => ({ title: `${DIMENSION_LABELS[d].zh}`, width: 40, align: 'right' as const })),
      { title: '证照数 Licenses', width: 50, align: 'right' as const },
      { title: '未结问题 Open', width: 45, align: 'right' as const },
    ],
    rows,
  );
}

const STATUS_LABELS = [
  ['valid', '有效'],
  ['suspended', '暂停'],
  ['revoked', '吊销'],
  ['cancelled', '注销'],
  ['expired', '过期'],
] as const;

/** A section per license type: its name (from its definition), its licenses by status, quality and the records shared this month. */
function typesTable(doc: Doc, report: MonthlyReport): void {
  if (report.types.length === 0) return paragraph(doc, '没有证照。No licenses.');
  table(
    doc,
    [
      { title: '证照类型 Type', width: 120 },
      ...STATUS_LABELS.map(([, zh]) => ({ title: zh, width: 42, align: 'right' as const })),
      { title: '质量 Quality', width: 50, align: 'right' as const },
      { title: '提供 Served', width: 50, align: 'right' as const },
      { title: '使用 Read', width: 50, align: 'right' as const },
    ],
    report.types.map((t) => [`${t.name} ${t.nameEn}`, ...STATUS_LABELS.map(([status]) => t.licenses[status] ?? 0), mark(t.quality), t.recordsServed, t.recordsRead]),
  );
}

function objectionsTable(doc: Doc, sections: DepartmentSection[]): void {
  table(
    doc,
    [
      { title: '部门 Department', width: 150 },
      { title: '本月到期 Due', width: 50, align: 'right' },
      { title: '已答复 Answered', width: 55, align: 'right' },
      { title: '按时答复 On time', width: 55, align: 'right' },
      { title: '未答复 Open', width: 50, align: 'right' },
      { title: '按时率 Rate', width: 50, align: 'right' },
    ],
    sections.map((s) => [s.department.name, s.objections.due, s.objections.answered, s.objections.onTime, s.objections.open, percent(s.objections.onTime, s.objections.due)]),
  );
}

function ledgerTable(doc: Doc, sections: DepartmentSection[]): void {
  table(
    doc,
    [
      { title: '部门 Department', width: 150 },
      { title: '期初 Opening (¥)', width: 70, align: 'right' },
      { title: '借方 Debits (¥)', width: 70, align: 'right' },
      { title: '贷方 Credits (¥)', width: 70, align: 'right' },
      { title: '期末 Closing (¥)', width: 70, align: 'right' },
    ],
    sections.map((s) => [s.department.name, yuan(s.statement.opening), yuan(s.statement.debits), yuan(s.statement.credits), yuan(s.statement.closing)]),
  );
}

function ledgerBalance(doc: Doc, report: MonthlyReport): void {
  const { debits, credits, journals } = report.ledger;
  paragraph(
    doc,
    `全省账本本月 ${journals} 笔凭证，借方合计 ¥${yuan(debits)}，贷方合计 ¥${yuan(credits)}，${debits === credits ? '借贷平衡（精确到分）' : '借贷不平衡！'}。` +
      ` The ledger's ${journals} journals this month: debits ¥${yuan(debits)}, credits ¥${yuan(credits)} — ${debits === credits ? 'balanced to the fen' : 'NOT balanced'}.`,
  );
}

function provinceReport(doc: Doc, report: MonthlyReport): void {
  const ranked = report.sections.filter((s) => s.department.rank !== null);
  const objections = report.sections.reduce((n, s) => ({ due: n.due + s.objections.due, onTime: n.onTime + s.objections.onTime }), { due: 0, onTime: 0 });
  const served = report.sections.reduce((n, s) => n + s.department.figures.lookups.served, 0);
  paragraph(
    doc,
    `本月参加考核的部门 ${ranked.length} 个；通过平台提供证照数据 ${served} 条；到期数据异议 ${objections.due} 件，按时答复 ${objections.onTime} 件（${percent(objections.onTime, objections.due)}）。` +
      ` ${ranked.length} departments ranked; ${served} records served; ${objections.due} objections due, ${objections.onTime} answered on time.`,
  );
  heading(doc, '一、考核排名 Ranking', 160);
  chart(doc, barChart('考核得分 Score', ranked.map((s) => ({ label: s.department.name, value: s.department.score })), 500, Math.max(160, 40 + 22 * ranked.length)), Math.max(160, 40 + 22 * ranked.length));
  table(
    doc,
    [
      { title: '排名 Rank', width: 34, align: 'right' },
      { title: '部门 Department', width: 130 },
      { title: '得分 Score', width: 42, align: 'right' },
      ...INDICATORS.map((k) => ({ title: INDICATOR_LABELS[k].zh, width: 40, align: 'right' as const })),
    ],
    report.sections.map((s) => [s.department.rank ?? '—', s.department.name, mark(s.department.score), ...INDICATORS.map((k) => mark(s.department.marks[k]))]),
  );
  const months = report.trend.map((t) => t.month);
  const top = ranked.slice(0, 8);
  if (top.length > 0) {
    heading(doc, '二、得分趋势 Trend', 240);
    chart(doc, trendChart('近六个月得分 Score over six months', months, top.map((s) => ({ name: s.department.name, values: report.trend.map((t) => t.scores[s.department.code] ?? null) })), 500, 240), 240);
  }
  heading(doc, '三、各类证照 License types');
  typesTable(doc, report);
  heading(doc, '四、数据质量 Data quality');
  qualityTable(doc, report.sections, true, new Map(report.types.map((t) => [t.key, t.name])));
  heading(doc, '五、数据异议 Objections');
  objectionsTable(doc, report.sections);
  heading(doc, '六、共享补偿 Compensation ledger');
  ledgerBalance(doc, report);
  ledgerTable(doc, report.sections);
}

function departmentReport(doc: Doc, report: MonthlyReport, s: DepartmentSection): void {
  const d = s.department;
  paragraph(
    doc,
    d.rank === null
      ? `${d.name} 本月没有可评分的指标。${d.nameEn} had no applicable indicator this month.`
      : `${d.name} 本月考核得分 ${mark(d.score)}，在 ${s.ranked} 个部门中排名第 ${d.rank}。 ${d.nameEn}: score ${mark(d.score)}, rank ${d.rank} of ${s.ranked}.`,
  );
  heading(doc, '一、考核指标 Indicators', 230);
  chart(doc, barChart('各项指标得分 Marks', INDICATORS.map((k) => ({ label: `${INDICATOR_LABELS[k].zh} ${INDICATOR_LABELS[k].en}`, value: d.marks[k] })), 500, 230), 230);
  const f = d.figures;
  const figures: Record<(typeof INDICATORS)[number], string> = {
    catalogPublished: `${f.catalog.published} 项资源 resources`,
    catalogOpenness: `无条件 ${f.catalog.unconditional} / 有条件 ${f.catalog.conditional} / 不予共享 ${f.catalog.notShared}`,
    requestsOnTime: `到期 ${f.requests.due}，按时 ${f.requests.onTime}，中位用时 ${f.requests.medianHoursToAnswer ?? '—'} 小时`,
    lookupsServed: `${f.lookups.served} 条 records`,
    lookupsConsumed: `${f.lookups.consumed} 条 records`,
    quality: mark(f.quality),
    objectionsOnTime: `到期 ${f.objections.due}，已答复 ${f.objections.answered}，按时 ${f.objections.onTime}，未答复 ${f.objections.open}`,
    deliverySuccess: `成功 ${f.deliveries.delivered}，失败 ${f.deliveries.failed}`,
  };
  table(
    doc,
    [
      { title: '指标 Indicator', width: 150 },
      { title: '得分 Mark', width: 45, align: 'right' },
      { title: '权重 Weight', width: 45, align: 'right' },
      { title: '数据 Figures', width: 200 },
    ],
    INDICATORS.map((k) => [`${INDICATOR_LABELS[k].zh} ${INDICATOR_LABELS[k].en}`, mark(d.marks[k]), report.weights[k], figures[k]]),
  );
  heading(doc, '二、得分趋势 Trend', 200);
  chart(doc, trendChart('近六个月得分 Score over six months', report.trend.map((t) => t.month), [{ name: d.name, values: report.trend.map((t) => t.scores[d.code] ?? null) }], 500, 200), 200);
  heading(doc, '三、各类证照 License types');
  typesTable(doc, report);
  heading(doc, '四、数据质量 Data quality');
  qualityTable(doc, [s], false, new Map(report.types.map((t) => [t.key, t.name])));
  heading(doc, '五、数据异议 Objections');
  objectionsTable(doc, [s]);
  heading(doc, '六、共享补偿对账单 Ledger statement');
  ledgerTable(doc, [s]);
  if (s.statement.lines.length > 0) {
    table(
      doc,
      [
        { title: '类别 Kind', width: 60 },
        { title: '资源 Resource', width: 90 },
        { title: '对方部门 Counterparty', width: 150 },
        { title: '条数 Records', width: 50, align: 'right' },
        { title: '金额 Amount (¥)', width: 70, align: 'right' },
      ],
      s.statement.lines.map((l) => [l.kind === 'lookup' ? '调用' : '更正', l.resourceId ?? '—', l.counterparty.name ?? l.counterparty.code, l.records, yuan(l.fen)]),
    );
  }
  ledgerBalance(doc, report);
}

export function monthlyReportPdf(report: MonthlyReport, provinceName: string): Promise<Buffer> {
  const { doc, done } = createPdf({
    margin: MARGIN,
    info: { Title: `${provinceName} ${report.month} 电子证照共享月度报告`, Author: 'CertBridge', Subject: 'Monthly report', CreationDate: new Date(report.generatedAt) },
  });
  const section = report.department === null ? undefined : report.sections[0];
  const title = section ? `${section.department.name} 电子证照共享月度报告` : `${provinceName}电子证照共享月度报告`;
  doc.font('bold').fontSize(18).fillColor('#000').text(title, { width: WIDTH, align: 'center' });
  doc
    .font('regular')
    .fontSize(10)
    .fillColor('#595959')
    .text(`${report.month}${report.provisional ? '（本月尚未结束，数据为临时数据 provisional）' : ''} · Monthly report of license sharing · 生成于 Generated ${chinaTime(report.generatedAt)}`, { width: WIDTH, align: 'center' })
    .moveDown(1);
  if (section) departmentReport(doc, report, section);
  else provinceReport(doc, report);
  doc.end();
  return done;
}
