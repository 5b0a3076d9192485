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
import { DIMENSION_LABELS, INDICATOR_LABELS, mark, yuan, type ReportLanguage } from './labels.ts';
import type { DepartmentSection, MonthlyReport } from './monthly.ts';

/** Every word of the PDF in each language (a report is in one language throughout). */
const WORDS = {
  zh: {
    title: (name: string) => `${name}电子证照共享月度报告`,
    departmentTitle: (name: string) => `${name} 电子证照共享月度报告`,
    subtitle: (month: string, provisional: boolean, generated: string) => `${month}${provisional ? '（本月尚未结束，数据为临时数据）' : ''} · 生成于 ${generated}`,
    department: '部门',
    type: '证照类型',
    score: '得分',
    licenses: '证照数',
    open: '未结问题',
    noneChecked: '本月没有检查过的证照。',
    noLicenses: '没有证照。',
    quality: '质量',
    served: '提供',
    read: '使用',
    due: '本月到期',
    answered: '已答复',
    onTime: '按时答复',
    unanswered: '未答复',
    rate: '按时率',
    opening: '期初（元）',
    debits: '借方（元）',
    credits: '贷方（元）',
    closing: '期末（元）',
    balance: (journals: number, debits: string, credits: string, balanced: boolean) =>
      `全省账本本月 ${journals} 笔凭证，借方合计 ¥${debits}，贷方合计 ¥${credits}，${balanced ? '借贷平衡（精确到分）' : '借贷不平衡！'}。`,
    provinceSummary: (ranked: number, served: number, due: number, onTime: number, rate: string) =>
      `本月参加考核的部门 ${ranked} 个；通过平台提供证照数据 ${served} 条；到期数据异议 ${due} 件，按时答复 ${onTime} 件（${rate}）。`,
    ranking: '一、考核排名',
    rank: '排名',
    trend: '二、得分趋势',
    trendChart: '近六个月得分',
    types: '三、各类证照',
    qualityHeading: '四、数据质量',
    objections: '五、数据异议',
    ledger: '六、共享补偿',
    statement: '六、共享补偿对账单',
    notScored: (name: string) => `${name} 本月没有可评分的指标。`,
    scored: (name: string, score: string, ranked: number, rank: number) => `${name} 本月考核得分 ${score}，在 ${ranked} 个部门中排名第 ${rank}。`,
    indicators: '一、考核指标',
    marksChart: '各项指标得分',
    indicator: '指标',
    mark: '得分',
    weight: '权重',
    figures: '数据',
    figure: {
      resources: (n: number) => `${n} 项资源`,
      openness: (u: number, c: number, n: number) => `无条件 ${u} / 有条件 ${c} / 不予共享 ${n}`,
      requests: (due: number, onTime: number, hours: string) => `到期 ${due}，按时 ${onTime}，中位用时 ${hours} 小时`,
      records: (n: number) => `${n} 条`,
      objections: (due: number, answered: number, onTime: number, open: number) => `到期 ${due}，已答复 ${answered}，按时 ${onTime}，未答复 ${open}`,
      deliveries: (ok: number, failed: number) => `成功 ${ok}，失败 ${failed}`,
    },
    kind: '类别',
    resource: '资源',
    counterparty: '对方部门',
    records: '条数',
    amount: '金额（元）',
    lookup: '调用',
    correction: '更正',
    status: { valid: '有效', suspended: '暂停', revoked: '吊销', cancelled: '注销', expired: '过期' },
  },
  en: {
    title: (name: string) => `${name}: monthly report of license sharing`,
    departmentTitle: (name: string) => `${name}: monthly report of license sharing`,
    subtitle: (month: string, provisional: boolean, generated: string) => `${month}${provisional ? ' (the month is not over: provisional figures)' : ''} · generated ${generated}`,
    department: 'Department',
    type: 'License type',
    score: 'Score',
    licenses: 'Licenses',
    open: 'Open findings',
    noneChecked: 'No licenses were checked this month.',
    noLicenses: 'No licenses.',
    quality: 'Quality',
    served: 'Served',
    read: 'Read',
    due: 'Due',
    answered: 'Answered',
    onTime: 'On time',
    unanswered: 'Open',
    rate: 'Rate',
    opening: 'Opening (¥)',
    debits: 'Debits (¥)',
    credits: 'Credits (¥)',
    closing: 'Closing (¥)',
    balance: (journals: number, debits: string, credits: string, balanced: boolean) =>
      `The ledger's ${journals} journals this month: debits ¥${debits}, credits ¥${credits}: ${balanced ? 'balanced to the fen' : 'NOT balanced'}.`,
    provinceSummary: (ranked: number, served: number, due: number, onTime: number, rate: string) =>
      `${ranked} departments ranked this month; ${served} records served through the platform; ${due} objections due, ${onTime} answered on time (${rate}).`,
    ranking: '1. Ranking',
    rank: 'Rank',
    trend: '2. Trend',
    trendChart: 'Score over six months',
    types: '3. License types',
    qualityHeading: '4. Data quality',
    objections: '5. Objections',
    ledger: '6. Compensation ledger',
    statement: '6. Ledger statement',
    notScored: (name: string) => `${name} had no applicable indicator this month.`,
    scored: (name: string, score: string, ranked: number, rank: number) => `${name}: score ${score} this month, rank ${rank} of ${ranked}.`,
    indicators: '1. Indicators',
    marksChart: 'Marks',
    indicator: 'Indicator',
    mark: 'Mark',
    weight: 'Weight',
    figures: 'Figures',
    figure: {
      resources: (n: number) => `${n} resources`,
      openness: (u: number, c: number, n: number) => `unconditional ${u} / conditional ${c} / not shared ${n}`,
      requests: (due: number, onTime: number, hours: string) => `due ${due}, on time ${onTime}, median ${hours} hours`,
      records: (n: number) => `${n} records`,
      objections: (due: number, answered: number, onTime: number, open: number) => `due ${due}, answered ${answered}, on time ${onTime}, open ${open}`,
      deliveries: (ok: number, failed: number) => `delivered ${ok}, failed ${failed}`,
    },
    kind: 'Kind',
    resource: 'Resource',
    counterparty: 'Counterparty',
    records: 'Records',
    amount: 'Amount (¥)',
    lookup: 'Lookup',
    correction: 'Correction',
    status: { valid: 'Valid', suspended: 'Suspended', revoked: 'Revoked', cancelled: 'Cancelled', expired: 'Expired' },
  },
} satisfies Record<ReportLanguage, unknown>;

type Words = (typeof WORDS)['zh'];

/** A department's or type's name in the report's language. */
const named = (lang: ReportLanguage, x: { name: string; nameEn: string }) => (lang === 'en' ? x.nameEn : x.name);

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

function qualityTable(doc: Doc, lang: ReportLanguage, sections: DepartmentSection[], withDepartment: boolean, typeNames: ReadonlyMap<string, string>): void {
  const w: Words = WORDS[lang];
  const rows = sections.flatMap((s) =>
    s.quality.map((q) => [
      ...(withDepartment ? [named(lang, s.department)] : []),
      typeNames.get(q.licenseType) ?? q.licenseType,
      mark(q.score),
      ...DIMENSIONS.map((d) => mark(q.dimensions[d])),
      q.licenses,
      q.openFindings,
    ]),
  );
  if (rows.length === 0) return paragraph(doc, w.noneChecked);
  table(
    doc,
    [
      ...(withDepartment ? [{ title: w.department, width: 130 }] : []),
      { title: w.type, width: 90 },
      { title: w.score, width: 45, align: 'right' as const },
      ...DIMENSIONS.map((d) => ({ title: DIMENSION_LABELS[d][lang], width: 40, align: 'right' as const })),
      { title: w.licenses, width: 50, align: 'right' as const },
      { title: w.open, width: 45, align: 'right' as const },
    ],
    rows,
  );
}

const STATUSES = ['valid', 'suspended', 'revoked', 'cancelled', 'expired'] as const;

/** A section per license type: its name (from its definition), its licenses by status, quality and the records shared this month. */
function typesTable(doc: Doc, lang: ReportLanguage, report: MonthlyReport): void {
  const w: Words = WORDS[lang];
  if (report.types.length === 0) return paragraph(doc, w.noLicenses);
  table(
    doc,
    [
      { title: w.type, width: 120 },
      ...STATUSES.map((status) => ({ title: w.status[status], width: 42, align: 'right' as const })),
      { title: w.quality, width: 50, align: 'right' as const },
      { title: w.served, width: 50, align: 'right' as const },
      { title: w.read, width: 50, align: 'right' as const },
    ],
    report.types.map((t) => [named(lang, t), ...STATUSES.map((status) => t.licenses[status] ?? 0), mark(t.quality), t.recordsServed, t.recordsRead]),
  );
}

function objectionsTable(doc: Doc, lang: ReportLanguage, sections: DepartmentSection[]): void {
  const w: Words = WORDS[lang];
  table(
    doc,
    [
      { title: w.department, width: 150 },
      { title: w.due, width: 50, align: 'right' },
      { title: w.answered, width: 55, align: 'right' },
      { title: w.onTime, width: 55, align: 'right' },
      { title: w.unanswered, width: 50, align: 'right' },
      { title: w.rate, width: 50, align: 'right' },
    ],
    sections.map((s) => [named(lang, s.department), s.objections.due, s.objections.answered, s.objections.onTime, s.objections.open, percent(s.objections.onTime, s.objections.due)]),
  );
}

function ledgerTable(doc: Doc, lang: ReportLanguage, sections: DepartmentSection[]): void {
  const w: Words = WORDS[lang];
  table(
    doc,
    [
      { title: w.department, width: 150 },
      { title: w.opening, width: 70, align: 'right' },
      { title: w.debits, width: 70, align: 'right' },
      { title: w.credits, width: 70, align: 'right' },
      { title: w.closing, width: 70, align: 'right' },
    ],
    sections.map((s) => [named(lang, s.department), yuan(s.statement.opening), yuan(s.statement.debits), yuan(s.statement.credits), yuan(s.statement.closing)]),
  );
}

function ledgerBalance(doc: Doc, lang: ReportLanguage, report: MonthlyReport): void {
  const { debits, credits, journals } = report.ledger;
  paragraph(doc, WORDS[lang].balance(journals, yuan(debits), yuan(credits), debits === credits));
}

function provinceReport(doc: Doc, lang: ReportLanguage, report: MonthlyReport): void {
  const w: Words = WORDS[lang];
  const ranked = report.sections.filter((s) => s.department.rank !== null);
  const objections = report.sections.reduce((n, s) => ({ due: n.due + s.objections.due, onTime: n.onTime + s.objections.onTime }), { due: 0, onTime: 0 });
  const served = report.sections.reduce((n, s) => n + s.department.figures.lookups.served, 0);
  paragraph(doc, w.provinceSummary(ranked.length, served, objections.due, objections.onTime, percent(objections.onTime, objections.due)));
  heading(doc, w.ranking, 160);
  chart(doc, barChart(w.score, ranked.map((s) => ({ label: named(lang, s.department), value: s.department.score })), 500, Math.max(160, 40 + 22 * ranked.length)), Math.max(160, 40 + 22 * ranked.length));
  table(
    doc,
    [
      { title: w.rank, width: 34, align: 'right' },
      { title: w.department, width: 130 },
      { title: w.score, width: 42, align: 'right' },
      ...INDICATORS.map((k) => ({ title: INDICATOR_LABELS[k][lang], width: 40, align: 'right' as const })),
    ],
    report.sections.map((s) => [s.department.rank ?? '—', named(lang, s.department), mark(s.department.score), ...INDICATORS.map((k) => mark(s.department.marks[k]))]),
  );
  const months = report.trend.map((t) => t.month);
  const top = ranked.slice(0, 8);
  if (top.length > 0) {
    heading(doc, w.trend, 240);
    chart(doc, trendChart(w.trendChart, months, top.map((s) => ({ name: named(lang, s.department), values: report.trend.map((t) => t.scores[s.department.code] ?? null) })), 500, 240), 240);
  }
  heading(doc, w.types);
  typesTable(doc, lang, report);
  heading(doc, w.qualityHeading);
  qualityTable(doc, lang, report.sections, true, new Map(report.types.map((t) => [t.key, named(lang, t)])));
  heading(doc, w.objections);
  objectionsTable(doc, lang, report.sections);
  heading(doc, w.ledger);
  ledgerBalance(doc, lang, report);
  ledgerTable(doc, lang, report.sections);
}

function departmentReport(doc: Doc, lang: ReportLanguage, report: MonthlyReport, s: DepartmentSection): void {
  const w: Words = WORDS[lang];
  const d = s.department;
  paragraph(doc, d.rank === null ? w.notScored(named(lang, d)) : w.scored(named(lang, d), mark(d.score), s.ranked, d.rank));
  heading(doc, w.indicators, 230);
  chart(doc, barChart(w.marksChart, INDICATORS.map((k) => ({ label: INDICATOR_LABELS[k][lang], value: d.marks[k] })), 500, 230), 230);
  const f = d.figures;
  const figures: Record<(typeof INDICATORS)[number], string> = {
    catalogPublished: w.figure.resources(f.catalog.published),
    catalogOpenness: w.figure.openness(f.catalog.unconditional, f.catalog.conditional, f.catalog.notShared),
    requestsOnTime: w.figure.requests(f.requests.due, f.requests.onTime, String(f.requests.medianHoursToAnswer ?? '—')),
    lookupsServed: w.figure.records(f.lookups.served),
    lookupsConsumed: w.figure.records(f.lookups.consumed),
    quality: mark(f.quality),
    objectionsOnTime: w.figure.objections(f.objections.due, f.objections.answered, f.objections.onTime, f.objections.open),
    deliverySuccess: w.figure.deliveries(f.deliveries.delivered, f.deliveries.failed),
  };
  table(
    doc,
    [
      { title: w.indicator, width: 150 },
      { title: w.mark, width: 45, align: 'right' },
      { title: w.weight, width: 45, align: 'right' },
      { title: w.figures, width: 200 },
    ],
    INDICATORS.map((k) => [INDICATOR_LABELS[k][lang], mark(d.marks[k]), report.weights[k], figures[k]]),
  );
  heading(doc, w.trend, 200);
  chart(doc, trendChart(w.trendChart, report.trend.map((t) => t.month), [{ name: named(lang, d), values: report.trend.map((t) => t.scores[d.code] ?? null) }], 500, 200), 200);
  heading(doc, w.types);
  typesTable(doc, lang, report);
  heading(doc, w.qualityHeading);
  qualityTable(doc, lang, [s], false, new Map(report.types.map((t) => [t.key, named(lang, t)])));
  heading(doc, w.objections);
  objectionsTable(doc, lang, [s]);
  heading(doc, w.statement);
  ledgerTable(doc, lang, [s]);
  if (s.statement.lines.length > 0) {
    table(
      doc,
      [
        { title: w.kind, width: 60 },
        { title: w.resource, width: 120 },
        { title: w.counterparty, width: 120 },
        { title: w.records, width: 50, align: 'right' },
        { title: w.amount, width: 70, align: 'right' },
      ],
      s.statement.lines.map((l) => [w[l.kind], (lang === 'en' ? l.resource?.titleEn : l.resource?.title) ?? l.resourceId ?? '—', (lang === 'en' ? l.counterparty.nameEn : l.counterparty.name) ?? l.counterparty.code, l.records, yuan(l.fen)]),
    );
  }
  ledgerBalance(doc, lang, report);
}

/** `province`: the configured name of the province in either language (CERTBRIDGE_PROVINCE_NAME, CERTBRIDGE_PROVINCE_NAME_EN). */
export function monthlyReportPdf(report: MonthlyReport, province: { name: string; nameEn: string }, lang: ReportLanguage): Promise<Buffer> {
  const w: Words = WORDS[lang];
  const section = report.department === null ? undefined : report.sections[0];
  const title = section ? w.departmentTitle(named(lang, section.department)) : w.title(named(lang, province));
  const { doc, done } = createPdf({
    margin: MARGIN,
    info: { Title: `${title} ${report.month}`, Author: 'CertBridge', Subject: title, CreationDate: new Date(report.generatedAt) },
  });
  doc.font('bold').fontSize(18).fillColor('#000').text(title, { width: WIDTH, align: 'center' });
  doc
    .font('regular')
    .fontSize(10)
    .fillColor('#595959')
    .text(w.subtitle(report.month, report.provisional, chinaTime(report.generatedAt)), { width: WIDTH, align: 'center' })
    .moveDown(1);
  if (section) departmentReport(doc, lang, report, section);
  else provinceReport(doc, lang, report);
  doc.end();
  return done;
}
