/**
 * The guided tours in a real browser. In practice mode an issuer's clerk runs the issuing tour at
 * 1366 px from the banner: it opens the issuing dialog, walks the generated form field by field
 * filling each example, presses submit and ends on the license issued — in the practice registry,
 * not the real one. The approving tour opens the copy's request and approves it through the
 * decision form. A consumer's clerk walks the requesting tour to the request sent. An enterprise
 * starts the objecting tour on a phone (375 px) outside practice: it agrees to switch into practice,
 * walks the objection form with examples and submits it into practice; its real objections stay as
 * they were. A coordinator starts the deciding tour from the help page and decides the copy's
 * appeal. "Back" closes what a step opened and reopens it; after a submit it is barred, saying why.
 * axe, no console errors.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPracticeCode } from '../../src/platform/practiceCodes.ts';
import { person } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, signInAs, titled, type ConsolePage } from './browser.ts';

const WIDE = { width: 1366, height: 900 };
const PASSWORD = 'enterprise password 1';

let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const tourOf = (page: Page): Locator => page.locator('.ant-tour:visible');

/** Waits for the tour's step titled `title`, pointing at its element (the "not on this page" note not shown). */
async function at(page: Page, title: string) {
  const tour = tourOf(page);
  await tour.locator('.ant-tour-title').filter({ hasText: new RegExp(`^${title}$`) }).waitFor({ timeout: 30_000 });
  expect(await tour.getByText('本页尚无此项').count(), `${title}: its element`).toBe(0);
}

/** The tour's step titled `title`: fills its example when asked, and goes on with the button `next`. */
async function step(page: Page, title: string, { fill = false, next = '下一步' }: { fill?: boolean; next?: string | RegExp } = {}) {
  const tour = tourOf(page);
  await at(page, title);
  if (fill) {
    await tour.locator('[data-tour-example]').click();
  }
  await tour.getByRole('button', { name: next }).click();
}

/** A clerk of `of` in practice mode, on `home`. */
async function practising(p: ConsolePage, of: TestPlatform['issuer'], role: 'issuer' | 'consumer', name: string, home: string) {
  const clerk = await person(t, of, role, name);
  await signInAs(p.page, t.url, clerk, home);
  await p.page.waitForLoadState('networkidle');
  await p.page.locator('[data-practice-switch]').click();
  await p.page.locator('[data-practice-banner]').waitFor();
  await p.page.getByText('已进入练习模式').waitFor();
}

/** The practice session's own answer (the console's session cookie). */
const inSession = (page: Page, path: string) => page.evaluate(async (url) => (await fetch(url)).json(), path);

describe.skipIf(!HAS_CHROMIUM)(titled('guided tours (Chromium)'), () => {
  it('the issuing tour walks the issuing form field by field, filling practice examples, and ends on the license issued in the practice registry', async () => {
    const desktop = await openPage(browser, { viewport: WIDE });
    const { page } = desktop;
    const realBefore = (await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.issuer.token })).body.items.map((l: { identifier: string }) => l.identifier);
    await practising(desktop, t.issuer, 'issuer', '钱引导', '/issuer');
    const practice = (await inSession(page, '/api/v1/session/practice')) as { copy: { enterprises: { holderCode: string; name: string; seededLicense: boolean }[] } };
    const target = practice.copy.enterprises.find((e) => !e.seededLicense)!;

    const banner = page.locator('[data-practice-banner]');
    await banner.getByRole('button', { name: /开始引导/ }).click();
    await page.getByRole('menuitem', { name: '签发证照' }).click();
    await step(page, '查找证照');
    await step(page, '签发证照');
    // The tour opened the dialog; back closes it (the step before is the button under it), next opens it again.
    await at(page, '证照类型');
    await tourOf(page).getByRole('button', { name: '上一步' }).click();
    await at(page, '签发证照');
    await page.locator('.ant-modal:visible [data-tour="issue-type"]').waitFor({ state: 'detached' });
    await step(page, '签发证照');
    await step(page, '证照类型', { fill: true });
    await page.locator('.ant-modal-title').getByText('签发营业执照（设立）').waitFor();
    await step(page, '统一社会信用代码', { fill: true });
    expect(await page.locator('[data-tour="field-/holder/code"] input').inputValue()).toBe(target.holderCode);
    await screenshot(page, 'tour-issuing-code');
    await step(page, '企业名称', { fill: true });
    expect(await page.locator('[data-tour="field-/data/name"] input').inputValue()).toBe(target.name);
    for (const title of ['企业类型', '法定代表人', '注册资本', '成立日期', '营业期限', '住所', '经营范围']) await step(page, title, { fill: true });
    expect(await page.locator('[data-tour="field-/data/establishedOn"] input').inputValue()).toContain('2020');
    await step(page, '登记机关和发照日期');
    await checkAccessibility(page, 'the issuing tour on the form');
    await step(page, '签发', { next: '提交并继续' });
    // Issued: the tour is on the license's page, then the registry.
    await at(page, '签发完成');
    expect(new URL(page.url()).pathname).toMatch(/^\/issuer\/licenses\//);
    // Issued cannot be undone: no way back to the form.
    expect(await tourOf(page).locator('[data-tour-back-barred] button').isDisabled()).toBe(true);
    const identifier = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await step(page, '签发完成');
    await at(page, '证照登记簿');
    expect(await page.locator('[data-tour="registry-first"]').textContent()).toBe(target.name);
    await tourOf(page).getByRole('button', { name: /完\s*成/ }).click();
    await tourOf(page).waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
    expect(await tourOf(page).count()).toBe(0);

    // In the practice registry (the session's), with the example's data; not in the real one.
    const registry = (await inSession(page, '/api/v1/licenses?limit=200')) as { items: { identifier: string; holderCode: string }[] };
    expect(registry.items.find((l) => l.identifier === identifier)?.holderCode).toBe(target.holderCode);
    expect(isPracticeCode(target.holderCode)).toBe(true);
    const issued = (await inSession(page, `/api/v1/licenses/${encodeURIComponent(identifier)}`)) as { data: Record<string, unknown> };
    expect(issued.data).toMatchObject({ name: target.name, legalRepresentative: '张练习', establishedOn: '2020-05-18', domicile: '山东省济南市历下区练习路1号' });
    const realAfter = (await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.issuer.token })).body.items.map((l: { identifier: string }) => l.identifier);
    expect(realAfter).toEqual(realBefore);
    expect(realAfter).not.toContain(identifier);
    expect((await api(t, 'GET', `/api/v1/licenses/${encodeURIComponent(identifier)}`, { token: t.issuer.token })).status).not.toBe(200);
    expectNoConsoleErrors(desktop, 'the issuing tour');

    // The approving tour: the copy's request, opened and approved through the decision form.
    await banner.getByRole('button', { name: /开始引导/ }).click();
    await page.getByRole('menuitem', { name: '审批共享申请' }).click();
    await step(page, '共享申请');
    await step(page, '答复期限');
    // The tour opened the request's drawer; back closes it (the deadline lies under it), next opens it again.
    await at(page, '打开申请');
    await tourOf(page).getByRole('button', { name: '上一步' }).click();
    await at(page, '答复期限');
    await page.locator('.ant-drawer [data-tour="request-decide"]').waitFor({ state: 'detached' });
    await step(page, '答复期限');
    await step(page, '打开申请');
    await step(page, '授予字段');
    await step(page, '审批理由', { fill: true });
    expect(await page.locator('[data-tour="decision-reason"] textarea').inputValue()).toContain('同意共享');
    await checkAccessibility(page, 'the approving tour on the decision form');
    await step(page, '提交审批', { next: '提交并继续' });
    await step(page, '审批完成', { next: /完\s*成/ });
    const agreements = (await inSession(page, '/api/v1/agreements?role=owner&limit=100')) as { items: { status: string; decision?: { reason?: string } }[] };
    expect(agreements.items.map((a) => a.status)).toContain('active');
    expect(agreements.items.find((a) => a.status === 'active')?.decision?.reason).toContain('练习');
    expectNoConsoleErrors(desktop, 'the approving tour');
    await desktop.context.close();
  }, 300_000);

  it('the requesting tour walks a consumer through the request form to the request sent, in practice', async () => {
    const desktop = await openPage(browser, { viewport: WIDE });
    const { page } = desktop;
    const realAgreements = (await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.consumer.token })).body.total;
    await practising(desktop, t.consumer, 'consumer', '孙引导', '/consumer');
    const before = ((await inSession(page, '/api/v1/agreements?role=consumer&limit=100')) as { total: number }).total;

    await page.locator('[data-practice-banner]').getByRole('button', { name: /开始引导/ }).click();
    await step(page, '浏览目录');
    await step(page, '数据资源');
    await step(page, '申请共享');
    await step(page, '共享条件');
    // Back turns the form's page back; next turns it again.
    await at(page, '选择字段');
    await tourOf(page).getByRole('button', { name: '上一步' }).click();
    await at(page, '共享条件');
    expect(await page.locator('[data-tour="request-fields"]').isVisible()).toBe(false);
    await step(page, '共享条件');
    await at(page, '选择字段');
    await page.locator('[data-tour="request-fields"] .ant-table-row .ant-checkbox-input').first().check();
    await step(page, '选择字段');
    await at(page, '用途');
    await page.locator('[data-tour="request-purpose"] .ant-select').first().click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await step(page, '用途');
    await step(page, '具体用途', { fill: true });
    await step(page, '法律依据', { fill: true });
    await step(page, '提交申请', { next: '提交并继续' });
    await at(page, '已提交');
    expect(await page.getByTestId('request-result').count()).toBe(1);
    await checkAccessibility(page, 'the requesting tour, sent');
    await step(page, '已提交', { next: /完\s*成/ });

    const after = (await inSession(page, '/api/v1/agreements?role=consumer&limit=100')) as { total: number; items: { purposeDescription: string }[] };
    expect(after.total).toBe(before + 1);
    expect(after.items.map((a) => a.purposeDescription)).toContain('办理企业登记业务时核验企业名称和法定代表人（练习）。');
    expect((await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.consumer.token })).body.total).toBe(realAgreements);
    expectNoConsoleErrors(desktop, 'the requesting tour');
    await desktop.context.close();
  }, 180_000);

  it('an enterprise starts the objecting tour outside practice: it agrees to switch into practice, walks the form with examples (back closes and reopens it), submits into practice, and its real objections are unchanged', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest({ businessTermTo: null }) });
    expect(issued.status).toBe(201);
    const holderCode = issued.body.holder.code as string;
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode, password: PASSWORD } })).status).toBe(201);
    const realToken = (await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password: PASSWORD } })).body.access_token as string;
    const realBefore = (await api(t, 'GET', '/api/v1/objections', { token: realToken })).body.items;
    const issuerBefore = (await api(t, 'GET', '/api/v1/objections?limit=100', { token: t.issuer.token })).body.items.map((o: { id: string }) => o.id);

    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    const { page } = phone;
    await signInAs(page, t.url, { username: holderCode, password: PASSWORD }, '/enterprise');
    await page.getByRole('heading', { level: 1, name: '我的证照' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('[data-practice-mode]').getAttribute('data-practice-mode')).toBe('off');

    // Outside practice the tour asks first, then switches into practice and starts.
    await page.getByRole('button', { name: /如何对证照提出异议/ }).click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm.locator('.ant-modal-confirm-title').getByText('先进入练习模式？').waitFor();
    await confirm.getByRole('button', { name: '进入练习并开始' }).click();
    await page.locator('[data-practice-banner]').waitFor();
    expect(await page.locator('[data-practice-mode]').getAttribute('data-practice-mode')).toBe('on');
    const practice = (await inSession(page, '/api/v1/session/practice')) as { copy: { holderCode: string } };
    expect(isPracticeCode(practice.copy.holderCode)).toBe(true);

    await step(page, '提出异议');
    await at(page, '有误的栏目');
    expect(await page.locator('.ant-modal:visible [data-tour="objection-fields"]').count()).toBe(1);
    // Back: the step before, as it was — the form it opened closed; next opens it again.
    await tourOf(page).getByRole('button', { name: '上一步' }).click();
    await at(page, '提出异议');
    await page.locator('[data-tour="objection-fields"]').waitFor({ state: 'detached' });
    await step(page, '提出异议');
    await step(page, '有误的栏目', { fill: true });
    await step(page, '正确的内容', { fill: true });
    expect(await page.locator('[data-proposed-field="domicile"]').inputValue()).toBe('山东省济南市历下区练习路2号');
    await step(page, '异议理由', { fill: true });
    await step(page, '证明材料', { fill: true });
    await screenshot(page, 'tour-objecting-phone');
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await checkAccessibility(page, 'the objecting tour on a phone');
    await step(page, '提交异议', { next: '提交并继续' });
    await at(page, '异议已提交');
    // What was submitted stays submitted: no way back, and the tour says why.
    expect(await tourOf(page).locator('[data-tour-back-barred] button').isDisabled()).toBe(true);
    expect(await tourOf(page).getByTestId('tour-back-barred').textContent()).toContain('不能撤回');
    await checkAccessibility(page, 'the objecting tour, submitted');
    await step(page, '异议已提交', { next: /完\s*成/ });

    // Submitted into practice: the practice enterprise's objection, on the copy's license.
    const mine = (await inSession(page, '/api/v1/objections')) as { items: { id: string; fields: string[]; holderCode: string; issuerCode: string; reason: string }[] };
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ fields: ['domicile'], holderCode: practice.copy.holderCode });
    expect(isPracticeCode(mine.items[0].issuerCode)).toBe(true);
    expect(mine.items[0].reason).toContain('练习');
    // The real objections are unchanged: the enterprise's own (its access token) and the issuer's.
    expect((await api(t, 'GET', '/api/v1/objections', { token: realToken })).body.items).toEqual(realBefore);
    expect((await api(t, 'GET', '/api/v1/objections?limit=100', { token: t.issuer.token })).body.items.map((o: { id: string }) => o.id)).toEqual(issuerBefore);
    expectNoConsoleErrors(phone, 'the objecting tour');
    await phone.context.close();
  }, 180_000);

  it("the help page starts the coordinator's tour: it switches into practice on confirmation and walks the appeal's decision form, back reopening nothing it should not, to the appeal decided in practice only", async () => {
    const realBefore = (await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.coordinator.token })).body;
    const desktop = await openPage(browser, { viewport: WIDE });
    const { page } = desktop;
    const clerk = await person(t, t.coordinator, 'coordinator', '周引导');
    await signInAs(page, t.url, clerk, '/help');
    await page.waitForLoadState('networkidle');
    const help = page.getByTestId('help-tour-coordinator');
    await help.waitFor();
    await checkAccessibility(page, 'the help page with its tour button');
    await help.getByRole('button', { name: /开始引导/ }).click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: '进入练习并开始' }).click();
    await page.locator('[data-practice-banner]').waitFor();

    await step(page, '升级与申诉');
    expect(new URL(page.url()).pathname).toBe('/coordinator/escalations');
    await step(page, '打开申诉');
    await at(page, '申请与理由');
    expect(await page.locator('.ant-modal:visible [data-tour="escalation-case"]').count()).toBe(1);
    await tourOf(page).getByRole('button', { name: '上一步' }).click();
    await at(page, '打开申诉');
    await page.locator('.ant-modal:visible [data-tour="escalation-case"]').waitFor({ state: 'detached' });
    await step(page, '打开申诉');
    await step(page, '申请与理由');
    await step(page, '裁决');
    await step(page, '开通字段');
    await step(page, '裁决理由', { fill: true });
    expect(await page.locator('[data-tour="escalation-reason"] textarea').inputValue()).toContain('支持申诉');
    await checkAccessibility(page, 'the deciding tour on the decision form');
    await step(page, '提交裁决', { next: '提交并继续' });
    await at(page, '裁决完成');
    const barred = tourOf(page).locator('[data-tour-back-barred]');
    expect(await barred.locator('button').isDisabled()).toBe(true);
    await barred.hover();
    await page.locator('.ant-tooltip:visible').getByText('不能撤回', { exact: false }).waitFor();
    await step(page, '裁决完成', { next: /完\s*成/ });

    // Decided in practice: the copy's appeal upheld, the request active; nothing real changed.
    const decided = (await inSession(page, '/api/v1/agreements?limit=100')) as { items: { status: string; appeal?: { status: string } }[] };
    expect(decided.items.map((a) => a.status)).toContain('active');
    expect((await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.coordinator.token })).body).toEqual(realBefore);
    expectNoConsoleErrors(desktop, 'the deciding tour');
    await desktop.context.close();
  }, 180_000);
});
