/**
 * The printed license (PDF, A4), laid out by its type's `display` (docs/license-types.md): the
 * title, the number under its own title, the fields in their left, right or full-width places
 * (a range printed "from 至 to", 长期 when open), the footer beside the seal, and the QR code with the
 * verification code (核验码) printed beside it, so a counterparty holding the paper can check it.
 */
import type { DisplayEntry, LicenseTypeStandard } from '../../standards/index.ts';
import type { License } from '../lifecycle/licenseRecords.ts';

const MARGIN = 56;
const PAGE = { width: 595.28, height: 841.89 };
const WIDTH = PAGE.width - 2 * MARGIN;
const COLUMN = (WIDTH - 24) / 2;

const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '' : String(value));

/** What a display entry prints: its title and its value. */
function entry(standard: LicenseTypeStandard, data: Record<string, unknown>, e: DisplayEntry): { title: string; value: string } {
  const properties = standard.dataSchema.properties;
  if (e.range) {
    const [from, to] = e.range;
    return { title: e.title ?? properties[from]?.title ?? from, value: `${text(data[from]) || '—'} 至 ${text(data[to]) || '长期'}` };
  }
  const field = e.field!;
  return { title: e.title ?? properties[field]?.title ?? field, value: text(data[field]) || '—' };
}

export interface PrintInput {
  license: License;
  standard: LicenseTypeStandard;
  verificationCode: string;
  qrPng: Buffer;
}

export async function printedLicensePdf({ license, standard, verificationCode, qrPng }: PrintInput): Promise<Buffer> {
  // pdfkit and its fonts load at the first print, not with the server (a start-up cost every process paid).
  const { createPdf } = await import('../../platform/pdf.ts');
  const display = standard.display;
  const { doc, done } = createPdf({ margin: MARGIN, info: { Title: `${display.title} ${license.holder.name}`, Author: license.issuer.name, Subject: license.identifier } });
  const data = license.data;
  doc.lineWidth(2).strokeColor('#8c1d18').rect(MARGIN - 16, MARGIN - 16, WIDTH + 32, PAGE.height - 2 * MARGIN + 32).stroke();
  doc.font('bold').fontSize(28).fillColor('#8c1d18').text(display.title, MARGIN, MARGIN + 8, { width: WIDTH, align: 'center' });
  doc.font('regular').fontSize(10).fillColor('#595959').text(display.titleEn, { width: WIDTH, align: 'center' }).moveDown(1.2);
  const number = display.number === '$holderCode' ? license.holder.code : text(data[display.number]);
  doc.font('bold').fontSize(12).fillColor('#000').text(`${display.numberTitle}：${number}`, MARGIN, doc.y, { width: WIDTH }).moveDown(0.8);

  // Two columns: each entry goes where its placement says, a full-width one after both columns so far.
  let left = doc.y;
  let right = doc.y;
  const put = (title: string, value: string, x: number, y: number, width: number) => {
    doc.font('bold').fontSize(11).fillColor('#262626').text(title, x, y, { width });
    doc.font('regular').fontSize(11).fillColor('#000').text(value, x, doc.y + 2, { width });
    return doc.y + 10;
  };
  for (const e of display.fields) {
    const { title, value } = entry(standard, data, e);
    if (e.placement === 'full') {
      const y = Math.max(left, right);
      left = right = put(title, value, MARGIN, y, WIDTH);
    } else if (e.placement === 'right') right = put(title, value, MARGIN + COLUMN + 24, right, COLUMN);
    else left = put(title, value, MARGIN, left, COLUMN);
  }

  // The footer: the issuer and the footer fields beside the seal, the QR code and its verification code.
  const footerY = Math.max(left, right, PAGE.height - MARGIN - 190);
  doc.image(qrPng, MARGIN, footerY, { width: 110 });
  doc.font('regular').fontSize(9).fillColor('#262626').text('扫码核验 Scan to verify', MARGIN, footerY + 114, { width: 130 });
  doc.font('bold').fontSize(10).text(`核验码 ${verificationCode}`, MARGIN, doc.y + 2, { width: 160 });
  const footerX = MARGIN + WIDTH / 2;
  doc.circle(footerX + 70, footerY + 45, 42).lineWidth(1.5).strokeColor('#c41d7f').stroke();
  doc.font('regular').fontSize(8).fillColor('#c41d7f').text('电子印章', footerX + 45, footerY + 40, { width: 50, align: 'center' });
  let y = footerY + 95;
  for (const field of display.footer) {
    const { title, value } = entry(standard, data, { field });
    doc.font('regular').fontSize(11).fillColor('#000').text(`${title}：${value}`, footerX, y, { width: WIDTH / 2 });
    y = doc.y + 2;
  }
  doc.font('regular').fontSize(11).fillColor('#000').text(license.issuer.name, footerX, y, { width: WIDTH / 2 });
  doc
    .font('regular')
    .fontSize(7)
    .fillColor('#8c8c8c')
    .text(`电子证照标识 ${license.identifier} · 第 ${license.version} 版 · ${standard.key} ${license.typeVersion}`, MARGIN, PAGE.height - MARGIN - 4, { width: WIDTH, align: 'center' });
  doc.end();
  return done;
}
