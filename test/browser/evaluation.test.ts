/**
 * The evaluation and the ledger in a real browser: the coordination office sees the scoreboard
 * (every evaluated department, its score and rank as the API gives them, '—' where an indicator
 * does not apply, the figures behind a row, the bar chart) and sets new weights from a month with a
 * reason, which the history then lists; a consumer's monthly statement shows its debits for priced
 * lookups (posted by the ledger's follower, as test/ledger does) to the fen, and the monthly report
 * downloads as a PDF under the server's file name. Axe, no console errors, usable at phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeScoreboard } from '../../src/evaluation/index.ts';
import { addMonths, chinaMonth } from '../../src/platform/chinaTime.ts';
import { agreement, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { post, setPrice } from '../ledger/support.ts';
import { person } from '../people/support.ts';
import { OPERATOR, api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, downloaded, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let office: { username: string; password: string };
let clerk: { username: string; password: string };
const month = chinaMonth();
const FEN_PER_RECORD = 137;
const LOOKUPS = 3;

async function signIn(page: Page, who: { username: string; password: string }, next: string) {
  await page.goto(new URL(`/sign-in?next=${encodeURIComponent(next)}`, t.url).href);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname === next);
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative'] });
  await setPrice(t, { fenPerRecord: FEN_PER_RECORD, validFrom: '2000-01-01' });
  const holder = (await issue(t)).holder.code;
  for (let i = 0; i < LOOKUPS; i++) expect((await lookup(t, t.consumer, holder)).status).toBe(200);
  await post(t); // sequences the audit log, then the ledger's follower posts the lookups
  await recomputeScoreboard(t.platform, OPERATOR, month);
  [office, clerk] = [await person(t, t.coordinator, 'coordinator', '赵 协调员'), await person(t, t.consumer, 'consumer', '钱 用证员')];
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!HAS_CHROMIUM)(titled('the scoreboard, the weights and the statements (Chromium)'), () => {
  it('the coordination office sees the scoreboard the API gives, with the figures and a chart', async () => {
    const { page } = desktop;
    await signIn(page, office, '/coordinator/evaluation');
    await page.getByRole('heading', { level: 1, name: '考核排名' }).waitFor();
    const board = (await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${month}`, { token: t.coordinator.token })).body;
    const scored = board.departments.filter((d: { score: number | null }) => d.score !== null);
    expect(scored.length).toBeGreaterThanOrEqual(2);
    const table = page.getByTestId('scoreboard');
    await table.locator('.ant-table-row').first().waitFor();
    const rows = table.locator('.ant-table-row');
    expect(await rows.count()).toBe(board.departments.length);
    // Best first, as the API ranks them: rank, name, score to one decimal.
    for (const [i, d] of board.departments.entries()) {
      const cells = (await rows.nth(i).locator('td').allTextContents()).map((c) => c.trim());
      expect(cells.slice(1, 4)).toEqual([String(d.rank ?? '—'), d.name, d.score === null ? '—' : d.score.toFixed(1)]);
    }
    // The consumer does not serve lookups: its mark for 'lookups served' is a dash.
    const consumerRow = rows.filter({ hasText: t.consumer.department.name });
    const served = await page.locator('thead th').allTextContents();
    const servedColumn = served.findIndex((h) => h.trim() === '提供调用');
    expect((await consumerRow.locator('td').nth(servedColumn).textContent())?.trim()).toBe('—');
    // The figures behind a row.
    await consumerRow.getByRole('button').first().click();
    await expect.poll(() => page.getByTestId(`figures-${t.consumer.department.code}`).textContent()).toContain(`调用：提供 0，使用 ${LOOKUPS}`);
    await page.locator('[role="img"][aria-label="各部门当月考核总分柱状图"] svg').waitFor();
    await page.locator('[role="img"][aria-label="近六个月各部门考核总分折线图"] svg').waitFor();
    await screenshot(page, 'coordinator-scoreboard');
    await checkAccessibility(page, 'the scoreboard');
    expectNoConsoleErrors(desktop, 'the scoreboard');
  });

  it('the coordination office sets new weights from a month with a reason and sees them in the history', async () => {
    const { page } = desktop;
    await page.goto(new URL('/coordinator/evaluation/weights', t.url).href);
    await page.getByRole('heading', { level: 1, name: '考核权重' }).waitFor();
    await page.getByTestId('current-weights').waitFor();
    const before = (await api(t, 'GET', '/api/v1/evaluation/weights', { token: t.coordinator.token })).body.items;
    const quality = page.getByRole('spinbutton', { name: '数据质量' });
    await quality.fill('37');
    await page.getByLabel('理由').fill('加大数据质量的权重');
    await page.getByRole('button', { name: '保存权重' }).click();
    await page.getByText('已保存新权重').waitFor();
    const after = (await api(t, 'GET', '/api/v1/evaluation/weights', { token: t.coordinator.token })).body.items;
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ validFrom: addMonths(month, 1), reason: '加大数据质量的权重' });
    expect(after[0].weights.quality).toBe(37);
    const history = page.getByTestId('weights-history').locator('.ant-table-row');
    await expect.poll(() => history.count()).toBe(after.length);
    expect(await history.first().textContent()).toContain('加大数据质量的权重');
    expect(await history.first().textContent()).toContain('数据质量 37');
    expect(await history.first().textContent()).toContain(addMonths(month, 1));
    // A reason of spaces only is refused in the page, before any request.
    await page.getByLabel('理由').fill('   ');
    await page.getByRole('button', { name: '保存权重' }).click();
    await page.getByText('请填写理由').waitFor();
    expect((await api(t, 'GET', '/api/v1/evaluation/weights', { token: t.coordinator.token })).body.items).toHaveLength(after.length);
    await checkAccessibility(page, 'the weights');
    expectNoConsoleErrors(desktop, 'the weights');
  });

  it('the coordination office reads any department’s statement; without one its report is the province’s; a refusal is shown', async () => {
    const { page } = desktop;
    await page.goto(new URL('/coordinator/statements', t.url).href);
    await page.getByRole('heading', { level: 1, name: '月度对账单' }).waitFor();
    const csv = async () => (await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]))[0].suggestedFilename();
    expect(await csv()).toBe(`certbridge-${month}-province.csv`);
    await page.getByRole('combobox', { name: '部门' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: t.issuer.department.name }).click();
    await expect.poll(() => page.getByTestId('statement-credits').getAttribute('data-fen')).toBe(String(LOOKUPS * FEN_PER_RECORD));
    expect(await page.getByTestId('statement-debits').getAttribute('data-fen')).toBe('0');
    expect(await csv()).toBe(`certbridge-${month}-${t.issuer.department.code}.csv`);
    expectNoConsoleErrors(desktop, 'the coordination office’s statements');
    // A department that is not evaluated: the refusal in words, no file.
    await page.getByRole('combobox', { name: '部门' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: t.coordinator.department.name }).click();
    await expect.poll(() => page.getByTestId('statement-credits').getAttribute('data-fen')).toBe('0');
    await page.getByTestId('report-pdf').click();
    await page.locator('.ant-message-error').waitFor();
    // The refused report's 404 is the browser's own console line; nothing else.
    expect(desktop.errors.filter((e) => !/404/.test(e))).toEqual([]);
    desktop.clearConsole();
    await checkAccessibility(page, 'the coordination office’s statements');
  });

  it('a consumer’s statement shows its debits for priced lookups to the fen, and the report downloads as a PDF', async () => {
    const consumer = await openPage(browser);
    try {
      const { page } = consumer;
      await signIn(page, clerk, '/consumer/statements');
      await page.getByRole('heading', { level: 1, name: '月度对账单' }).waitFor();
      const statement = (await api(t, 'GET', '/api/v1/ledger/statements', { token: t.consumer.token })).body;
      const debits = LOOKUPS * FEN_PER_RECORD;
      expect(statement).toMatchObject({ month, debits, credits: 0 });
      const amount = page.getByTestId('statement-debits');
      await amount.waitFor();
      expect(await amount.getAttribute('data-fen')).toBe(String(debits));
      expect((await amount.locator('.ant-statistic-content').textContent())?.replace(/\s/g, '')).toBe(`¥${Math.floor(debits / 100)}.${String(debits % 100).padStart(2, '0')}`);
      expect(await page.getByTestId('statement-closing').getAttribute('data-fen')).toBe(String(statement.closing));
      const line = page.getByRole('table', { name: '对账单明细' }).locator('.ant-table-row');
      await line.first().waitFor();
      expect(await line.count()).toBe(statement.lines.length);
      const cells = (await line.first().locator('td').allTextContents()).map((c) => c.trim());
      // The resource by its title in the catalog, not its id.
      expect(cells).toEqual(['证照查询', '营业执照', t.issuer.department.name, String(LOOKUPS), '4.11', '0.00', '-4.11']);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-pdf').click()]);
      expect(download.suggestedFilename()).toBe(`certbridge-${month}-${t.consumer.department.code}.pdf`);
      expect((await downloaded(download)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await screenshot(page, 'consumer-statements');
      await checkAccessibility(page, 'the statement');
      expectNoConsoleErrors(consumer, 'the statement');
    } finally {
      await consumer.context.close();
    }
  });

  it('the statement and the scoreboard are usable at phone width', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    try {
      await signIn(phone.page, clerk, '/consumer/statements');
      await phone.page.getByTestId('statement-debits').waitFor();
      let size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'the statement at phone width').toBeLessThanOrEqual(size.innerWidth);
      await phone.page.goto(new URL('/consumer/evaluation', t.url).href);
      await phone.page.getByTestId('scoreboard').locator('.ant-table-row').first().waitFor();
      size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'the scoreboard at phone width').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'consumer-scoreboard-phone');
      await checkAccessibility(phone.page, 'the scoreboard at phone width');
      expectNoConsoleErrors(phone, 'the consumer’s pages at phone width');
    } finally {
      await phone.context.close();
    }
  });
});
