/**
 * The public verification page in a real browser, as a citizen or a counterparty uses it: the QR
 * code's link opened on a phone or a desktop, a credential pasted in, and what the page says.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  checkAccessibility,
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

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  desktop = await openPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function issue(overrides: Record<string, unknown> = {}) {
  const r = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest(overrides) });
  expect(r.status).toBe(201);
  return r.body as { identifier: string; credential: string; verificationUrl: string; holder: { name: string; code: string }; data: Record<string, unknown> };
}

/** The verdict the page shows, once it shows one. */
async function verdictOn(p: ConsolePage): Promise<string> {
  const verdict = p.page.locator('#verdict');
  await verdict.waitFor({ timeout: 15_000 });
  return (await verdict.textContent()) ?? '';
}

const field = (p: ConsolePage, name: string) => p.page.locator(`[data-field="${name}"]`).textContent();

/** One base64url character of `text` at `index` changed to another. */
function alterAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe.skipIf(!HAS_CHROMIUM)(titled('the public verification page (Chromium)'), () => {
  it('the QR link opened in a browser says 有效 with the holder’s name and dates as dates; revoked, it says 已吊销', async () => {
    const license = await issue({ establishedOn: '2015-03-09', businessTermFrom: '2015-03-09' });
    const { page } = desktop;
    desktop.clearConsole();
    await page.goto(license.verificationUrl);
    expect(await verdictOn(desktop)).toBe('有效');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByText('该电子营业执照由登记机关签发').count()).toBe(1);
    expect(await field(desktop, 'name')).toBe(license.data.name);
    expect(await field(desktop, 'holderCode')).toBe(license.holder.code);
    expect(await field(desktop, 'identifier')).toBe(license.identifier);
    expect(await field(desktop, 'establishedOn')).toBe('2015年3月9日');
    // The business term is printed as a range: an open end is 长期.
    expect(await field(desktop, 'businessTermFrom:businessTermTo')).toBe('2015年3月9日 至 长期');
    expect(await field(desktop, 'validity')).toBe('2015年3月9日 至 长期');
    expect(await field(desktop, 'iat')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    // Nothing shown as an epoch number, and the checks are listed, all passed.
    expect(await page.locator('main').textContent()).not.toMatch(/\b1\d{9}\b/);
    expect(await page.locator('[data-check]').count()).toBeGreaterThanOrEqual(7);
    expect(await page.locator('[data-check][data-passed="false"]').count()).toBe(0);
    // What the standard keeps out of public view is not on the page.
    expect(await page.locator('[data-field="legalRepresentative"]').count()).toBe(0);
    expect(await page.locator('[data-field="domicile"]').count()).toBe(0);
    await screenshot(page, 'verify-valid');
    await checkAccessibility(page, 'the verification page (valid)');
    expectNoConsoleErrors(desktop, 'the verification page (valid)');

    const revoked = await api(t, 'POST', `/api/v1/licenses/${license.identifier}/revoke`, { token: t.issuer.token, body: { reason: '以欺骗手段取得登记' } });
    expect(revoked.status).toBe(200);
    await page.reload();
    expect(await verdictOn(desktop)).toBe('已吊销');
    expect(await page.locator('[data-check="status-list"]').getAttribute('data-passed')).toBe('false');
    expect(await page.locator('[data-check="status-list"]').textContent()).toContain('状态列表显示：已吊销');
    // Every check's line in Chinese (by its code), not the platform's technical English.
    expect(await page.locator('[data-check-code="status-revoked"]').textContent()).toBe('状态列表显示：已吊销');
    expect(await page.locator('[data-check]').allTextContents()).not.toContainEqual(expect.stringMatching(/status list says|signature and|conforms to|key \S+ of/));
    await screenshot(page, 'verify-revoked');
    await checkAccessibility(page, 'the verification page (revoked)');
    expectNoConsoleErrors(desktop, 'the verification page (revoked)');
  });

  it('a forged credential (one character of its signature or of a disclosure changed) pasted into /verify is called forged', async () => {
    const license = await issue();
    const [jwt, ...disclosures] = license.credential.split('~');
    const [header, payload, signature] = jwt.split('.');
    const badSignature = [[header, payload, alterAt(signature, 20)].join('.'), ...disclosures].join('~');
    // A disclosure whose value was changed (the name), re-encoded: its digest is not among the signed ones.
    const nameAt = disclosures.findIndex((d) => d && JSON.parse(Buffer.from(d, 'base64url').toString('utf8'))[1] === 'name');
    const [salt] = JSON.parse(Buffer.from(disclosures[nameAt], 'base64url').toString('utf8'));
    const altered = [...disclosures];
    altered[nameAt] = Buffer.from(JSON.stringify([salt, 'name', '伪造示例有限公司'])).toString('base64url');
    const badDisclosure = [jwt, ...altered].join('~');

    const { page } = desktop;
    for (const [credential, failedCheck] of [
      [badSignature, 'signature'],
      [badDisclosure, 'signature'],
    ] as const) {
      desktop.clearConsole();
      await page.goto(new URL('/verify', t.url).href);
      await page.getByRole('tab', { name: '粘贴凭证' }).click();
      await page.getByLabel('电子证照凭证（SD-JWT VC）').fill(credential);
      await page.getByRole('button', { name: '核 验' }).or(page.getByRole('button', { name: '核验' })).last().click();
      expect(await verdictOn(desktop)).toBe('无效（伪造或被篡改）');
      expect(await page.locator(`[data-check="${failedCheck}"]`).getAttribute('data-passed')).toBe('false');
      expect(await page.getByText('请勿采信').count()).toBeGreaterThan(0);
      expectNoConsoleErrors(desktop, 'the verification page (forged)');
    }
    // The altered disclosure is not the issuer's: its value is never presented as the license's.
    expect(await page.getByText('伪造示例有限公司').count()).toBe(0);
    await screenshot(page, 'verify-forged');
    await checkAccessibility(page, 'the verification page (forged)');

    // The genuine credential, pasted the same way, is valid.
    await page.goto(new URL('/verify', t.url).href);
    await page.getByRole('tab', { name: '粘贴凭证' }).click();
    await page.getByLabel('电子证照凭证（SD-JWT VC）').fill(license.credential);
    await page.getByRole('button', { name: '核 验' }).or(page.getByRole('button', { name: '核验' })).last().click();
    expect(await verdictOn(desktop)).toBe('有效');
  });

  it('the same QR URL fetched with Accept: application/json still answers JSON', async () => {
    const license = await issue();
    const r = await fetch(license.verificationUrl, { headers: { accept: 'application/json' } });
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await r.json()).toMatchObject({ valid: true, status: 'valid', disclosure: 'public', license: { identifier: license.identifier, name: license.data.name } });
    // …and the browser, which asks for HTML, gets the page (the test above reads it).
    const html = await fetch(license.verificationUrl, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await html.text();
  });

  it('at phone width (375×812) the page has no horizontal scroll, with a result and with the form', async () => {
    const license = await issue();
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    try {
      await phone.page.goto(license.verificationUrl);
      expect(await verdictOn(phone)).toBe('有效');
      let size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'page width with a result').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'verify-phone');
      await checkAccessibility(phone.page, 'the verification page on a phone');

      await phone.page.goto(new URL('/verify', t.url).href);
      await phone.page.getByRole('tab', { name: '核验链接或证照标识' }).waitFor();
      size = await horizontalOverflow(phone.page);
      expect(size.scrollWidth, 'page width of the form').toBeLessThanOrEqual(size.innerWidth);
      await screenshot(phone.page, 'verify-form-phone');
      await checkAccessibility(phone.page, 'the verification form on a phone');

      // Typing the identifier and the code of the QR link (a person without a QR scanner).
      const link = new URL(license.verificationUrl);
      await phone.page.getByLabel('核验链接或电子证照标识').fill(license.identifier);
      await phone.page.getByLabel('核验码（选填）').fill(link.searchParams.get('code')!);
      await phone.page.getByRole('button', { name: '核 验' }).or(phone.page.getByRole('button', { name: '核验' })).last().click();
      expect(await verdictOn(phone)).toBe('有效');
      expect(await field(phone, 'name')).toBe(license.data.name);
      expectNoConsoleErrors(phone, 'the verification page on a phone');
    } finally {
      await phone.context.close();
    }
  });
});
