/**
 * The console's front door in a real browser: `/` shows the sign-in page in Chinese, and the
 * language switch turns the page (and Ant Design's own words) into English, and stays.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, launchBrowser, openPage, screenshot, titled, type ConsolePage } from './browser.ts';

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

describe.skipIf(!HAS_CHROMIUM)(titled('signing in (Chromium)'), () => {
  it('/ shows the sign-in page in Chinese; the language switch turns it into English and is remembered', async () => {
    const { page } = desktop;
    await page.goto(t.url);
    await page.waitForURL(/\/sign-in$/);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.textContent()).toBe('登录');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByLabel('用户名').count()).toBe(1);
    expect(await page.getByLabel('密码').count()).toBe(1);
    expect(await page.getByText('企业用户请使用统一社会信用代码登录').count()).toBe(1);
    expect(await page.title()).toContain('电子证照共享平台');
    await screenshot(page, 'sign-in');
    await checkAccessibility(page, 'the sign-in page');

    // An empty form is refused in the page, in Chinese.
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByText('请输入用户名').waitFor();

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByText('Enter your username').count()).toBe(1);
    expect(await page.title()).toContain('License Sharing Platform');
    await screenshot(page, 'sign-in-en');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    expectNoConsoleErrors(desktop, 'the sign-in page');
  });

  it('a signed-in page asked for without a session leads to sign-in and back', async () => {
    const { page } = desktop;
    await page.goto(new URL('/issuer/requests', t.url).href);
    await page.waitForURL(/\/sign-in\?next=%2Fissuer%2Frequests$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登录');
    expectNoConsoleErrors(desktop, 'the sign-in redirect');
  });

  it("honours the reader's system setting for less motion: Ant Design's transitions take no time, and take time without it", async () => {
    const durationOf = async (reducedMotion: 'reduce' | 'no-preference') => {
      const { page, context } = await openPage(browser, { reducedMotion });
      await page.goto(new URL('/sign-in', t.url).href);
      const button = page.getByRole('button', { name: /登\s*录/ });
      await button.waitFor();
      const duration = await button.evaluate((element) => getComputedStyle(element).transitionDuration);
      await context.close();
      return duration;
    };
    expect(await durationOf('reduce')).toMatch(/^0s(, 0s)*$/);
    expect(await durationOf('no-preference')).not.toMatch(/^0s(, 0s)*$/);
  });
});
