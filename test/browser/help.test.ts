/**
 * The help pages and the words clerks read, in a real browser.
 * - Each role's help page (使用帮助) in the menu: its guide in plain Chinese, the pictures of the
 *   pages it explains (taken by the browser tests, `npm run docs:screens`), axe, a phone's width.
 * - No Latin word in a Chinese page: every page of every role's menu, with data in it, is read as a
 *   clerk sees it (the visible text), and a word of Latin letters with a lower-case letter in it
 *   (`business-license`, `name`, `valid`) fails the test unless it is the name of a product or
 *   standard on the allow-list. Codes (credit codes, verification codes, keys) are marked `.cb-code` or set as `<code>` and left out; acronyms (GB/T, QR, PDF) are upper case.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { agreement, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { person } from '../people/support.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { checkAccessibility, expectNoConsoleErrors, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, signInAs, titled, type ConsolePage } from './browser.ts';

/** Latin words a Chinese page may hold: names of products and formats as they are written, and the language switch's English. */
const ALLOWED = new Set(['CertBridge', 'Excel', 'OpenAPI', 'English']);

/** The Latin words of a text that a Chinese reader should not meet (see the file's comment). */
function latinWords(text: string): string[] {
  const words = text.match(/(?<![A-Za-z0-9._-])[A-Za-z][A-Za-z._-]*[A-Za-z](?![A-Za-z0-9._-])/g) ?? [];
  return [...new Set(words.filter((w) => /[a-z]/.test(w) && !ALLOWED.has(w)))];
}

const PASSWORD = 'enterprise password 1';
let t: TestPlatform;
let browser: Browser;
let desktop: ConsolePage;
let staff: Record<'issuer' | 'consumer' | 'coordinator', { username: string; password: string }>;
let holderCode: string;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  // Data on every page: a catalogued license, an agreement, lookups, the holder's account.
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'registeredCapital'] });
  holderCode = (await issue(t)).holder.code;
  for (let i = 0; i < 2; i++) expect((await lookup(t, t.consumer, holderCode)).status).toBe(200);
  expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode, password: PASSWORD } })).status).toBe(201);
  await sequence(t.platform);
  staff = {
    issuer: await person(t, t.issuer, 'issuer', '王 敏'),
    consumer: await person(t, t.consumer, 'consumer', '李 静'),
    coordinator: await person(t, t.coordinator, 'coordinator', '赵 刚'),
  };
  desktop = await openPage(browser);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Forgets whoever was signed in, so the next sign-in starts afresh. */
async function signOut(page: Page): Promise<void> {
  // The console's hint that a session may exist goes first, so no page asks for the session being removed.
  if (page.url().startsWith(t.url)) await page.evaluate(() => localStorage.clear());
  await page.context().clearCookies();
}

async function signIn(page: Page, role: 'issuer' | 'consumer' | 'coordinator' | 'enterprise'): Promise<void> {
  await signOut(page);
  if (role !== 'enterprise') return signInAs(page, t.url, staff[role], `/${role}`);
  await page.goto(new URL('/sign-in', t.url).href);
  await page.getByLabel('用户名').fill(holderCode);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByRole('heading', { level: 1, name: '我的证照' }).waitFor();
}

/** The page's visible text, without codes (credit codes, verification codes, keys: marked `.cb-code` or set as `<code>`). */
const visibleTextWithoutCodes = (page: Page) =>
  page.evaluate(() => {
    const codes = [...document.querySelectorAll<HTMLElement>('.cb-code, code')];
    const kept = codes.map((el) => el.style.visibility);
    for (const el of codes) el.style.visibility = 'hidden';
    const text = document.body.innerText;
    codes.forEach((el, i) => (el.style.visibility = kept[i] ?? ''));
    return text;
  });

/** The Latin words on each page of the signed-in menu, by page. */
async function latinWordsOfMenuPages(page: Page): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const path of await menuPages(page)) {
    await openAndSettle(page, path);
    const words = latinWords(await visibleTextWithoutCodes(page));
    if (words.length > 0) found[path] = words;
  }
  return found;
}

/** Every page of the menu (its links), in menu order. */
const menuPages = (page: Page) => page.locator('.ant-menu-item a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? ''));

/** Opens a page and waits until it has drawn its title and finished loading. */
async function openAndSettle(page: Page, path: string): Promise<void> {
  await page.goto(new URL(path, t.url).href);
  await page.locator('h1, h2').first().waitFor();
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count(), { timeout: 15_000 }).toBe(0);
}

const GUIDES = [
  { role: 'issuer', title: '签发部门使用帮助' },
  { role: 'consumer', title: '使用部门使用帮助' },
  { role: 'coordinator', title: '协调办公室使用帮助' },
  { role: 'enterprise', title: '企业使用帮助' },
] as const;

describe('the rule for Latin words', () => {
  it('flags keys and English words, not codes, acronyms or product names', () => {
    expect(latinWords('类型：business-license，字段 name 与 legalRepresentative 不一致')).toEqual(['business-license', 'name', 'legalRepresentative']);
    expect(latinWords('统一社会信用代码 91370100MA3C5X1E2K，GB/T 36904，二维码（QR），导出 Excel，CertBridge')).toEqual([]);
    expect(latinWords('状态：valid')).toEqual(['valid']);
  });
});

describe.skipIf(!HAS_CHROMIUM)(titled('help pages and plain Chinese (Chromium)'), () => {
  for (const guide of GUIDES) {
    it(`the ${guide.role}'s help page: the guide step by step, with the pictures of its pages`, async () => {
      const { page } = desktop;
      await signIn(page, guide.role);
      await page.getByRole('menuitem', { name: /使用帮助/ }).click();
      await page.getByRole('heading', { level: 1, name: guide.title }).waitFor();
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));
      const pictures = page.locator('.ant-layout-content img');
      expect(await pictures.count(), 'pictures shown (npm run docs:screens takes them)').toBeGreaterThan(2);
      await checkAccessibility(page, `${guide.role} help`);
      expectNoConsoleErrors(desktop, `${guide.role} help`);
    });

    it(`every page of the ${guide.role}'s menu in Chinese, without a Latin word`, async () => {
      const { page } = desktop;
      await signIn(page, guide.role);
      expect(await latinWordsOfMenuPages(page), 'Latin words on Chinese pages').toEqual({});
      expectNoConsoleErrors(desktop, `${guide.role} pages`);
    });
  }

  it('the help page on a phone: no horizontal scroll bar', async () => {
    const phone = await openPage(browser, { viewport: PHONE, mobile: true });
    await signInAs(phone.page, t.url, staff.issuer, '/issuer');
    await phone.page.goto(new URL('/help', t.url).href);
    await phone.page.getByRole('heading', { level: 1, name: '签发部门使用帮助' }).waitFor();
    const { scrollWidth, innerWidth } = await horizontalOverflow(phone.page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await checkAccessibility(phone.page, 'help on a phone');
    expectNoConsoleErrors(phone, 'help on a phone');
    await phone.page.context().close();
  });
});
