/**
 * The API reference pages in a real browser: Swagger UI (served from node_modules) renders the
 * document under the server's Content-Security-Policy with no console error, the Chinese page
 * titling the operations by their Chinese summaries.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectNoConsoleErrors, HAS_CHROMIUM, launchBrowser, openPage, screenshot, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let p: ConsolePage;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  p = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The operation titled `summary`, once Swagger UI has rendered the document. */
const operation = (summary: string) => p.page.locator('.opblock-summary-description', { hasText: summary }).first();

describe.skipIf(!HAS_CHROMIUM)(titled('the API reference pages'), () => {
  it('the Chinese page shows the project’s name and logo and the operations’ Chinese titles, with no console error', async () => {
    // Swagger UI renders only the operations in view (a virtual list): a deep link scrolls to one and opens it.
    await p.page.goto(`${t.url}/api/reference/zh#/licenses/postLicenses`);
    expect(await p.page.title()).toBe('CertBridge 电子证照共享平台 API');
    await operation('颁发证照').waitFor({ timeout: 30_000 });
    // The operation is open: its example request body is shown.
    await p.page.getByText('青岛华信农业发展有限公司').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => p.page.locator('header img[alt="CertBridge"]').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(p.page, 'api-reference-zh');
    expectNoConsoleErrors(p, '/api/reference/zh');
  });

  it('the English page shows the English summaries, with no console error', async () => {
    p.clearConsole();
    await p.page.goto(`${t.url}/api/reference`);
    expect(await p.page.title()).toBe('CertBridge API');
    await operation('Ask for a catalog resource').waitFor({ timeout: 30_000 });
    expectNoConsoleErrors(p, '/api/reference');
  });
});
