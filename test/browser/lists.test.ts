/**
 * Lists as clerks expect them, in a real browser (issue 18 part 5): the registry exported to a real
 * .xlsx (opened here as the zip of XML it is) with the headers the clerk reads; two licenses
 * suspended at once with one reason; a column hidden and still hidden after a reload; the menu's
 * badge counting sharing requests waiting for an answer, following a batch approval without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDepartment, agreementRequest, businessLicenseResource, registerResource } from '../agreements/support.ts';
import { person } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { batchDone, checkAccessibility, expectNoConsoleErrors, exportedSheet, HAS_CHROMIUM, launchBrowser, openPage, signInAs, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let clerk: { username: string; password: string };
const holders: { code: string; name: string }[] = [];

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  clerk = await person(t, t.issuer, 'issuer', '王 敏');
  for (let i = 0; i < 3; i++) {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(issued.status).toBe(201);
    holders.push({ code: issued.body.holder.code, name: issued.body.data.name });
  }
  // Two departments' requests for the issuer's business licenses, waiting for its answer.
  await registerResource(t, t.issuer, businessLicenseResource());
  const hrss = await addDepartment(t, '山东省人力资源和社会保障厅', 'Shandong HRSS', ['consumer']);
  for (const [token, purpose] of [
    [t.consumer.token, 'tax-administration'],
    [hrss.token, 'social-insurance'],
  ] as const) {
    const submitted = await api(t, 'POST', '/api/v1/agreements', { token, body: agreementRequest({ purpose }) });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  }
  desktop = await openPage(browser);
  await signInAs(desktop.page, t.url, clerk, '/issuer');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const row = (page: Page, holderName: string) => page.getByRole('row').filter({ hasText: holderName });

describe.skipIf(!HAS_CHROMIUM)(titled('lists: export, batch actions, column settings, menu badges (Chromium)'), () => {
  it('exports the registry under its filter to an .xlsx file with Chinese headers and every license', async () => {
    const { page } = desktop;
    await row(page, holders[0]!.name).waitFor();
    const { file, text } = await exportedSheet(page);
    expect(file).toMatch(/^证照登记簿-\d{4}-\d{2}-\d{2}\.xlsx$/);
    for (const header of ['名称', '统一社会信用代码', '状态', '发照日期']) expect(text).toContain(header);
    for (const holder of holders) expect(text).toContain(holder.code);
    await page.getByText(/已导出 3 条/).waitFor();
  });

  it('suspends two licenses at once with one reason', async () => {
    const { page } = desktop;
    for (const holder of holders.slice(0, 2)) await row(page, holder.name).getByRole('checkbox').check();
    await page.getByText('已选 2 项').waitFor();
    await page.getByRole('button', { name: '暂停所选' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /暂停理由/ }).fill('歇业');
    await dialog.getByRole('button', { name: /暂\s*停/ }).click();
    await batchDone(page, 2);
    for (const holder of holders.slice(0, 2)) await expect.poll(() => row(page, holder.name).locator('[data-status]').getAttribute('data-status')).toBe('suspended');
    expect(await row(page, holders[2]!.name).locator('[data-status]').getAttribute('data-status')).toBe('valid');
    const history = await api(t, 'GET', `/api/v1/licenses?holderCode=${holders[0]!.code}`, { token: t.issuer.token });
    expect(history.body.items[0].status).toBe('suspended');
    await checkAccessibility(page, 'the registry with its toolbar');
  });

  it('hides a column and keeps it hidden after a reload', async () => {
    const { page } = desktop;
    // From the default columns, whatever an earlier try of this test left in the browser's storage.
    await page.evaluate(() => localStorage.removeItem('certbridge.columns.registry'));
    await page.reload();
    const header = page.getByRole('columnheader', { name: '统一社会信用代码' });
    await header.waitFor();
    await page.getByRole('button', { name: '列设置' }).click();
    await page.getByRole('checkbox', { name: '统一社会信用代码' }).uncheck();
    await expect.poll(() => header.count()).toBe(0);
    await page.reload();
    await row(page, holders[0]!.name).waitFor();
    expect(await page.getByRole('columnheader', { name: '统一社会信用代码' }).count()).toBe(0);
    await page.getByRole('button', { name: '列设置' }).click();
    await page.getByRole('button', { name: '恢复默认' }).click();
    // The choice is stored before it is drawn: a failure here says the press was lost, not the drawing.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('certbridge.columns.registry')), { message: 'the reset was stored' }).toBe('[]');
    await page.getByRole('columnheader', { name: '统一社会信用代码' }).waitFor();
  });

  it("counts the requests waiting in the menu's badge, and follows a batch approval without a reload", async () => {
    const { page } = desktop;
    const item = page.getByRole('menuitem', { name: /共享申请/ });
    await expect.poll(() => item.locator('.ant-badge').textContent()).toBe('2');
    await item.click();
    await page.getByRole('heading', { level: 1, name: '共享申请' }).waitFor();
    for (const department of [t.consumer.department.name, '山东省人力资源和社会保障厅']) await row(page, department).getByRole('checkbox').check();
    await page.getByRole('button', { name: /批准所选/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: '理由' }).fill('依法共享，用于办理业务');
    await dialog.getByRole('button', { name: /批\s*准/ }).click();
    await batchDone(page, 2);
    await expect.poll(() => item.locator('.ant-badge').count()).toBe(0);
    const agreements = await api(t, 'GET', '/api/v1/agreements?role=owner', { token: t.issuer.token });
    expect(agreements.body.items.filter((a: { status: string }) => a.status === 'submitted')).toEqual([]);
    expectNoConsoleErrors(desktop, 'lists');
  });
});
