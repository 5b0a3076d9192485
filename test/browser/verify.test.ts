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
  signInAs,
  titled,
  type ConsolePage,
} from './browser.ts';
import { person } from '../people/support.ts';

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
  return r.body as { identifier: string; credential: string; verificationUrl: string; holder: { name: string; code: string }; data: Record<string, unknown>; validFrom: string };
}

/** A status change of a license, by its issuer's system. */
async function change(identifier: string, action: 'suspend' | 'reinstate' | 'amend', body: Record<string, unknown> = { reason: '歇业' }) {
  const r = await api(t, 'POST', `/api/v1/licenses/${identifier}/${action}`, { token: t.issuer.token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { identifier: string; verificationUrl: string };
}

/** The errors of a page's console but the deliberate 400 answers of `path` (a browser logs every failed fetch). */
function expectOnlyDeliberate400s(p: ConsolePage, path: string, where: string) {
  const others = p.errors.filter((e) => !(e.includes('400') && e.includes(path)));
  expect(others, `browser console errors on ${where}`).toEqual([]);
  p.clearConsole();
}

const WIDE = { width: 1366, height: 900 };

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
      await phone.page.getByRole('tab', { name: '链接或标识' }).waitFor();
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
  for (const [width, viewport, mobile] of [
    ['1366 px', WIDE, false],
    ['375 px', PHONE, true],
  ] as const) {
    it(`at ${width}: an older version says 已变更 (never 有效) with the latest version's status; a suspended license is a warning at the top`, async () => {
      const license = await issue();
      const p = await openPage(browser, { viewport, mobile });
      try {
        const v2 = await change(license.identifier, 'amend', { data: { registeredCapital: '900万元人民币' }, reason: '增资' });
        await p.page.goto(license.verificationUrl);
        expect(await verdictOn(p)).toBe('已变更（非最新版本）');
        await expect.poll(() => p.page.getByTestId('current-status').textContent()).toBe('最新版本状态：有效');
        // Never a green 有效 verdict for the old registered capital.
        expect(await p.page.locator('#verdict').getAttribute('data-verdict')).toBe('changed');
        expect(await p.page.locator('h2#verdict').filter({ hasText: /^有效$/ }).count()).toBe(0);
        expect(await p.page.getByText(v2.identifier).count()).toBeGreaterThan(0);
        expect(await p.page.getByTestId('suspended-warning').count()).toBe(0);
        expect((await horizontalOverflow(p.page)).scrollWidth).toBeLessThanOrEqual(viewport.width);
        await screenshot(p.page, `verify-changed-${viewport.width}`);
        await checkAccessibility(p.page, 'the verification page (older version)');

        await change(v2.identifier, 'suspend');
        await p.page.reload();
        expect(await verdictOn(p)).toBe('已变更（非最新版本）');
        await expect.poll(() => p.page.getByTestId('current-status').textContent()).toBe('最新版本状态：已暂停');
        // The warning comes first, above the verdict.
        const warning = p.page.getByTestId('suspended-warning');
        await warning.waitFor();
        expect(await warning.textContent()).toContain('该证照已被暂停，暂停期间不具有效力');
        const [warningTop, verdictTop] = await Promise.all([warning.boundingBox(), p.page.locator('#verdict').boundingBox()]);
        expect(warningTop!.y).toBeLessThan(verdictTop!.y);

        // The same in English.
        await p.page.getByRole('button', { name: 'English' }).click();
        await expect.poll(() => p.page.locator('#verdict').textContent()).toBe('Changed (not the latest version)');
        expect(await p.page.getByTestId('current-status').textContent()).toBe('Latest version: Suspended');
        expect(await warning.textContent()).toContain('This license is suspended');
        await checkAccessibility(p.page, 'the verification page (older version, in English)');
        await p.page.getByRole('button', { name: '中文' }).click();
        await expect.poll(() => p.page.locator('#verdict').textContent()).toBe('已变更（非最新版本）');

        // The current version, suspended: 已暂停 with the same warning.
        await p.page.goto(v2.verificationUrl);
        expect(await verdictOn(p)).toBe('已暂停');
        await p.page.getByTestId('suspended-warning').waitFor();
        await screenshot(p.page, `verify-suspended-${viewport.width}`);
        await checkAccessibility(p.page, 'the verification page (suspended)');
        expectNoConsoleErrors(p, 'the verification page (older version, suspended)');
        await change(v2.identifier, 'reinstate', { reason: '恢复营业' });
      } finally {
        await p.context.close();
      }
    });

    it(`at ${width}: look-up by credit code gives each license's verdict only; a mistyped code names its check character on the field`, async () => {
      const license = await issue();
      const p = await openPage(browser, { viewport, mobile });
      try {
        await p.page.goto(new URL('/verify', t.url).href);
        await p.page.getByRole('tab', { name: '信用代码' }).click();
        const input = p.page.getByRole('textbox', { name: '统一社会信用代码' });
        const code = license.holder.code;
        const typo = code.slice(0, 17) + (code[17] === '1' ? '2' : '1');
        await input.fill(typo);
        await p.page.getByRole('button', { name: /核\s*验/ }).last().click();
        const error = p.page.locator('.ant-form-item-explain-error');
        await expect.poll(() => error.textContent()).toContain(`第 18 位校验码应为“${code[17]}”`);
        expect(await p.page.getByTestId('holder-result').count()).toBe(0);
        expectOnlyDeliberate400s(p, '/api/v1/verify/holders/', 'the credit code look-up (mistyped)');

        await input.fill(code.toLowerCase());
        await p.page.getByRole('button', { name: /核\s*验/ }).last().click();
        const result = p.page.getByTestId('holder-result');
        await result.waitFor();
        await expect.poll(() => result.locator('[data-license="business-license"] [data-status]').textContent()).toBe('有效');
        expect(await result.textContent()).toContain('营业执照');
        // The verdict only: nothing of the license's content.
        for (const value of [license.data.name, license.data.registeredCapital, license.data.legalRepresentative]) expect(await result.getByText(String(value)).count()).toBe(0);
        expect(await result.getByTestId('suspended-warning').count()).toBe(0);

        await change(license.identifier, 'suspend');
        await p.page.getByRole('button', { name: /核\s*验/ }).last().click();
        await expect.poll(() => result.locator('[data-status]').first().textContent()).toBe('已暂停');
        await result.getByTestId('suspended-warning').waitFor();
        expect((await horizontalOverflow(p.page)).scrollWidth).toBeLessThanOrEqual(viewport.width);
        await screenshot(p.page, `verify-holder-${viewport.width}`);
        await checkAccessibility(p.page, 'the credit code look-up');

        // Its link leads to the license's verdict.
        await result.getByRole('link', { name: '核验详情' }).click();
        expect(await verdictOn(p)).toBe('已暂停');
        expectNoConsoleErrors(p, 'the credit code look-up');
      } finally {
        await p.context.close();
      }
    });

    it(`at ${width}: the printed license shows the verification code (核验码) beside the QR code, and the code verifies`, async () => {
      const license = await issue();
      const clerk = await person(t, t.issuer, 'issuer', '王 登记');
      const p = await openPage(browser, { viewport, mobile });
      try {
        await signInAs(p.page, t.url, clerk, '/issuer');
        await p.page.goto(new URL(`/issuer/licenses/${encodeURIComponent(license.identifier)}`, t.url).href);
        const printed = p.page.getByTestId('printed-license');
        const code = printed.locator('[data-field="verificationCode"]');
        await code.waitFor();
        const expected = new URL(license.verificationUrl).searchParams.get('code')!;
        expect((await code.textContent())!.replace(/\s/g, '')).toBe(expected);
        expect(await code.textContent()).toMatch(/^\w{4} \w{4} \w{4} \w{4}$/);
        expect(await printed.locator('figcaption').textContent()).toContain('核验码');
        // Beside the QR code: within the same figure, right under the image.
        const [qr, box] = await Promise.all([printed.locator('[data-qr]').boundingBox(), code.boundingBox()]);
        expect(box!.y).toBeGreaterThan(qr!.y);
        expect(box!.y - (qr!.y + qr!.height)).toBeLessThan(60);
        expect((await horizontalOverflow(p.page)).scrollWidth).toBeLessThanOrEqual(viewport.width);
        await screenshot(p.page, `printed-license-code-${viewport.width}`);
        expectNoConsoleErrors(p, 'the printed license');

        // Typed as printed (with its spaces) into the public page, it opens the public particulars.
        await p.page.goto(new URL('/verify', t.url).href);
        await p.page.getByLabel('核验链接或电子证照标识').fill(license.identifier);
        await p.page.getByLabel('核验码（选填）').fill(expected.replace(/(.{4})(?=.)/g, '$1 '));
        await p.page.getByRole('button', { name: /核\s*验/ }).last().click();
        expect(await verdictOn(p)).toBe('有效');
        await expect.poll(() => field(p, 'name')).toBe(license.data.name);
        expectNoConsoleErrors(p, 'the verification page (typed code)');
      } finally {
        await p.context.close();
      }
    });
  }
});
