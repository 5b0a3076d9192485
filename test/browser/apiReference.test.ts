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
    // Swagger UI's own labels read in Chinese on the Chinese page (it has no translations of its own).
    const opened = p.page.locator('#operations-licenses-postLicenses');
    await opened.getByText('参数', { exact: true }).first().waitFor({ timeout: 15_000 });
    await opened.getByText('响应', { exact: true }).first().waitFor();
    await opened.getByRole('button', { name: '试一试' }).waitFor();
    expect(await p.page.getByPlaceholder('按标签或路径筛选').count()).toBe(1);
    const english = await opened.evaluate((node) => {
      const words = ['Parameters', 'Responses', 'Try it out', 'Request body', 'Example Value', 'Media type', 'Description'];
      const seen: string[] = [];
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        if (words.includes(text.nodeValue!.trim()) && !text.parentElement!.closest('pre, code, .model-box')) seen.push(text.nodeValue!.trim());
      }
      return seen;
    });
    expect(english).toEqual([]);
    await screenshot(p.page, 'api-reference-zh');
    expectNoConsoleErrors(p, '/api/reference/zh');
  });

  it('the English page shows the English summaries, with no console error', async () => {
    p.clearConsole();
    await p.page.goto(`${t.url}/api/reference`);
    expect(await p.page.title()).toBe('CertBridge API');
    await operation('Ask for a catalog resource').waitFor({ timeout: 30_000 });
    // The English page keeps Swagger UI's labels as they are.
    expect(await p.page.getByPlaceholder('Filter by tag or path').count()).toBe(1);
    expectNoConsoleErrors(p, '/api/reference');
  });
});
