/**
 * The browser tests' harness: Debian's Chromium (its headless shell, or `/usr/bin/chromium`; fonts-noto-cjk for
 * Chinese) driven by playwright-core, which downloads no browser of its own. One browser for the
 * whole project, started by its global setup (test/browser/globalSetup.ts); each file connects to
 * it and opens its own contexts; pages are reused within a file. Each page records what the browser console says, so a
 * test can insist there was no error; `checkAccessibility` runs axe-core inside the page and fails
 * on serious or critical violations; `screenshot` keeps a picture of every main page under
 * test-results/screens/ (not committed).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Download, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { GUIDE_SCREENS } from '../../web/src/areas/help/guides.ts';
import { REPO_ROOT } from '../support/serverProcess.ts';

// Debian's headless shell where installed (chromium-headless-shell): the same Blink without the
// browser's windows, ~16 % less CPU for a file (consumer.test.ts, 39.4 against 46.9 s with the run's
// setup), and the tests' two cores are what CI waits on.
const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';
export const CHROMIUM = process.env.CERTBRIDGE_CHROMIUM ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk, as .ci/run does)`;
const CONSOLE_BUILT = existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html'));

if (!HAS_CHROMIUM) console.warn(`[browser tests] ${SKIP_REASON}`);

/** A describe title that says when and why its tests were skipped. */
export const titled = (title: string) => (HAS_CHROMIUM ? title : `${title} (${SKIP_REASON})`);

export const SCREENS = join(REPO_ROOT, 'test-results', 'screens');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

export const CHROMIUM_OPTIONS = {
  // As root in a container Chromium's sandbox cannot start; the pages are our own.
  chromiumSandbox: false,
  args: ['--disable-dev-shm-usage', '--no-first-run', '--disable-gpu'],
};

/** The project's shared Chromium (closing it disconnects this file only), or a Chromium of its own when run outside the project. */
export async function launchBrowser(): Promise<Browser> {
  if (!CONSOLE_BUILT) throw new Error('the web console is not built: run `npm run build` (npm test does it first)');
  const endpoint = inject('chromiumEndpoint');
  return endpoint ? chromium.connect(endpoint) : chromium.launch({ executablePath: CHROMIUM, ...CHROMIUM_OPTIONS });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Errors the browser console showed (console.error, uncaught exceptions, failed loads, CSP violations) since the last `clearConsole`. */
  errors: string[];
  clearConsole(): void;
}

/** A fresh context (its own cookies and storage) and page, watching the console. */
export async function openPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; mobile?: boolean; reducedMotion?: 'reduce' | 'no-preference' } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // The console honours the setting (no sliding drawers or menus), so a step does not wait for an animation to settle.
    reducedMotion: options.reducedMotion ?? 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A request the page itself gave up (navigation away, an aborted fetch) is not an error.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });
  return { page, context, errors, clearConsole: () => (errors.length = 0) };
}

/** Fails when the browser console showed an error. */
export function expectNoConsoleErrors(p: ConsolePage, where: string): void {
  expect(p.errors, `browser console errors on ${where}`).toEqual([]);
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * axe-core (WCAG 2.x A and AA rules, and best practices) over the whole page; fails on any
 * serious or critical violation, naming each with the elements at fault. The source is evaluated
 * through the DevTools protocol: the page's CSP (scripts from 'self' only) stays as it is.
 */
export async function checkAccessibility(page: Page, where: string): Promise<void> {
  // A select's option list that is still closing (antd animates it away after a choice) is not the
  // page a person reads: wait until every one is hidden, else axe judges it half-gone (seen in CI).
  await page.waitForFunction(
    () => [...document.querySelectorAll('.ant-select-dropdown')].every((d) => d.classList.contains('ant-select-dropdown-hidden') || (d as HTMLElement).offsetParent === null),
    undefined,
    { timeout: 10_000 },
  );
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`).join('; ')}`);
  expect(serious, `accessibility (axe-core) on ${where}`).toEqual([]);
}

/** The pictures of the help pages and docs/console.md (web/public/help/screens), taken again with `npm run docs:screens`. */
export const HELP_SCREENS = join(REPO_ROOT, 'web', 'public', 'help', 'screens');
const UPDATE_HELP_SCREENS = process.env.CERTBRIDGE_HELP_SCREENS === '1';

/**
 * Saves test-results/screens/<name>.png (the whole page); with CERTBRIDGE_HELP_SCREENS=1, a page
 * a help guide shows is also kept as web/public/help/screens/<name>.jpg (the window, smaller).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true, animations: 'disabled' });
  if (UPDATE_HELP_SCREENS && GUIDE_SCREENS.includes(name)) {
    mkdirSync(HELP_SCREENS, { recursive: true });
    await page.screenshot({ path: join(HELP_SCREENS, `${name}.jpg`), type: 'jpeg', quality: 70, animations: 'disabled' });
  }
}

/** A download's bytes. The browser is shared over a connection, so its file is copied here first (`saveAs`). */
export async function downloaded(download: Download): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-download-'));
  try {
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the page is wider than the window (a horizontal scroll bar on a phone). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return (await page.evaluate(`({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })`)) as { scrollWidth: number; innerWidth: number };
}

/** Signs a person in through the console's sign-in page at `base` and waits until it lands on `next`. */
export async function signInAs(page: Page, base: string, who: { username: string; password: string }, next: string): Promise<void> {
  await page.goto(new URL(`/sign-in?next=${encodeURIComponent(next)}`, base).href);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname === next);
}

/**
 * A batch action of `count` rows done: the selection cleared (the list does it once every request is
 * answered) and its notice shown. The notice of an earlier batch may still be on screen under load,
 * so the newest one is read.
 */
export async function batchDone(page: Page, count: number): Promise<void> {
  await page.getByText(`已选 ${count} 项`).waitFor({ state: 'hidden' });
  await page.locator('.ant-message-notice').filter({ hasText: `已处理 ${count} 项` }).last().waitFor();
}

/**
 * Presses 「导出 Excel」 in `scope` and reads the spreadsheet back (a real .xlsx, unzipped): its file
 * name and the text of its parts (cells, shared strings), to look for headers and values in.
 */
export async function exportedSheet(page: Page, scope: Locator | Page = page): Promise<{ file: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), scope.getByRole('button', { name: /导出 Excel/ }).click()]);
  const files = unzipSync(new Uint8Array(await downloaded(download)));
  expect(Object.keys(files)).toContain('xl/worksheets/sheet1.xml');
  const text = Object.entries(files)
    .filter(([name]) => name.startsWith('xl/'))
    .map(([, bytes]) => strFromU8(bytes))
    .join('\n');
  return { file: download.suggestedFilename(), text };
}
