/**
 * Monthly reports over HTTP, on both stores: the province's PDF for the coordination office (its
 * Chinese text read back with pdf.js, the ranking, the ledger balanced to the fen), a department's
 * CSV matching the scoreboard and its statement, and who may read which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDemoProvince } from '../../src/demo/seed.ts';
import { chinaMonth } from '../../src/platform/chinaTime.ts';
import { agreement, batch, catalogBusinessLicense, issue } from '../exchange/support.ts';
import { post, setPrice } from '../ledger/support.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { csvRows, pdfText } from './support.ts';

let t: TestPlatform;
const month = chinaMonth();

beforeAll(async () => {
  // The province as configured (CERTBRIDGE_PROVINCE_NAME, …_EN) titles its report.
  t = await startTestPlatform({ CERTBRIDGE_PROVINCE_NAME: '山东省', CERTBRIDGE_PROVINCE_NAME_EN: 'Shandong Province' });
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name'] });
  await setPrice(t, { fenPerRecord: 35, validFrom: '2000-01-01' });
  const holders = [(await issue(t)).holder.code, (await issue(t)).holder.code, (await issue(t)).holder.code];
  expect((await batch(t, t.consumer, holders)).status).toBe(200);
  await post(t);
});
afterAll(() => t?.close());

async function download(path: string, token: string) {
  const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('monthly reports', () => {
  it("the province's PDF: Chinese text in an embedded font, the ranking, the ledger balanced to the fen", async () => {
    const pdf = await download(`/api/v1/reports/monthly?month=${month}&format=pdf`, t.coordinator.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="certbridge-${month}-province.pdf"`);
    expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    // The font travels inside the file (a subset of Noto Sans SC), so any reader shows the Chinese.
    expect(Buffer.from(pdf.bytes).toString('latin1')).toMatch(/\/FontFile2|\/FontFile3/);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('山东省电子证照共享月度报告');
    expect(text).toContain('一、考核排名');
    // One language throughout: no English heading beside the Chinese.
    expect(text).not.toMatch(/Ranking|Data quality|Objections|Department|Score/);
    expect(text).toContain(t.issuer.department.name);
    expect(text).toContain(t.consumer.department.name);
    // Three records at 0.35 yuan: debits and credits of ¥1.05 each.
    expect(text).toContain('借方合计 ¥1.05，贷方合计 ¥1.05，借贷平衡（精确到分）');
  });

  it("a department's CSV matches the scoreboard and its statement", async () => {
    const csv = await download(`/api/v1/reports/monthly?month=${month}&format=csv`, t.consumer.token);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // A byte order mark first, so that spreadsheet programs read the Chinese names as UTF-8.
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(csv.bytes);
    const rows = csvRows(text);
    expect(rows).toHaveLength(1);
    // Chinese headers; the ledger's amounts in yuan with two decimals (the consumer's balance is negative, a number, not quoted).
    expect(rows[0]).toMatchObject({ 月份: month, 部门代码: t.consumer.department.code, 部门名称: t.consumer.department.name, 使用调用条数: '3', '借方（元）': '1.05', '贷方（元）': '0.00', '期末余额（元）': '-1.05' });
    expect(Object.keys(rows[0]).join('')).not.toMatch(/[a-z]/i);
    const board = await fetch(`${t.url}/api/v1/evaluation/scoreboard?month=${month}`, { headers: { authorization: `Bearer ${t.consumer.token}` } }).then((r) => r.json());
    const mine = board.departments.find((d: { code: string }) => d.code === t.consumer.department.code);
    expect(rows[0].考核得分).toBe(String(mine.score));
    expect(rows[0].排名).toBe(String(mine.rank));
  });

  it("a department's PDF names its score and rank", async () => {
    const pdf = await download(`/api/v1/reports/monthly?month=${month}&department=${t.issuer.department.code}`, t.issuer.token);
    expect(pdf.status).toBe(200);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(`${t.issuer.department.name} 电子证照共享月度报告`);
    expect(text).toMatch(/本月考核得分 \d+(\.\d)?，在 \d+ 个部门中排名第 \d+/);
    expect(text).toContain('共享补偿对账单');
    // A section per license type, named from its definition, with the department's licenses of it.
    expect(text).toContain('三、各类证照');
    expect(text).toMatch(/营业执照\s*\d+/);
    expect(text).not.toMatch(/License types|Business license|Ledger statement/);
    // The statement's lines name the resource by its title in the catalog, not by its id.
    expect(text).not.toContain('business-license');
  });

  it('in English when asked: every heading, the CSV headers and the names in English', async () => {
    const pdf = await download(`/api/v1/reports/monthly?month=${month}&department=${t.issuer.department.code}&lang=en`, t.issuer.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="certbridge-${month}-${t.issuer.department.code}-en.pdf"`);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(`${t.issuer.department.nameEn}: monthly report of license sharing`);
    expect(text).toContain('3. License types');
    expect(text).toContain('6. Ledger statement');
    expect(text).toContain('Business license');
    expect(text).not.toContain('business-license');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    const province = await pdfText((await download(`/api/v1/reports/monthly?month=${month}&lang=en`, t.coordinator.token)).bytes);
    expect(province).toContain('Shandong Province: monthly report of license sharing');
    expect(province).toContain('debits ¥1.05, credits ¥1.05: balanced to the fen');
    const csv = csvRows(new TextDecoder().decode((await download(`/api/v1/reports/monthly?month=${month}&format=csv&lang=en`, t.consumer.token)).bytes));
    expect(csv[0]).toMatchObject({ Month: month, 'Department code': t.consumer.department.code, Department: t.consumer.department.nameEn, 'Debits (yuan)': '1.05' });
    expect((await download(`/api/v1/reports/monthly?month=${month}&lang=fr`, t.consumer.token)).status).toBe(400);
  });

  it("nobody reads another department's report or the province's but the coordination office; bad queries are refused", async () => {
    expect((await download(`/api/v1/reports/monthly?month=${month}&department=${t.issuer.department.code}&format=csv`, t.consumer.token)).status).toBe(403);
    // Without a department a consumer gets its own department's, never the province's.
    const own = await download(`/api/v1/reports/monthly?month=${month}&format=csv`, t.consumer.token);
    expect(csvRows(new TextDecoder().decode(own.bytes)).map((r) => r.部门代码)).toEqual([t.consumer.department.code]);
    const bad = await fetch(`${t.url}/api/v1/reports/monthly?month=${month}&format=docx`, { headers: { authorization: `Bearer ${t.coordinator.token}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('querystring:/format');
    const unknown = await fetch(`${t.url}/api/v1/reports/monthly?month=${month}&department=91370000MA3C5K7X2P`, { headers: { authorization: `Bearer ${t.coordinator.token}` } });
    expect(unknown.status).toBe(404);
  });

  it('the demo names its province Shandong unless the operator named one', () => {
    const unnamed = { provinceName: 'S省', provinceNameEn: 'Province S' };
    expect(withDemoProvince(unnamed)).toEqual({ provinceName: '山东省', provinceNameEn: 'Shandong Province' });
    expect(withDemoProvince({ provinceName: '江苏省', provinceNameEn: 'Jiangsu' })).toEqual({ provinceName: '江苏省', provinceNameEn: 'Jiangsu' });
  });
});
