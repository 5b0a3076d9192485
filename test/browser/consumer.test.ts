/**
 * The consumer's console in a real browser: a clerk of the tax bureau finds the business license in
 * the catalog, asks for it through the guided form (sharing class, conditions and legal basis shown
 * at the point of decision; fields with their sensitivity; a purpose from the controlled list), the
 * market regulator approves two of the fields, and the clerk looks an enterprise up at the counter
 * page and sees exactly those two fields. Usage, agreements and subscriptions pages; axe, no console
 * errors, usable at phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { person } from '../people/support.ts';
import { catalogBusinessLicense, issue } from '../exchange/support.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let clerk: { username: string; password: string };
let license: { holder: { code: string }; data: Record<string, unknown> };
let titles: Record<string, { title: string }>;

async function signIn(page: Page, who: { username: string; password: string }, next = '/consumer') {
  await page.goto(new URL(`/sign-in?next=${encodeURIComponent(next)}`, t.url).href);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/** Chooses an option of the antd Select labelled `label`. */
async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByLabel(label).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  await catalogBusinessLicense(t);
  license = await issue(t);
  clerk = await person(t, t.consumer, 'consumer', '李 办事员');
  titles = (await api(t, 'GET', '/api/v1/standards/license-types/business-license')).body.dataSchema.properties;
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!HAS_CHROMIUM)(titled('the consumer’s console (Chromium)'), () => {
  it('the catalog lists the business license with its sharing class; its drawer shows conditions, legal basis and fields’ sensitivity', async () => {
    const { page } = desktop;
    await signIn(page, clerk);
    await page.getByRole('heading', { level: 1, name: '资源目录' }).waitFor();
    const row = page.locator('.ant-table-row').filter({ hasText: '营业执照' });
    await row.waitFor();
    expect(await row.getByText('有条件共享').count()).toBe(1);
    await screenshot(page, 'consumer-catalog');
    await checkAccessibility(page, 'the catalog');
    await row.getByRole('button', { name: '营业执照' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('仅限依法履行职责所需').waitFor();
    expect(await drawer.getByText('《政务数据共享条例》；《中华人民共和国市场主体登记管理条例》').count()).toBe(1);
    expect(await drawer.getByText('内部').count()).toBeGreaterThan(0);
    await screenshot(page, 'consumer-catalog-resource');
    await checkAccessibility(page, 'the catalog resource drawer');
    await drawer.getByRole('button', { name: '申请使用' }).click();
    await page.waitForURL(/\/consumer\/request\?resource=business-license$/);
    expectNoConsoleErrors(desktop, 'the catalog');
  });

  it('the guided request: the sharing class at the point of decision, fields with sensitivity, a controlled purpose, submitted', async () => {
    const { page } = desktop;
    await page.getByRole('heading', { level: 1, name: '申请共享' }).waitFor();
    const decision = page.getByTestId('decision-point');
    await decision.getByText('有条件共享').first().waitFor();
    expect(await decision.getByText('仅限依法履行职责所需').count()).toBe(1);
    expect(await decision.getByText('《政务数据共享条例》；《中华人民共和国市场主体登记管理条例》').count()).toBe(1);
    await screenshot(page, 'consumer-request-resource');
    await checkAccessibility(page, 'the request form (resource)');
    await page.getByRole('button', { name: /下一步/ }).click();

    // Fields: three asked for, each shown with its sensitivity.
    for (const field of ['name', 'legalRepresentative', 'registeredCapital']) await page.getByRole('checkbox', { name: titles[field].title, exact: true }).check();
    const representativeRow = page.locator('.ant-table-row').filter({ hasText: titles.legalRepresentative.title });
    expect(await representativeRow.getByText('内部').count()).toBe(1);
    await screenshot(page, 'consumer-request-fields');
    await checkAccessibility(page, 'the request form (fields)');
    await page.getByRole('button', { name: /下一步/ }).click();

    await choose(page, '共享用途', '税收征管');
    await page.getByLabel('用途说明').fill('办理税务登记时核验企业登记信息');
    await page.getByLabel('申请依据（法律法规）').fill('《中华人民共和国税收征收管理法》');
    await screenshot(page, 'consumer-request-purpose');
    await checkAccessibility(page, 'the request form (purpose)');
    await page.getByRole('button', { name: /下一步/ }).click();

    const review = page.getByTestId('request-review');
    await review.getByText('税收征管').waitFor();
    expect(await review.getByText(`${titles.name.title}、${titles.legalRepresentative.title}、${titles.registeredCapital.title}`).count()).toBe(1);
    await page.getByRole('button', { name: /提交申请/ }).click();
    expect(await page.getByTestId('request-result').textContent()).toBe('申请已提交');
    await screenshot(page, 'consumer-request-submitted');

    const mine = await api(t, 'GET', '/api/v1/agreements?role=consumer', { token: t.consumer.token });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ status: 'submitted', purpose: 'tax-administration', requestedFields: ['name', 'legalRepresentative', 'registeredCapital'], requestedBy: `person:${clerk.username}` });
    expectNoConsoleErrors(desktop, 'the request form');
  });

  it('my agreements show the request with its deadline; once the provider approves two fields it is active', async () => {
    const { page } = desktop;
    await page.goto(new URL('/consumer/agreements', t.url).href);
    const row = page.locator('.ant-table-row').filter({ hasText: '营业执照' });
    await row.getByText('待审核').waitFor();
    const [agreement] = (await api(t, 'GET', '/api/v1/agreements?role=consumer', { token: t.consumer.token })).body.items;
    const year = agreement.dueDate.slice(0, 4);
    expect(await row.getByText(new RegExp(`${year}年`)).count()).toBeGreaterThan(0);
    await screenshot(page, 'consumer-agreements-submitted');
    await checkAccessibility(page, 'my agreements');

    const approved = await api(t, 'POST', `/api/v1/agreements/${agreement.id}/decision`, { token: t.issuer.token, body: { decision: 'approve', reason: '同意', fields: ['name', 'registeredCapital'] } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await page.reload();
    await page.locator('.ant-table-row').filter({ hasText: '营业执照' }).getByText('生效中').waitFor();
    expectNoConsoleErrors(desktop, 'my agreements');
  });

  it('the counter lookup shows the granted fields only, and refuses a malformed code in the page', async () => {
    const { page } = desktop;
    await page.goto(new URL('/consumer/lookup', t.url).href);
    await page.getByRole('heading', { level: 1, name: '证照查询' }).waitFor();
    await choose(page, '共享协议', /营业执照.*税收征管/);
    await page.getByLabel('统一社会信用代码').fill('not-a-code');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByText('请输入 18 位统一社会信用代码').waitFor();
    await page.getByLabel('统一社会信用代码').fill(license.holder.code);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const result = page.getByTestId('lookup-result');
    await result.waitFor();
    expect(await result.locator('[data-field]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-field')))).toEqual(['name', 'registeredCapital']);
    expect(await result.locator('[data-field="name"]').textContent()).toBe(String(license.data.name));
    expect(await result.locator('[data-field="registeredCapital"]').textContent()).toBe(String(license.data.registeredCapital));
    expect(await result.getByText('有效', { exact: true }).count()).toBe(1);
    expect(await result.getByText(String(license.data.legalRepresentative)).count()).toBe(0);
    await screenshot(page, 'consumer-lookup');
    await checkAccessibility(page, 'the counter lookup');
    expectNoConsoleErrors(desktop, 'the counter lookup');
  });

  it('usage shows the department’s lookups as the API counts them; subscriptions list (none yet)', async () => {
    const { page } = desktop;
    await page.goto(new URL('/consumer/usage', t.url).href);
    const figure = page.getByTestId('usage-lookups');
    await figure.locator('.ant-statistic-content-value').waitFor();
    const usage = (await api(t, 'GET', '/api/v1/exchange/usage', { token: t.consumer.token })).body;
    expect(usage.totals.lookups).toBe(1);
    expect((await figure.locator('.ant-statistic-content-value').textContent())?.trim()).toBe(String(usage.totals.lookups));
    await page.locator('[role="img"][aria-label="每日查询次数折线图"] svg').waitFor();
    // The split per license type names the type, not its key.
    await page.getByRole('cell', { name: '营业执照' }).waitFor();
    expect(await page.getByRole('cell', { name: 'business-license' }).count()).toBe(0);
    await screenshot(page, 'consumer-usage');
    await checkAccessibility(page, 'usage');

    await page.goto(new URL('/consumer/subscriptions', t.url).href);
    await page.getByText('本部门还没有订阅').waitFor();
    await screenshot(page, 'consumer-subscriptions');
    await checkAccessibility(page, 'subscriptions');
    expectNoConsoleErrors(desktop, 'usage and subscriptions');
  });

  // After the usage test: these lookups count in the department's usage.
  for (const [width, viewport, mobile] of [
    ['1366 px', { width: 1366, height: 900 }, false],
    ['375 px', PHONE, true],
  ] as const) {
    it(`at ${width}: a mistyped credit code is named on its field with the expected check character; a suspended license is a warning at the top of the result`, async () => {
      const suspended = await issue(t);
      const p = await openPage(browser, { viewport, mobile });
      try {
        await signIn(p.page, clerk, '/consumer/lookup');
        await p.page.getByRole('heading', { level: 1, name: '证照查询' }).waitFor();
        await choose(p.page, '共享协议', /营业执照.*税收征管/);
        const code = suspended.holder.code;
        const typo = code.slice(0, 17) + (code[17] === '1' ? '2' : '1');
        await p.page.getByLabel('统一社会信用代码').fill(typo);
        await p.page.getByRole('button', { name: /查\s*询/ }).click();
        const fieldError = p.page.locator('.ant-form-item-explain-error');
        await expect.poll(() => fieldError.textContent()).toContain(`第 18 位校验码应为“${code[17]}”`);
        // Not the old answer: the holder is not said to have no license.
        expect(await p.page.getByText('该主体没有此类证照').count()).toBe(0);
        expect(await p.page.getByTestId('lookup-result').count()).toBe(0);
        // The deliberate 400 is the only console error.
        expect(p.errors.filter((e) => !(e.includes('400') && e.includes('/api/v1/exchange/licenses/')))).toEqual([]);
        p.clearConsole();

        const changed = await api(t, 'POST', `/api/v1/licenses/${suspended.identifier}/suspend`, { token: t.issuer.token, body: { reason: '歇业' } });
        expect(changed.status).toBe(200);
        await p.page.getByLabel('统一社会信用代码').fill(code);
        await p.page.getByRole('button', { name: /查\s*询/ }).click();
        const result = p.page.getByTestId('lookup-result');
        await result.waitFor();
        const warning = result.getByTestId('suspended-warning');
        await warning.waitFor();
        expect(await warning.getAttribute('class')).toContain('ant-alert-warning');
        expect(await warning.textContent()).toContain('该证照已被暂停，暂停期间不具有效力');
        // At the top: above the fields.
        const [top, firstField] = await Promise.all([warning.boundingBox(), result.locator('[data-field]').first().boundingBox()]);
        expect(top!.y).toBeLessThan(firstField!.y);
        expect((await horizontalOverflow(p.page)).scrollWidth).toBeLessThanOrEqual(viewport.width);
        await screenshot(p.page, `consumer-lookup-suspended-${viewport.width}`);
        await checkAccessibility(p.page, 'the counter lookup (suspended)');
        expectNoConsoleErrors(p, 'the counter lookup (suspended)');
      } finally {
        await p.context.close();
      }
    });
  }

  it('is usable at phone width', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    await signIn(phone.page, clerk, '/consumer/lookup');
    for (const path of ['/consumer', '/consumer/lookup', '/consumer/agreements', '/consumer/request?resource=business-license']) {
      await phone.page.goto(new URL(path, t.url).href);
      await phone.page.getByRole('heading', { level: 1 }).waitFor();
      await phone.page.waitForLoadState('networkidle');
      const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
      expect(scrollWidth, `${path} at phone width`).toBeLessThanOrEqual(innerWidth);
    }
    await screenshot(phone.page, 'consumer-lookup-phone');
    expectNoConsoleErrors(phone, 'the consumer pages at phone width');
    await phone.context.close();
  });
});
