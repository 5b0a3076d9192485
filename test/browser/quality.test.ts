/**
 * The quality pages in a real browser: the issuer's dashboard shows the score the API gives (overall
 * and per dimension) with its trend chart, and a license issued with a deliberate fault (dates out
 * of order) is listed on the findings page in the issuer's words once the quality follower has
 * checked it (called here as the server's background work would); the coordination office reads the
 * same pages with a department selector. Axe, no console errors, usable at phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { chinaMonth } from '../../src/platform/chinaTime.ts';
import { checkChanges } from '../../src/quality/index.ts';
import { addDepartment, agreement, catalogBusinessLicense, issue } from '../exchange/support.ts';
import { person } from '../people/support.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, signInAs, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let clerk: { username: string; password: string };
let faulty: Awaited<ReturnType<typeof issue>>;
let rogue: Awaited<ReturnType<typeof addDepartment>>;
const month = chinaMonth();

const signIn = (page: Page, who: { username: string; password: string }, next: string) => signInAs(page, t.url, who, next);

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  faulty = await issue(t, { establishedOn: '2020-06-01', businessTermFrom: '2020-06-01', issuedOn: '2020-05-01' });
  await issue(t);
  await issue(t);
  // What the server's quality follower does every two seconds: sequence the log, check the changed licenses.
  await sequence(t.platform);
  expect((await checkChanges(t.platform, systemPrincipal('quality'))).licenses).toBe(3);
  clerk = await person(t, t.issuer, 'issuer', '孙 登记员');
  desktop = await openPage(browser);
  // Two consumer departments that receive the name, to report what they hold.
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name'] });
  rogue = await addDepartment(t, '某市某局', 'A rogue bureau', ['consumer']);
  await agreement(t, rogue, { purpose: 'public-security', fields: ['name'] });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const statistic = async (page: Page, title: string) =>
  (await page.getByTestId('quality-scores').locator('.ant-statistic').filter({ has: page.locator('.ant-statistic-title', { hasText: new RegExp(`^${title}$`) }) }).locator('.ant-statistic-content-value').textContent())?.trim();

describe.skipIf(!HAS_CHROMIUM)(titled('the quality dashboard and findings (Chromium)'), () => {
  it('the issuer’s dashboard shows the score the API gives, per dimension, with the trend chart', async () => {
    const { page } = desktop;
    await signIn(page, clerk, '/issuer/quality');
    await page.getByTestId('quality-scores').waitFor();
    const board = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
    expect(board.licenses).toBe(3);
    expect(board.score).toBeLessThan(100);
    expect(board.dimensions.validity).toBe(66.7);
    expect(await statistic(page, '总分')).toBe(board.score.toFixed(1));
    expect(await statistic(page, '有效性')).toBe('66.7');
    expect(await statistic(page, '完整性')).toBe(board.dimensions.completeness.toFixed(1));
    expect(await statistic(page, '已检查证照')).toBe('3');
    expect(await statistic(page, '计分中的问题')).toBe(String(board.openFindings));
    await page.locator('[role="img"][aria-label="近六个月数据质量总分折线图"] svg').waitFor();
    // The license type by its name, not its key.
    await page.getByRole('cell', { name: '营业执照' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'business-license' }).count()).toBe(0);
    await screenshot(page, 'issuer-quality');
    await checkAccessibility(page, 'the quality dashboard');
    expectNoConsoleErrors(desktop, 'the quality dashboard');
  });

  it('the faulty license’s finding is listed on the findings page, and a dimension filter keeps it', async () => {
    const { page } = desktop;
    await page.goto(new URL('/issuer/quality/findings', t.url).href);
    const table = page.getByRole('table', { name: '质量问题列表' });
    const row = table.locator('.ant-table-row').filter({ hasText: faulty.holder.code });
    await row.first().waitFor();
    const text = await row.first().textContent();
    expect(text).toContain('日期先后不合理：成立日期、发照日期');
    // The holder by its name, its code beneath.
    expect(text).toContain(String(faulty.data.name));
    expect(text).toContain('有效性');
    expect(text).toContain('待处理');
    // Only the faulty license has a finding.
    expect(await table.locator('.ant-table-row').filter({ hasNotText: faulty.holder.code }).count()).toBe(0);
    await page.getByRole('combobox', { name: '维度' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '完整性' }).click();
    await page.getByText('没有符合条件的问题').waitFor();
    await page.getByRole('combobox', { name: '维度' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '有效性' }).click();
    await row.first().waitFor();
    await screenshot(page, 'issuer-quality-findings');
    await checkAccessibility(page, 'the quality findings');
    expectNoConsoleErrors(desktop, 'the quality findings');
  });

  it('a department’s report is suspected until the issuer confirms it; the issuer dismisses a reporter’s reports at once', async () => {
    const [kept, rogueTarget] = [await issue(t), await issue(t)];
    const report = (who: { token: string }, holderCode: string) =>
      api(t, 'POST', '/api/v1/quality/reports', { token: who.token, body: { type: 'business-license', holderCode, fields: { name: '报告中的名称有限公司' } } });
    expect((await report(t.consumer, kept.holder.code)).body.status).toBe('received');
    expect((await report(rogue, rogueTarget.holder.code)).body.status).toBe('received');
    const { page } = desktop;
    await page.goto(new URL('/issuer/quality/findings', t.url).href);
    await page.getByRole('combobox', { name: '状态' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '待核实（部门报告）' }).click();
    const table = page.getByRole('table', { name: '质量问题列表' });
    const keptRow = table.locator('.ant-table-row').filter({ hasText: kept.holder.code });
    await keptRow.waitFor();
    await keptRow.getByRole('button', { name: /确\s*认/ }).click();
    await page.getByText('已确认，此问题计入得分').waitFor();
    await expect.poll(async () => (await api(t, 'GET', `/api/v1/quality/findings?licenseIdentifier=${kept.identifier}&dimension=consistency`, { token: t.issuer.token })).body.items[0]?.status).toBe('open');

    const rogueRow = table.locator('.ant-table-row').filter({ hasText: rogueTarget.holder.code });
    await rogueRow.getByRole('button', { name: '驳回该部门报告' }).click();
    // The department by its name, not its credit code.
    await page.getByText(`部门 ${rogue.department.name} 对本部门证照报告`).waitFor();
    await page.getByLabel('驳回理由').fill('报告名称与登记档案不符');
    // A refusal naming a field the dialog does not show (the department, 400 /department) stays in the dialog's alert.
    const DISMISSALS = '**/api/v1/quality/reports/dismissals';
    await page.route(DISMISSALS, (route) => route.continue({ postData: JSON.stringify({ department: t.issuer.department.code, reason: '报告名称与登记档案不符' }) }));
    try {
      await page.getByRole('button', { name: /全部驳回/ }).click();
      const dialog = page.getByRole('dialog', { name: '驳回该部门的全部报告' });
      await dialog.getByRole('alert').filter({ hasText: '填写的内容不符合要求' }).waitFor();
      expect(await dialog.locator('.ant-form-item-explain-error').count()).toBe(0);
    } finally {
      await page.unroute(DISMISSALS);
    }
    expect(desktop.errors.join('\n')).toContain('status of 400');
    desktop.clearConsole();
    await page.getByRole('button', { name: /全部驳回/ }).click();
    await page.getByText('已驳回 1 个问题').waitFor();
    await checkAccessibility(page, 'the findings with a department’s reports');
    expectNoConsoleErrors(desktop, 'the findings with a department’s reports');
    const dismissed = await api(t, 'GET', `/api/v1/quality/findings?licenseIdentifier=${rogueTarget.identifier}&dimension=consistency`, { token: t.issuer.token });
    expect(dismissed.body.items[0]).toMatchObject({ status: 'dismissed', note: '报告名称与登记档案不符' });
  });

  it('the coordination office reads the issuer’s score by choosing the department', async () => {
    const office = await openPage(browser);
    try {
      const { page } = office;
      await signIn(page, await person(t, t.coordinator, 'coordinator', '赵 协调员'), '/coordinator/quality');
      await page.getByRole('combobox', { name: '部门' }).click();
      await page.locator('.ant-select-item-option').filter({ hasText: t.issuer.department.name }).click();
      const own = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
      await expect.poll(() => statistic(page, '已检查证照')).toBe('3');
      expect(await statistic(page, '总分')).toBe(own.score.toFixed(1));
      // Each row names its department and type, not their codes.
      await expect.poll(() => page.locator('.ant-table-row').first().textContent()).toContain(`${t.issuer.department.name}营业执照`);
      await checkAccessibility(page, 'the coordination office’s quality dashboard');
      expectNoConsoleErrors(office, 'the coordination office’s quality dashboard');
      // Its findings page lists the reporting departments, the one whose report was dismissed among them.
      await page.goto(new URL('/coordinator/quality/findings', t.url).href);
      const reporters = page.getByRole('table', { name: '报告部门监督' });
      await reporters.locator('.ant-table-row').filter({ hasText: rogue.department.name }).waitFor();
      await checkAccessibility(page, 'the coordination office’s findings and reporters');
      expectNoConsoleErrors(office, 'the coordination office’s findings and reporters');
    } finally {
      await office.context.close();
    }
  });

  it('the findings are usable at phone width', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    try {
      await signIn(phone.page, clerk, '/issuer/quality/findings');
      await phone.page.locator('.ant-table-row').first().waitFor();
      const size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'the findings at phone width').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'issuer-quality-findings-phone');
      expectNoConsoleErrors(phone, 'the findings at phone width');
    } finally {
      await phone.context.close();
    }
  });
});
