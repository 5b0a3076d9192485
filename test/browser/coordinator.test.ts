/**
 * The coordination office's console in a real browser: the dashboard shows exactly the figures the
 * API gives; an escalated request is decided in the page; the audit log search finds an access and
 * its inclusion proof is checked valid in the page; the registries render. Axe, no console errors,
 * usable at phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../../src/agreements/index.ts';
import { sequence } from '../../src/audit/index.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { person } from '../people/support.ts';
import { addDepartment, agreement, agreementRequest, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, signInAs, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let office: { username: string; password: string };
let escalatedId: string;

const signIn = (page: Page, who: { username: string; password: string }, next = '/coordinator') => signInAs(page, t.url, who, next);

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  await catalogBusinessLicense(t);
  const hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
  await agreement(t, t.consumer, { fields: ['name', 'registeredCapital'] });
  const holder = (await issue(t)).holder.code;
  for (let i = 0; i < 3; i++) expect((await lookup(t, t.consumer, holder)).status).toBe(200);
  const open = await api(t, 'POST', '/api/v1/agreements', { token: hrss.token, body: agreementRequest({ purpose: 'social-insurance' }) });
  expect(open.status).toBe(201);
  escalatedId = open.body.id;
  await escalateOverdue(t.platform, new Date(new Date(open.body.dueAt).getTime() + 1));
  office = await person(t, t.coordinator, 'coordinator', '赵 协调员');
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const figure = async (page: Page, id: string) => (await page.getByTestId(`figure-${id}`).locator('.ant-statistic-content-value').textContent())?.trim();

describe.skipIf(!HAS_CHROMIUM)(titled('the coordination office’s console (Chromium)'), () => {
  it('the dashboard shows the numbers the API gives', async () => {
    const { page } = desktop;
    await signIn(page, office);
    await page.getByRole('heading', { level: 1, name: '运行概览' }).waitFor();
    await page.getByTestId('figure-lookups').locator('.ant-statistic-content-value').waitFor();
    await page.getByTestId('figure-overdue').locator('.ant-statistic-content-value').waitFor();
    const stats = (await api(t, 'GET', '/api/v1/agreements/statistics', { token: t.coordinator.token })).body;
    const usage = (await api(t, 'GET', '/api/v1/exchange/usage', { token: t.coordinator.token })).body;
    expect({ active: stats.byStatus.active, overdue: stats.overdue, escalated: stats.escalated, lookups: usage.totals.lookups }).toEqual({ active: 1, overdue: 1, escalated: 1, lookups: 3 });
    expect(await figure(page, 'active')).toBe(String(stats.byStatus.active));
    expect(await figure(page, 'submitted')).toBe(String(stats.byStatus.submitted));
    expect(await figure(page, 'overdue')).toBe(String(stats.overdue));
    expect(await figure(page, 'escalated')).toBe(String(stats.escalated));
    expect(await figure(page, 'appeals')).toBe(String(stats.appealsPending));
    expect(await figure(page, 'lookups')).toBe(String(usage.totals.lookups));
    // The top consumer is the tax bureau, with its lookups.
    const topConsumer = page.locator('.ant-card').filter({ hasText: '主要使用部门' }).locator('.ant-table-row').first();
    expect(await topConsumer.textContent()).toBe(`${t.consumer.department.name}${usage.departments[0].lookups}`);
    await page.locator('[role="img"][aria-label="各状态共享申请数量的柱状图"] svg').waitFor();
    await screenshot(page, 'coordinator-dashboard');
    await checkAccessibility(page, 'the dashboard');
    expectNoConsoleErrors(desktop, 'the dashboard');
  });

  it('an escalated request is decided in the page', async () => {
    const { page } = desktop;
    await page.goto(new URL('/coordinator/escalations', t.url).href);
    const row = page.locator('.ant-table-row').filter({ hasText: '山东省人力资源和社会保障厅' });
    await row.waitFor();
    await screenshot(page, 'coordinator-escalations');
    await checkAccessibility(page, 'escalations');
    await row.getByRole('button', { name: /裁\s*决/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('理由').fill('依法履职需要，同意共享');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('已作出裁决').waitFor();
    const decided = (await api(t, 'GET', `/api/v1/agreements/${escalatedId}`, { token: t.coordinator.token })).body;
    expect(decided).toMatchObject({ status: 'active', decision: { decision: 'approve', decidedBy: `person:${office.username}`, decidedByName: '赵 协调员' } });
    await page.getByText('没有待裁决的事项').waitFor();
    expectNoConsoleErrors(desktop, 'escalations');
  });

  it('the audit search finds an access, and its inclusion proof is valid in the page', async () => {
    const { page } = desktop;
    // The sequencer places entries in the tree and signs a tree head (the server does it in the background).
    await sequence(t.platform);
    expect((await api(t, 'GET', '/api/v1/audit/entries?type=exchange.accessed', { token: t.coordinator.token })).body.items).toHaveLength(3);
    await page.goto(new URL('/coordinator/audit', t.url).href);
    await page.getByLabel('记录类型').click();
    await page.keyboard.type('证照查询');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '证照查询' }).first().click();
    await page.getByRole('button', { name: /检\s*索/ }).click();
    const rows = page.locator('.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const first = rows.first();
    await first.getByRole('button', { name: /核\s*验/ }).click();
    const tag = first.locator('[data-valid]');
    await tag.waitFor();
    expect(await tag.getAttribute('data-valid')).toBe('true');
    expect(await tag.textContent()).toBe('证明有效');
    await screenshot(page, 'coordinator-audit');
    await checkAccessibility(page, 'the audit log');
    expectNoConsoleErrors(desktop, 'the audit log');
  });

  it('the department and issuing-authority registries', async () => {
    const { page } = desktop;
    await page.goto(new URL('/coordinator/departments', t.url).href);
    const row = page.locator('.ant-table-row').filter({ hasText: t.consumer.department.name });
    await row.waitFor();
    await row.locator('.ant-table-row-expand-icon').click();
    await page.getByText(office.username).or(page.getByText(t.consumer.clientId)).first().waitFor();
    await screenshot(page, 'coordinator-departments');
    await checkAccessibility(page, 'the department registry');

    // The platform's reason lands on the field it names: a department registered twice is refused on its code.
    await page.getByRole('button', { name: '登记部门' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('统一社会信用代码').fill(t.consumer.department.code);
    await dialog.getByLabel('部门名称').fill('重复登记的部门');
    await dialog.getByLabel('英文名称').fill('A department registered twice');
    await dialog.getByLabel('行政区划代码（6 位）').fill('370000');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    const codeItem = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('统一社会信用代码') });
    await codeItem.locator('.ant-form-item-explain-error').getByText('该部门已经登记过。').waitFor();
    expect(await codeItem.evaluate((item) => item.classList.contains('ant-form-item-has-error'))).toBe(true);
    // Said on the field, not again below the form.
    expect(await dialog.locator('.ant-alert-error').count()).toBe(0);
    await dialog.getByRole('button', { name: /取\s*消|Cancel/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The refusal was the one error the browser saw: its 409 answer.
    expect(desktop.errors).toEqual([expect.stringMatching(/status of 409/)]);
    desktop.clearConsole();

    await page.goto(new URL('/coordinator/issuers', t.url).href);
    await page.locator('.ant-table-row').filter({ hasText: t.issuer.department.name }).waitFor();
    expect(await page.locator('.ant-table-row').filter({ hasText: t.issuer.department.name }).getByText('有效').count()).toBe(1);
    await screenshot(page, 'coordinator-issuers');
    await checkAccessibility(page, 'the issuer registry');
    expectNoConsoleErrors(desktop, 'the registries');
  });

  it('is usable at phone width', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    await signIn(phone.page, office);
    for (const path of ['/coordinator', '/coordinator/escalations', '/coordinator/audit', '/coordinator/departments', '/coordinator/issuers']) {
      await phone.page.goto(new URL(path, t.url).href);
      await phone.page.getByRole('heading', { level: 1 }).waitFor();
      await phone.page.waitForLoadState('networkidle');
      const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
      expect(scrollWidth, `${path} at phone width`).toBeLessThanOrEqual(innerWidth);
    }
    await phone.page.goto(new URL('/coordinator', t.url).href);
    await phone.page.getByTestId('figure-active').locator('.ant-statistic-content-value').waitFor();
    await screenshot(phone.page, 'coordinator-dashboard-phone');
    expectNoConsoleErrors(phone, 'the coordination pages at phone width');
    await phone.context.close();
  });
});
