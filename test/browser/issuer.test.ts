/**
 * The issuer's console in a real browser, as a member of the market regulation staff uses it:
 * signs in, finds a license in the registry by its credit code, opens it (as printed, with its QR
 * code), checks the public page of its QR link, revokes it through the dialog with a reason and
 * sees the public page say so; imports a file with a bad row and downloads the report; approves a
 * sharing request; reads the inbox. Every page: a screenshot, axe, no console errors.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementRequest, businessLicenseResource, registerResource } from '../agreements/support.ts';
import { enterprises, STANDARD_COLUMNS, standardRow, toCsv } from '../import/support.ts';
import { person } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  checkAccessibility,
  downloaded,
  expectNoConsoleErrors,
  HAS_CHROMIUM,
  horizontalOverflow,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  titled,
  type ConsolePage,
} from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let account: { username: string; password: string };
let license: { identifier: string; holder: { code: string; name: string }; data: Record<string, unknown>; verificationUrl: string };
let agreementId: string;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  account = await person(t, t.issuer, 'issuer', '王 登记');
  const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest({ establishedOn: '2016-04-12', businessTermFrom: '2016-04-12' }) });
  expect(issued.status).toBe(201);
  license = issued.body;
  // A sharing request of the tax bureau for the department's business licenses, waiting for an answer.
  await registerResource(t, t.issuer, businessLicenseResource());
  const submitted = await api(t, 'POST', '/api/v1/agreements', { token: t.consumer.token, body: agreementRequest() });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  expect(submitted.body.status).toBe('submitted');
  agreementId = submitted.body.id;
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const url = (path: string) => new URL(path, t.url).href;

async function signIn(p: ConsolePage): Promise<void> {
  await p.page.goto(url('/sign-in'));
  await p.page.getByLabel('用户名').fill(account.username);
  await p.page.getByLabel('密码').fill(account.password);
  await p.page.getByRole('button', { name: /登\s*录/ }).click();
  // The registry is the issuer's home.
  await p.page.getByRole('heading', { level: 1, name: '证照登记簿' }).waitFor({ timeout: 60_000 });
  expect(new URL(p.page.url()).pathname).toBe('/issuer');
}

/** The verdict the public verification page shows, once it shows one. */
async function verdictOf(p: ConsolePage): Promise<string> {
  const verdict = p.page.locator('#verdict');
  await verdict.waitFor({ timeout: 30_000 });
  return (await verdict.textContent()) ?? '';
}

describe.skipIf(!HAS_CHROMIUM)(titled('the issuer’s console (Chromium)'), () => {
  it('finds a license by credit code, sees it as printed with its QR code; the QR link says 有效; revoked with a reason in the dialog, it says 已吊销', async () => {
    const { page } = desktop;
    await signIn(desktop);
    await page.getByRole('heading', { level: 1, name: '证照登记簿' }).waitFor();
    await page.locator('.ant-table-row').first().waitFor();
    await screenshot(page, 'issuer-registry');
    await checkAccessibility(page, 'the license registry');

    // A code that cannot be one is refused in the page.
    await page.getByLabel('统一社会信用代码').fill('12345');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByText('统一社会信用代码为 18 位数字或大写字母').waitFor();

    await page.getByLabel('统一社会信用代码').fill(license.holder.code.toLowerCase());
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => page.url()).toContain(`holderCode=${license.holder.code}`);
    const row = page.locator('.ant-table-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-status]').textContent()).toBe('有效');
    expect(await row.textContent()).toContain(license.holder.code);
    expectNoConsoleErrors(desktop, 'the license registry');

    await row.getByRole('link', { name: license.holder.name }).click();
    await expect.poll(() => page.url()).toContain('/issuer/licenses/');
    const printed = page.locator('[data-printed-license]');
    await printed.waitFor();
    expect(await printed.locator('h2').textContent()).toBe('营业执照');
    expect(await printed.locator('[data-field="holderCode"]').textContent()).toBe(license.holder.code);
    expect(await printed.locator('[data-field="name"]').textContent()).toBe(license.data.name);
    expect(await printed.locator('[data-field="establishedOn"]').textContent()).toBe('2016年4月12日');
    expect(await printed.locator('[data-field="businessTermFrom:businessTermTo"]').textContent()).toBe('2016年4月12日 至 长期');
    // The labels are the standard's, in the printed order.
    expect(await printed.locator('dt').allTextContents()).toEqual(['名称', '类型', '法定代表人', '经营范围', '注册资本', '成立日期', '营业期限', '住所']);
    // The QR code is an image the server rendered, loaded.
    const qr = printed.locator('img[data-qr]');
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.locator('[data-version="1"]').waitFor();
    expect(await page.locator('[data-version="1"]').textContent()).toContain('首次签发');
    // Issued by the department's system: named by the name it was registered under, not its client id.
    expect(await page.locator('[data-version="1"]').textContent()).toContain(`${t.issuer.department.name}业务系统`);
    expect(await page.locator('[data-version="1"]').textContent()).not.toContain(t.issuer.clientId);
    await screenshot(page, 'issuer-license');
    await checkAccessibility(page, 'a license');
    expectNoConsoleErrors(desktop, 'a license');

    // The QR code's link, opened by someone without an account.
    const link = await page.locator('[data-verification-link]').getAttribute('href');
    expect(link).toBe(license.verificationUrl);
    const publicPage = await openPage(browser);
    try {
      await publicPage.page.goto(link!);
      expect(await verdictOf(publicPage)).toBe('有效');

      // Revoking needs a reason, in a dialog that says what follows.
      await page.getByRole('button', { name: /吊\s*销/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('吊销不可撤回');
      await dialog.getByRole('button', { name: '确认吊销' }).click();
      await dialog.getByText('请填写原因').waitFor();
      await screenshot(page, 'issuer-revoke-dialog');
      await checkAccessibility(page, 'the revoke dialog');
      await dialog.getByLabel('原因').fill('以欺骗手段取得登记（测试）');
      await dialog.getByRole('button', { name: '确认吊销' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.locator('h1 + span [data-status]').textContent()).toBe('已吊销');
      await page.locator('[data-event="revoked"]').waitFor();
      expect(await page.locator('[data-event="revoked"]').textContent()).toContain('以欺骗手段取得登记（测试）');
      // Revoked by the clerk, named as the clerk goes by.
      expect(await page.locator('[data-event="revoked"]').textContent()).toContain('王 登记');
      expect(await page.getByRole('button', { name: /吊\s*销/ }).count()).toBe(0);
      expect((await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token })).body.status).toBe('revoked');
      await screenshot(page, 'issuer-license-revoked');
      expectNoConsoleErrors(desktop, 'revoking a license');

      await publicPage.page.reload();
      expect(await verdictOf(publicPage)).toBe('已吊销');
      expectNoConsoleErrors(publicPage, 'the public page of a revoked license');
    } finally {
      await publicPage.context.close();
    }
  }, 180_000);

  it('issues a license through the dialog (设立): the form asks for what is missing, the license opens as printed', async () => {
    const { page } = desktop;
    desktop.clearConsole();
    // The type's standard held back: until it arrives the holder's code is not named (no guessed title), a placeholder instead.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const STANDARD = /\/api\/v1\/standards\/license-types\/business-license$/;
    await page.route(STANDARD, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(url('/issuer'));
      await page.getByRole('button', { name: '签发证照' }).click();
      const loading = page.getByRole('dialog').getByTestId('holder-code-loading');
      await loading.waitFor();
      expect(await page.getByRole('dialog').getByText('统一社会信用代码').count()).toBe(0);
      release();
      await loading.waitFor({ state: 'detached' });
    } finally {
      release();
      await page.unroute(STANDARD);
    }
    const dialog = page.getByRole('dialog', { name: '签发营业执照（设立）' });
    await dialog.getByLabel('经营范围').waitFor();
    // The type's defaults as the clerk would write them: the department as 登记机关, today as 发照日期.
    expect(await dialog.getByLabel('登记机关', { exact: true }).inputValue()).toBe(t.issuer.department.name);
    expect(await dialog.getByLabel('发照日期', { exact: true }).inputValue()).toBe(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
    await dialog.getByRole('button', { name: /签\s*发/ }).click();
    await dialog.getByText('请填写统一社会信用代码').waitFor();
    await screenshot(page, 'issuer-issue-dialog');
    await checkAccessibility(page, 'the issue dialog');
    const [e] = enterprises(1, 9401);
    // A mistyped check character is said on the field, as the platform would say it, before any request.
    let issued = 0;
    const counted = (request: { url(): string; method(): string }) => void (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/licenses' && issued++);
    page.on('request', counted);
    const checkChar = e.creditCode[17];
    const mistyped = `${e.creditCode.slice(0, 17)}${checkChar === '0' ? '1' : '0'}`;
    await dialog.getByLabel('统一社会信用代码').fill(mistyped);
    await dialog.getByRole('button', { name: /签\s*发/ }).click();
    await dialog.getByText(`第 18 位校验码应为“${checkChar}”，输入的是“${mistyped[17]}”`).waitFor();
    expect(issued).toBe(0);
    page.off('request', counted);
    await dialog.getByLabel('统一社会信用代码').fill(e.creditCode);
    for (const [label, field] of [
      ['名称', 'name'],
      ['类型', 'entityType'],
      ['法定代表人', 'legalRepresentative'],
      ['注册资本', 'registeredCapital'],
      ['成立日期', 'establishedOn'],
      ['住所', 'domicile'],
      ['经营范围', 'businessScope'],
    ] as const) {
      const input = dialog.getByLabel(label, { exact: true });
      await input.fill(String(e.data[field]));
      // A date is chosen in a date picker: typed, then Enter.
      if (field === 'establishedOn') await input.press('Enter');
    }
    await dialog.getByRole('button', { name: /签\s*发/ }).click();
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('/issuer/licenses/');
    await page.locator('[data-printed-license] [data-field="name"]').waitFor();
    expect(await page.locator('[data-printed-license] [data-field="name"]').textContent()).toBe(e.data.name);
    expect(await page.locator('[data-printed-license] [data-field="holderCode"]').textContent()).toBe(e.creditCode);
    expect(await page.locator('h1 + span [data-status]').textContent()).toBe('有效');
    expectNoConsoleErrors(desktop, 'issuing a license');
  }, 120_000);

  it('imports a CSV with one bad row: the progress runs to the end, the summary counts, the report of the rejected row downloads', async () => {
    const { page } = desktop;
    desktop.clearConsole();
    await page.goto(url('/issuer/import'));
    await page.getByRole('heading', { level: 1, name: '批量导入' }).waitFor();
    await page.getByText('列名为标准字段名').waitFor();
    await screenshot(page, 'issuer-import');
    await checkAccessibility(page, 'the import page');

    const e = enterprises(3, 9301);
    const bad = `${e[1].creditCode.slice(0, 4)}I${e[1].creditCode.slice(5)}`;
    const csv = toCsv(STANDARD_COLUMNS, [standardRow(e[0]), standardRow(e[1], { creditCode: bad }), standardRow(e[2])]);
    await page.locator('input[type="file"]').setInputFiles({ name: '登记导出.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('[data-chosen-file]').getByText('登记导出.csv').waitFor();
    await page.getByRole('button', { name: '开始导入' }).click();
    await page.locator('[data-phase="finished"]').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    const count = (name: string) => page.locator(`[data-count="${name}"] .ant-statistic-content-value`).textContent();
    expect(await count('rows')).toBe('3');
    expect(await count('issued')).toBe('2');
    expect(await count('rejected')).toBe('1');
    expect(await page.locator('[data-started-by]').textContent()).toBe('导入人：王 登记');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-report]').click()]);
    expect(download.suggestedFilename()).toBe('登记导出.rejected.csv');
    const report = (await downloaded(download)).toString('utf8');
    expect(report.split('\n')[0]).toBe('\uFEFFrow,field,code,reason,creditCode,severity,column,line');
    expect(report).toContain(`2,creditCode,invalid-credit-code`);
    expect(report).toContain(bad);
    // The job is listed among the recent imports.
    await expect.poll(() => page.locator('.ant-table-row').first().textContent()).toContain('登记导出.csv');
    expect(await page.locator('.ant-table-row').first().textContent()).toContain('王 登记');
    await screenshot(page, 'issuer-import-finished');
    await checkAccessibility(page, 'the import summary');
    expectNoConsoleErrors(desktop, 'the import page');

    // The valid rows are in the registry.
    const listed = await api(t, 'GET', `/api/v1/licenses?holderCode=${e[2].creditCode}`, { token: t.issuer.token });
    expect(listed.body.items).toHaveLength(1);
  }, 120_000);

  it('approves a sharing request from the queue, after reading what is asked, why and on what legal basis', async () => {
    const { page } = desktop;
    desktop.clearConsole();
    await page.goto(url('/issuer/requests'));
    await page.getByRole('heading', { level: 1, name: '共享申请' }).waitFor();
    const row = page.locator('.ant-table-row', { hasText: '营业执照' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('国家税务总局山东省税务局');
    await screenshot(page, 'issuer-requests');
    await checkAccessibility(page, 'the sharing requests');

    await row.getByRole('button', { name: /审\s*核/ }).click();
    const drawer = page.getByRole('dialog', { name: '共享申请详情' });
    await drawer.waitFor();
    // The request and the type's standard (which titles the fields) load after the drawer opens.
    await drawer.getByText('税务登记时核验企业登记信息').waitFor();
    const text = await drawer.textContent();
    expect(text).toContain('税务登记时核验企业登记信息');
    expect(text).toContain('《中华人民共和国税收征收管理法》');
    expect(text).toContain('有条件共享');
    // The fields asked for, titled by the standard, with their sensitivity.
    await expect.poll(() => drawer.locator('[data-requested-field="legalRepresentative"]').textContent()).toBe('法定代表人 · 内部');
    await screenshot(page, 'issuer-request-drawer');
    await checkAccessibility(page, 'a sharing request');

    await drawer.getByRole('button', { name: /批\s*准/ }).click();
    const dialog = page.getByRole('dialog', { name: '批准共享申请' });
    await dialog.waitFor();
    await dialog.getByLabel('理由').fill('依法履行税收征管职责所需，同意共享');
    await dialog.getByRole('button', { name: /批\s*准/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await drawer.getByText('生效中').waitFor();
    const agreement = await api(t, 'GET', `/api/v1/agreements/${agreementId}`, { token: t.issuer.token });
    expect(agreement.body).toMatchObject({ status: 'active', decision: { decision: 'approve', reason: '依法履行税收征管职责所需，同意共享', decidedBy: `person:${account.username}` } });
    expectNoConsoleErrors(desktop, 'deciding a sharing request');
  }, 120_000);

  it('the inbox shows the department’s notifications (fields by their titles) and marks one read', async () => {
    const { page } = desktop;
    desktop.clearConsole();
    await page.goto(url('/issuer/inbox'));
    await page.getByRole('heading', { level: 1, name: '部门消息' }).waitFor();
    const unread = page.locator('[data-notification][data-read="false"]').first();
    await unread.waitFor();
    // The approval's notice names the granted fields by their titles in the type's standard, not their keys.
    const approvedNotice = page.locator('[data-notification]', { hasText: '共享申请已批准并生效' }).first();
    await expect.poll(() => approvedNotice.textContent()).toContain('授予字段：名称、法定代表人、注册资本');
    expect(await approvedNotice.textContent()).not.toMatch(/legalRepresentative|registeredCapital/);
    await screenshot(page, 'issuer-inbox');
    await checkAccessibility(page, 'the inbox');
    const id = await unread.getAttribute('data-notification');
    await unread.getByRole('button', { name: '标为已读' }).click();
    await page.locator(`[data-notification="${id}"][data-read="true"]`).waitFor();
    expectNoConsoleErrors(desktop, 'the inbox');
  });

  it('at phone width (375×812) the registry and a license have no horizontal scroll', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    try {
      await signIn(phone);
      await phone.page.locator('.ant-table-row').first().waitFor();
      let size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'the registry at phone width').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'issuer-registry-phone');
      await checkAccessibility(phone.page, 'the registry at phone width');

      await phone.page.goto(url(`/issuer/licenses/${license.identifier}`));
      await phone.page.locator('[data-printed-license]').waitFor();
      size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'a license at phone width').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'issuer-license-phone');
      expectNoConsoleErrors(phone, 'the issuer pages at phone width');
    } finally {
      await phone.context.close();
    }
  }, 120_000);
});
