/**
 * Practice mode (练习模式) in a real browser: an issuer's clerk switches into practice from the
 * header, the banner shows on every page visited, a license is issued in practice and shows in the
 * practice registry, the guided tour starts from the banner, a reset starts the copy over, the
 * clerk leaves practice — and the real registry and the API show nothing changed. An enterprise
 * has the same switch: its practice self (the example enterprise of a copy of its own) from the
 * first page drawn, after a reload and in a second tab, every page of the portal working in it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPracticeCode } from '../../src/platform/practiceCodes.ts';
import { person } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, screenshot, signInAs, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** What is real: the issuer's registry, the office's registry, agreements and departments, as the API gives them. */
async function realState() {
  const issuer = await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.issuer.token });
  const office = await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.coordinator.token });
  const agreements = await api(t, 'GET', '/api/v1/agreements?limit=100', { token: t.coordinator.token });
  const departments = await api(t, 'GET', '/api/v1/departments', { token: t.coordinator.token });
  const catalog = await api(t, 'GET', '/api/v1/catalog?limit=200', { token: t.consumer.token });
  return {
    issuer: issuer.body.items.map((l: { identifier: string }) => l.identifier).sort(),
    office: office.body.items.map((l: { identifier: string }) => l.identifier).sort(),
    agreements: agreements.body.total,
    departments: departments.body.map((d: { code: string }) => d.code).sort(),
    catalog: catalog.body.items.map((r: { id: string }) => r.id).sort(),
  };
}

async function signIn(p: ConsolePage, username: string, password: string) {
  await p.page.goto(new URL('/sign-in', t.url).href);
  await p.page.getByLabel('用户名').fill(username);
  await p.page.getByLabel('密码').fill(password);
  await p.page.getByRole('button', { name: /登\s*录/ }).click();
  await p.page.waitForURL(/\/issuer$/);
}

describe.skipIf(!HAS_CHROMIUM)(titled('practice mode (Chromium)'), () => {
  it('changes nothing outside it', async () => {
    const { page } = desktop;
    // Something real first: a license of the real issuer.
    expect((await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() })).status).toBe(201);
    const clerk = await person(t, t.issuer, 'issuer', '李练习');
    const before = await realState();

    await signIn(desktop, clerk.username, clerk.password);
    const banner = page.locator('[data-practice-banner]');
    expect(await banner.count()).toBe(0);
    await page.locator('[data-practice-switch]').click();
    await banner.waitFor();
    expect(await banner.textContent()).toContain('练习模式');
    expect(await banner.textContent()).toContain('（练习）');
    await page.getByText('已进入练习模式').waitFor();

    // The banner on every page visited, through the menu and by address.
    for (const [label, path] of [['共享申请', '/issuer/requests'], ['部门消息', '/issuer/inbox'], ['批量导入', '/issuer/import'], ['证照登记簿', '/issuer']] as const) {
      await page.getByRole('menuitem', { name: label }).click();
      await page.waitForURL(new RegExp(`${path}$`));
      await banner.waitFor();
    }
    await page.goto(new URL('/issuer/requests', t.url).href);
    await banner.waitFor();
    await screenshot(page, 'practice-banner');
    await checkAccessibility(page, 'a page in practice mode');

    // Issue a license in practice, as the console does (the session and its CSRF token).
    const issued = (await page.evaluate(async (request) => {
      const session = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const practice = (await (await fetch('/api/v1/session/practice')).json()) as { copy: { enterprises: { holderCode: string; name: string; seededLicense: boolean }[] } };
      const target = practice.copy.enterprises.find((e) => !e.seededLicense)!;
      const answer = await fetch('/api/v1/licenses', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ ...request, holder: { code: target.holderCode }, data: { ...request.data, name: target.name } }),
      });
      return { status: answer.status, holderCode: target.holderCode };
    }, licenseRequest())) as { status: number; holderCode: string };
    expect(issued.status).toBe(201);
    expect(isPracticeCode(issued.holderCode)).toBe(true);
    await page.goto(new URL('/issuer', t.url).href);
    await banner.waitFor();
    await page.getByText(issued.holderCode).first().waitFor();

    // The guided tour starts from the banner.
    await banner.getByRole('button', { name: /开始引导/ }).click();
    await page.getByRole('menuitem', { name: '签发证照' }).click();
    await page.locator('.ant-tour').getByText('查找证照').waitFor();
    await screenshot(page, 'practice-tour');
    await page.locator('.ant-tour').getByRole('button', { name: '下一步' }).click();
    await page.locator('.ant-tour').getByText('签发证照').first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.ant-tour-close').first().click({ timeout: 2000 }).catch(() => undefined);

    // Reset: the copy starts over, without the license issued in it.
    await banner.getByRole('button', { name: /重置练习/ }).click();
    await page.getByRole('button', { name: /确\s*定/ }).click();
    // Seeding a fresh copy signs its licenses: seconds on a quiet machine, more under CI's load.
    await page.getByText('练习副本已重置').waitFor({ timeout: 90_000 });
    await page.getByRole('table').waitFor();
    await page.waitForFunction((code) => !document.body.innerText.includes(code), issued.holderCode);

    // Leave practice: no banner, the real department again.
    await banner.getByRole('button', { name: /退出练习/ }).click();
    await page.getByText('已退出练习模式').waitFor();
    await banner.waitFor({ state: 'detached' });
    expect(await page.locator('header').textContent()).toContain(t.issuer.department.name);

    // Nothing real changed: the registries, the agreements, the departments, the catalog.
    expect(await realState()).toEqual(before);
    expectNoConsoleErrors(desktop, 'practice mode');
  }, 240_000);

  it('is a property of the session: its colours and banner from the first page drawn, after a reload and in a second tab; a new sign-in is real work; every page of each role works in it', async () => {
    for (const [role, of, home] of [
      ['issuer', t.issuer, '/issuer'],
      ['consumer', t.consumer, '/consumer'],
      ['coordinator', t.coordinator, '/coordinator'],
    ] as const) {
      const tab = await openPage(browser);
      const { page } = tab;
      const clerk = await person(t, of, role, `会话${role}`);
      await signInAs(page, t.url, clerk, home);
      const mode = page.locator('[data-practice-mode]');
      expect(await mode.getAttribute('data-practice-mode')).toBe('off');
      // The real home page's requests answered first (one in flight when the session switches is refused: the page is left).
      await page.waitForLoadState('networkidle');
      await page.locator('[data-practice-switch]').click();
      await page.locator('[data-practice-banner]').waitFor();
      expect(await mode.getAttribute('data-practice-mode')).toBe('on');

      // A reload: the session says practice before anything is drawn — the first frame of the shell is practice's.
      await page.reload();
      await mode.waitFor();
      expect(await mode.getAttribute('data-practice-mode'), `${role} after a reload`).toBe('on');
      expect(await page.locator('[data-practice-banner]').count()).toBe(1);
      // A second tab of the same session: practice too.
      const second = await tab.context.newPage();
      await second.goto(new URL(home, t.url).href);
      await second.locator('[data-practice-mode="on"]').waitFor();
      await second.locator('[data-practice-banner]').waitFor();
      await second.close();

      // Every page of the role's menu works in practice: no refusal, no error.
      const items = await page.locator('.ant-layout-sider [role="menuitem"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(items.length, role).toBeGreaterThan(2);
      for (const href of items) {
        await page.goto(new URL(href, t.url).href);
        await page
          .locator('main h1, main h2')
          .first()
          .waitFor()
          .catch(() => {
            throw new Error(`${role} ${href} in practice: no page heading (${page.url()})`);
          });
        await page.locator('[data-practice-banner]').waitFor();
        // What the page loads, loaded (a refusal shows as an error alert or 无权 text).
        await page.waitForLoadState('networkidle');
        const text = await page.locator('main').innerText();
        expect(text, `${role} ${href} in practice`).not.toMatch(/无权|当前账号无权/);
        expect(await page.locator('main .ant-alert-error').count(), `${role} ${href} in practice: an error alert`).toBe(0);
      }
      await screenshot(page, `practice-${role}`);
      await checkAccessibility(page, `${role} in practice mode`);
      // The province's ranking is real departments' figures: left out of practice, and says so when typed in.
      expect(items).not.toContain(`${home}/evaluation`);
      await page.goto(new URL(`${home}/evaluation`, t.url).href);
      await page.getByTestId('real-only').waitFor();
      expect(await page.getByTestId('real-only').textContent()).toContain('练习模式下没有这个页面');

      // Signed out and in again (a new session): real work, the real colours, no banner.
      await page.getByRole('button', { name: /退出登录/ }).click();
      await page.waitForURL(/\/sign-in/);
      await signInAs(page, t.url, clerk, home);
      await mode.waitFor();
      expect(await mode.getAttribute('data-practice-mode'), `${role} signed in again`).toBe('off');
      expect(await page.locator('[data-practice-banner]').count()).toBe(0);
      expectNoConsoleErrors(tab, `${role} in practice mode`);
      await tab.context.close();
    }
  }, 600_000);

  it('the banner fits a phone', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    const clerk = await person(t, t.issuer, 'issuer', '赵练习');
    await signIn(phone, clerk.username, clerk.password);
    // On a phone the header is one row; practice mode is in the menu's drawer with the account.
    await phone.page.getByRole('button', { name: '菜单' }).click();
    await phone.page.locator('[data-practice-switch]').click();
    await phone.page.locator('[data-practice-banner]').waitFor();
    await screenshot(phone.page, 'practice-banner-phone');
    const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await checkAccessibility(phone.page, 'practice mode on a phone');
    expectNoConsoleErrors(phone, 'practice mode on a phone');
    await phone.context.close();
  }, 120_000);

  it("an enterprise's practice switch: its practice self from sign-in, after a reload and in a second tab, every page of the portal working in it, nothing real reachable or changed", async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    expect(issued.status).toBe(201);
    const holderCode = issued.body.holder.code as string;
    const password = 'enterprise password 1';
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode, password } })).status).toBe(201);
    const realToken = (await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode, password } })).body.access_token as string;
    const real = async () => ({
      licenses: (await api(t, 'GET', `/api/v1/holders/${holderCode}/licenses`, { token: realToken })).body,
      objections: (await api(t, 'GET', '/api/v1/objections', { token: realToken })).body.items,
      issuer: (await api(t, 'GET', '/api/v1/licenses?limit=200', { token: t.issuer.token })).body.items.map((l: { identifier: string }) => l.identifier).sort(),
    });
    const before = await real();

    const tab = await openPage(browser, { viewport: { width: 1366, height: 900 } });
    const { page } = tab;
    await signInAs(page, t.url, { username: holderCode, password }, '/enterprise');
    const mode = page.locator('[data-practice-mode]');
    const banner = page.locator('[data-practice-banner]');
    await page.getByRole('heading', { level: 1, name: '我的证照' }).waitFor();
    expect(await mode.getAttribute('data-practice-mode')).toBe('off');
    expect(await banner.count()).toBe(0);
    await page.getByText(issued.body.data.name as string).first().waitFor();
    await page.waitForLoadState('networkidle');

    await page.locator('[data-practice-switch]').click();
    await banner.waitFor();
    await page.getByText('已进入练习模式').waitFor();
    expect(await mode.getAttribute('data-practice-mode')).toBe('on');
    const session = (await page.evaluate(async () => (await fetch('/api/v1/session')).json())) as { principal: { kind: string; holderCode: string; name: string; practice: boolean } };
    expect(session.principal).toMatchObject({ kind: 'holder', practice: true });
    expect(isPracticeCode(session.principal.holderCode)).toBe(true);
    expect(await banner.textContent()).toContain(session.principal.name);
    // The portal is the practice enterprise's: its practice license, not the real one.
    await page.getByText(session.principal.name).first().waitFor();
    expect(await page.locator('main').innerText()).not.toContain(issued.body.data.name as string);
    await screenshot(page, 'practice-enterprise');
    await checkAccessibility(page, 'the enterprise in practice mode');

    // A reload: the session says practice before anything is drawn.
    await page.reload();
    await mode.waitFor();
    expect(await mode.getAttribute('data-practice-mode'), 'after a reload').toBe('on');
    expect(await banner.count()).toBe(1);
    // A second tab of the same session: practice too.
    const second = await tab.context.newPage();
    await second.goto(new URL('/enterprise', t.url).href);
    await second.locator('[data-practice-mode="on"]').waitFor();
    await second.locator('[data-practice-banner]').waitFor();
    await second.close();

    // Every page of the portal works in practice: no refusal, no error.
    const items = await page.locator('.ant-layout-sider [role="menuitem"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
    expect(items.length).toBeGreaterThan(2);
    for (const href of items) {
      await page.goto(new URL(href, t.url).href);
      await page.locator('main h1, main h2').first().waitFor();
      await banner.waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.locator('main').innerText(), `${href} in practice`).not.toMatch(/无权|当前账号无权/);
      expect(await page.locator('main .ant-alert-error').count(), `${href} in practice: an error alert`).toBe(0);
      expect(await page.locator('main').innerText(), `${href} in practice: nothing real`).not.toContain(holderCode);
    }

    // Leave practice: the real enterprise again; sign out and in: real work.
    await page.goto(new URL('/enterprise', t.url).href);
    await banner.getByRole('button', { name: /退出练习/ }).click();
    await page.getByText('已退出练习模式').waitFor();
    await banner.waitFor({ state: 'detached' });
    await page.getByText(issued.body.data.name as string).first().waitFor();
    await page.locator('[data-practice-switch]').click();
    await banner.waitFor();
    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.waitForURL(/\/sign-in/);
    await signInAs(page, t.url, { username: holderCode, password }, '/enterprise');
    await mode.waitFor();
    expect(await mode.getAttribute('data-practice-mode'), 'signed in again').toBe('off');
    expect(await banner.count()).toBe(0);

    expect(await real()).toEqual(before);
    expectNoConsoleErrors(tab, 'the enterprise in practice mode');
    await tab.context.close();
  }, 240_000);
});
