/**
 * Objections (数据异议) in the console, in a real browser: a tax clerk looks a license up at the
 * counter and objects to its name with a file of evidence; the lookup then warns it is under
 * objection; the market regulator's staff finds it in the queue, checks the evidence's SHA-256 and
 * accepts it with the corrected name (the license gets version 2); a rejected objection is
 * escalated from "my objections" and the coordination office decides it finally; the enterprise
 * objects to its own license from "my licenses". Every page: axe, no console errors; the queue
 * on a phone without sideways scrolling.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgreement, businessLicenseResource, registerResource } from '../agreements/support.ts';
import { person } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, titled } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let license: { identifier: string; holder: { code: string }; data: Record<string, unknown> };
let other: { identifier: string; holder: { code: string } };
const EVIDENCE = Buffer.from(`%PDF-1.4 税务登记表（测试）${Date.now()}`);
const PASSWORD = 'enterprise password 1';

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  await registerResource(t, t.issuer, businessLicenseResource());
  await activeAgreement(t, t.consumer, t.issuer, { fields: ['name', 'domicile'] });
  for (const target of ['license', 'other'] as const) {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest({ businessTermTo: null }) });
    expect(issued.status).toBe(201);
    if (target === 'license') license = issued.body;
    else other = issued.body;
  }
  expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: other.holder.code, password: PASSWORD } })).status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(page: Page, who: { username: string; password: string }, next: string) {
  await page.goto(new URL(`/sign-in?next=${encodeURIComponent(next)}`, t.url).href);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname === next, { timeout: 60_000 });
}

async function choose(page: Page, label: string, option: string | RegExp) {
  await page.getByLabel(label).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
}

/** Picks `option` in the multiple select labelled `label`, and waits until it shows as chosen (a loaded machine may drop a click). */
async function pick(page: Page, label: string, option: string) {
  const chosen = page.locator('.ant-modal .ant-select-selection-item').filter({ hasText: option });
  for (let attempt = 0; attempt < 3 && (await chosen.count()) === 0; attempt++) {
    await choose(page, label, option);
    await chosen.first().waitFor({ timeout: 5_000 }).catch(() => undefined);
  }
  await chosen.first().waitFor();
}

async function counterLookup(page: Page) {
  await page.goto(new URL('/consumer/lookup', t.url).href);
  await page.getByRole('heading', { level: 1, name: '证照查询' }).waitFor();
  await choose(page, '共享协议', /营业执照/);
  await page.getByLabel('统一社会信用代码').fill(license.holder.code);
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await page.getByTestId('lookup-result').waitFor();
}

/** Opens the drawer of the row of `holderCode` in an objections table. */
async function openRow(page: Page, holderCode: string) {
  const row = page.locator('.ant-table-row').filter({ hasText: holderCode }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.getByRole('button', { name: /查\s*看/ }).click();
  await page.locator('.ant-drawer').getByText(holderCode).first().waitFor();
}

describe.skipIf(!HAS_CHROMIUM)(titled('objections in the console (Chromium)'), () => {
  let objectionId: string;

  it('a tax clerk objects to the name from the lookup, with a file; the lookup then warns of the open objection', async () => {
    const clerk = await openPage(browser);
    const { page } = clerk;
    await signIn(page, await person(t, t.consumer, 'consumer', '李 柜台'), '/consumer/lookup');
    await counterLookup(page);
    expect(await page.getByTestId('under-objection').count()).toBe(0);
    await page.getByTestId('object-license').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('objection-license').textContent()).toBe(license.identifier);
    // Nothing chosen: the form says what is missing.
    await dialog.getByRole('button', { name: '提交异议' }).click();
    await dialog.getByText('请至少选择一个数据项').waitFor();
    await pick(page, '有误的数据项', '名称');
    await dialog.getByText('说明哪些数据有误及理由', { exact: false }).click();
    const proposed = dialog.locator('[data-proposed-field="name"]');
    await proposed.waitFor();
    expect(await dialog.getByText('建议更正为（可选） · 名称').count()).toBe(1);
    await proposed.fill('济南更正后科技有限公司');
    await dialog.getByLabel('异议理由').fill('与税务登记的名称不一致');
    await dialog.locator('input[type="file"]').setInputFiles({ name: '税务登记表.pdf', mimeType: 'application/pdf', buffer: EVIDENCE });
    await checkAccessibility(page, 'the objection form');
    await dialog.getByRole('button', { name: '提交异议' }).click();
    await page.getByText(/异议已提交，答复期限/).waitFor();
    await dialog.waitFor({ state: 'detached' });

    const mine = await api(t, 'GET', '/api/v1/objections?role=objector', { token: t.consumer.token });
    expect(mine.body.items).toHaveLength(1);
    objectionId = mine.body.items[0].id;
    expect(mine.body.items[0]).toMatchObject({ fields: ['name'], proposed: { name: '济南更正后科技有限公司' }, evidence: [{ name: '税务登记表.pdf', contentType: 'application/pdf' }] });

    await counterLookup(page);
    await page.getByTestId('under-objection').waitFor();
    await screenshot(page, 'objections-consumer-lookup');
    expectNoConsoleErrors(clerk, 'the lookup and the objection form');
    await clerk.context.close();
  });

  it('the issuer finds it in the queue, checks the evidence and accepts it with the corrected name', async () => {
    const staff = await openPage(browser);
    const { page } = staff;
    const issuerStaff = await person(t, t.issuer, 'issuer', '王 登记');
    await signIn(page, issuerStaff, '/issuer/objections');
    await page.getByRole('heading', { level: 1, name: '数据异议处理' }).waitFor();
    await openRow(page, license.holder.code);
    const drawer = page.locator('.ant-drawer');
    expect(await drawer.locator('[data-sha256]').textContent()).toBe(createHash('sha256').update(EVIDENCE).digest('hex'));
    expect(await drawer.getByRole('link', { name: /税务登记表\.pdf/ }).getAttribute('href')).toBe(`/api/v1/objections/${objectionId}/evidence/1`);
    const input = drawer.locator('[data-correct-field="name"]');
    // Prefilled with what the objector proposed.
    expect(await input.inputValue()).toBe('济南更正后科技有限公司');
    await screenshot(page, 'objections-issuer-drawer');
    await checkAccessibility(page, 'the objection drawer');
    await drawer.getByRole('button', { name: /提\s*交/ }).click();
    await drawer.getByTestId('objection-decision').waitFor();
    expect(await drawer.locator('[data-objection-status]').first().textContent()).toContain('已采纳');
    const amended = await api(t, 'GET', `/api/v1/licenses/${license.identifier}`, { token: t.issuer.token });
    expect(amended.body).toMatchObject({ version: 2, data: { name: '济南更正后科技有限公司' } });
    expectNoConsoleErrors(staff, 'the objection queue');

    // The queue on a phone: no sideways scrolling.
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    await signIn(phone.page, issuerStaff, '/issuer/objections');
    await phone.page.locator('.ant-table-row').first().waitFor({ timeout: 30_000 });
    const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth + 1);
    await screenshot(phone.page, 'objections-issuer-phone');
    await checkAccessibility(phone.page, 'the objection queue on a phone');
    expectNoConsoleErrors(phone, 'the objection queue on a phone');
    await phone.context.close();
    await staff.context.close();
  });

  it('a rejected objection is escalated from “my objections”; the coordination office decides it finally', async () => {
    const submitted = await api(t, 'POST', '/api/v1/objections', { token: t.consumer.token, body: { licenseIdentifier: other.identifier, fields: ['domicile'], reason: '住所与实地不符' } });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    expect((await api(t, 'POST', `/api/v1/objections/${id}/decision`, { token: t.issuer.token, body: { decision: 'reject', reason: '登记档案无误' } })).body.status).toBe('rejected');

    const clerk = await openPage(browser);
    await signIn(clerk.page, await person(t, t.consumer, 'consumer', '赵 柜台'), '/consumer/objections');
    await clerk.page.getByRole('heading', { level: 1, name: '我的数据异议' }).waitFor();
    await openRow(clerk.page, other.holder.code);
    const drawer = clerk.page.locator('.ant-drawer');
    await drawer.getByLabel('提请理由').fill('有实地核查记录为证');
    await drawer.getByRole('button', { name: '提请裁决' }).click();
    await expect.poll(async () => (await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.consumer.token })).body.status).toBe('escalated');
    await checkAccessibility(clerk.page, 'my objections');
    expectNoConsoleErrors(clerk, 'my objections');
    await clerk.context.close();

    const office = await openPage(browser);
    const { page } = office;
    await signIn(page, await person(t, t.coordinator, 'coordinator', '周 协调'), '/coordinator/objections');
    await page.getByRole('heading', { level: 1, name: '数据异议裁决' }).waitFor();
    await openRow(page, other.holder.code);
    const decide = page.locator('.ant-drawer').getByTestId('objection-decide');
    await decide.getByText('协调机构裁决（终局）').waitFor();
    await decide.getByText('不予采纳').click();
    await decide.getByRole('button', { name: /提\s*交/ }).click();
    await decide.getByText('不予采纳须说明理由').waitFor();
    await decide.getByLabel('理由').fill('经核查，登记住所无误');
    await decide.getByRole('button', { name: /提\s*交/ }).click();
    // The drawer already showed the department's decision: wait for the office's own.
    await page.locator('.ant-drawer').getByTestId('objection-decision').getByText('经核查，登记住所无误').waitFor();
    const decided = await api(t, 'GET', `/api/v1/objections/${id}`, { token: t.coordinator.token });
    expect(decided.body).toMatchObject({ status: 'rejected', final: true, decision: { byCoordinationOffice: true, reason: '经核查，登记住所无误' } });
    expect(decided.body.decision.decidedBy).toMatch(/^person:/);
    await checkAccessibility(page, 'the objections to decide');
    expectNoConsoleErrors(office, 'the objections to decide');
    await office.context.close();
  });

  it('the enterprise objects to its own license from “my licenses” and sees it in its list', async () => {
    const enterprise = await openPage(browser);
    const { page } = enterprise;
    await page.goto(new URL('/sign-in', t.url).href);
    await page.getByLabel('用户名').fill(other.holder.code);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('heading', { level: 1, name: '我的证照' }).waitFor({ timeout: 60_000 });
    await page.locator(`[data-object-license="${other.identifier}"]`).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await pick(page, '有误的数据项', '注册资本');
    await dialog.getByLabel('异议理由').fill('已增资，尚未更新');
    await dialog.getByRole('button', { name: '提交异议' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.goto(new URL('/enterprise/objections', t.url).href);
    await page.getByRole('heading', { level: 1, name: '我的数据异议' }).waitFor();
    const row = page.locator('.ant-table-row').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('注册资本');
    expect(await row.locator('[data-objection-status]').textContent()).toBe('待答复');
    expect(await page.locator('.ant-table-row').count()).toBe(1);
    await checkAccessibility(page, 'the enterprise’s objections');
    expectNoConsoleErrors(enterprise, 'the enterprise’s objections');
    await enterprise.context.close();

    // My licenses with the object action, on a phone: no sideways scrolling.
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    await phone.page.goto(new URL('/sign-in', t.url).href);
    await phone.page.getByLabel('用户名').fill(other.holder.code);
    await phone.page.getByLabel('密码').fill(PASSWORD);
    await phone.page.getByRole('button', { name: /登\s*录/ }).click();
    await phone.page.locator(`[data-object-license="${other.identifier}"]`).waitFor({ timeout: 60_000 });
    const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth + 1);
    await screenshot(phone.page, 'objections-enterprise-phone');
    expectNoConsoleErrors(phone, 'my licenses on a phone');
    await phone.context.close();
  });
});
