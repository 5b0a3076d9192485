/**
 * The other lists as clerks expect them (issue 18 part 5), in a real browser: quality findings,
 * the consumer's agreements and usage, the audit log and objections each show their total and
 * export what their filter shows to a real .xlsx (opened here as the zip of XML it is) with the
 * Chinese headers the clerk reads; two reported findings are confirmed at once; the audit log names
 * its entry types in Chinese, in the table, the export and the type filter. Axe, no console errors.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { checkChanges } from '../../src/quality/index.ts';
import { agreement, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { person } from '../people/support.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { batchDone, checkAccessibility, expectNoConsoleErrors, exportedSheet, HAS_CHROMIUM, horizontalOverflow, launchBrowser, openPage, PHONE, signInAs, titled, type ConsolePage } from './browser.ts';

let t: TestPlatform;
let browser: Browser;
let issuer: ConsolePage;
let consumer: ConsolePage;
let office: ConsolePage;
let faulty: Awaited<ReturnType<typeof issue>>;
let reported: Awaited<ReturnType<typeof issue>>[];
let objected: Awaited<ReturnType<typeof issue>>;
type Person = { username: string; password: string };
const people = {} as { issuer: Person; consumer: Person; coordinator: Person };

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'domicile'] });
  faulty = await issue(t, { establishedOn: '2020-06-01', businessTermFrom: '2020-06-01', issuedOn: '2020-05-01' });
  reported = [await issue(t), await issue(t)];
  objected = await issue(t);
  for (let i = 0; i < 3; i++) expect((await lookup(t, t.consumer, objected.holder.code)).status).toBe(200);
  // Two names the consumer holds otherwise: reports the issuer confirms (suspected until then).
  for (const r of reported) {
    const sent = await api(t, 'POST', '/api/v1/quality/reports', { token: t.consumer.token, body: { type: 'business-license', holderCode: r.holder.code, fields: { name: '报告中的名称有限公司' } } });
    expect(sent.body.status).toBe('received');
  }
  const objection = await api(t, 'POST', '/api/v1/objections', { token: t.consumer.token, body: { licenseIdentifier: objected.identifier, fields: ['domicile'], reason: '住所与实地不符' } });
  expect(objection.status, JSON.stringify(objection.body)).toBe(201);
  // What the server's followers do in the background: sequence the log, check the changed licenses.
  await sequence(t.platform);
  await checkChanges(t.platform, systemPrincipal('quality'));
  [issuer, consumer, office] = [await openPage(browser), await openPage(browser), await openPage(browser)];
  people.issuer = await person(t, t.issuer, 'issuer', '孙 登记员');
  people.consumer = await person(t, t.consumer, 'consumer', '钱 经办');
  people.coordinator = await person(t, t.coordinator, 'coordinator', '赵 协调员');
  await signInAs(issuer.page, t.url, people.issuer, '/issuer/quality/findings');
  await signInAs(consumer.page, t.url, people.consumer, '/consumer/agreements');
  await signInAs(office.page, t.url, people.coordinator, '/coordinator/audit');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const total = (scope: Locator | Page) => scope.getByTestId('list-total').first().textContent();

/** Chooses a status in the findings' status filter. */
async function chooseStatus(page: Page, status: string): Promise<void> {
  await page.getByRole('combobox', { name: '状态' }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: new RegExp(`^${status}$`) }).click();
}

describe.skipIf(!HAS_CHROMIUM)(titled('more lists: totals, export, batch actions (Chromium)'), () => {
  it('quality findings: the total, an export with Chinese headers, and two reports confirmed at once', async () => {
    const { page } = issuer;
    const table = page.getByRole('table', { name: '质量问题列表' });
    await table.locator('.ant-table-row').filter({ hasText: faulty.holder.code }).waitFor();
    const open = (await api(t, 'GET', '/api/v1/quality/findings?status=open', { token: t.issuer.token })).body.items;
    expect(open.length).toBeGreaterThan(0);
    expect(await total(page)).toBe(`共 ${open.length} 条`);
    const { file, text } = await exportedSheet(page);
    expect(file).toMatch(/^质量问题-\d{4}-\d{2}-\d{2}\.xlsx$/);
    for (const header of ['发现时间', '持证主体', '维度', '级别', '说明', '状态']) expect(text).toContain(header);
    expect(text).not.toContain('操作');
    expect(text).toContain(faulty.holder.code);
    expect(text).toContain('有效性');

    await page.getByRole('combobox', { name: '状态' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '待核实（部门报告）' }).click();
    for (const r of reported) await table.locator('.ant-table-row').filter({ hasText: r.holder.code }).getByRole('checkbox').check();
    await page.getByText('已选 2 项').waitFor();
    await page.getByRole('button', { name: '确认所选' }).click();
    await batchDone(page, 2);
    for (const r of reported) {
      await expect.poll(async () => (await api(t, 'GET', `/api/v1/quality/findings?licenseIdentifier=${r.identifier}&dimension=consistency`, { token: t.issuer.token })).body.items[0]?.status).toBe('open');
    }
    await checkAccessibility(page, 'the quality findings with their toolbar');
    expectNoConsoleErrors(issuer, 'the quality findings');
  });

  it('quality findings: the platform’s reason for a note shows under the note field, not in an alert', async () => {
    const { page } = issuer;
    const table = page.getByRole('table', { name: '质量问题列表' });
    await chooseStatus(page, '待处理');
    const row = table.locator('.ant-table-row').filter({ hasText: reported[0].holder.code });
    await row.getByRole('button', { name: '说明原因' }).click();
    const dialog = page.getByRole('dialog', { name: '说明此问题' });
    // Checked in the page first: an empty note never reaches the platform.
    let sent = 0;
    const counted = (request: { url(): string; method(): string }) => void (request.method() === 'POST' && request.url().endsWith('/note') && sent++);
    page.on('request', counted);
    await dialog.getByRole('button', { name: /保存说明/ }).click();
    await dialog.locator('.ant-form-item-explain-error').filter({ hasText: '请填写说明' }).waitFor();
    expect(sent).toBe(0);
    // A note the platform refuses (only spaces once it reaches it: 400 with field /note).
    await page.route('**/api/v1/quality/findings/*/note', (route) => route.continue({ postData: JSON.stringify({ note: '   ' }) }));
    try {
      await dialog.getByLabel('说明此问题').fill('两家企业经核实为同一集团');
      await dialog.getByRole('button', { name: /保存说明/ }).click();
      const onField = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('说明此问题') }).locator('.ant-form-item-explain-error');
      await expect.poll(() => onField.textContent()).toBe('填写的内容不符合要求，请检查标出的事项。');
      expect(sent).toBe(1);
      expect(await dialog.locator('.ant-alert').count()).toBe(0);
      expect(await page.locator('.ant-message-notice').filter({ hasText: '填写的内容不符合要求' }).count()).toBe(0);
    } finally {
      await page.unroute('**/api/v1/quality/findings/*/note');
      page.off('request', counted);
    }
    expect(issuer.errors.join('\n')).toContain('status of 400');
    issuer.clearConsole();
    // Still open: nothing was saved.
    const finding = (await api(t, 'GET', `/api/v1/quality/findings?licenseIdentifier=${reported[0].identifier}&dimension=consistency`, { token: t.issuer.token })).body.items[0];
    expect(finding.status).toBe('open');
    await checkAccessibility(page, 'the note dialog with the platform’s reason on its field');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('quality findings: several explained at once with one note (说明所选); the platform agrees', async () => {
    const { page } = issuer;
    const table = page.getByRole('table', { name: '质量问题列表' });
    for (const r of reported) await table.locator('.ant-table-row').filter({ hasText: r.holder.code }).getByRole('checkbox').check();
    await page.getByText('已选 2 项').waitFor();
    await page.getByRole('button', { name: '说明所选' }).click();
    const ask = page.getByRole('dialog').filter({ hasText: '为所选问题填写同一说明' });
    await ask.getByRole('textbox', { name: '说明此问题' }).fill('经核实为同一集团的登记名称');
    await ask.getByRole('button', { name: /保存说明/ }).click();
    await batchDone(page, 2);
    for (const r of reported) {
      const finding = (await api(t, 'GET', `/api/v1/quality/findings?licenseIdentifier=${r.identifier}&dimension=consistency`, { token: t.issuer.token })).body.items[0];
      expect(finding.status).toBe('explained');
      expect(finding.note).toBe('经核实为同一集团的登记名称');
    }
    // Shown as explained, with the note.
    await chooseStatus(page, '已说明');
    for (const r of reported) {
      const row = table.locator('.ant-table-row').filter({ hasText: r.holder.code });
      await row.waitFor();
      expect(await row.textContent()).toContain('说明：经核实为同一集团的登记名称');
      expect(await row.textContent()).toContain('已说明');
    }
    await checkAccessibility(page, 'the explained findings');
    expectNoConsoleErrors(issuer, 'explaining findings at once');
  });

  it('objections (the issuer’s queue): the total and an export with the fields by their titles', async () => {
    const { page } = issuer;
    await page.goto(new URL('/issuer/objections', t.url).href);
    await page.locator('.ant-table-row').filter({ hasText: objected.holder.code }).waitFor();
    expect(await total(page)).toBe('共 1 条');
    const { file, text } = await exportedSheet(page);
    expect(file).toMatch(/^数据异议-\d{4}-\d{2}-\d{2}\.xlsx$/);
    for (const header of ['持证主体', '异议数据项', '状态', '答复期限', '提出时间']) expect(text).toContain(header);
    expect(text).toContain(objected.holder.code);
    expect(text).toContain('待答复');
    expect(text).not.toContain('domicile');
    await checkAccessibility(page, 'the objections with their toolbar');
    expectNoConsoleErrors(issuer, 'the objections');
  });

  it('objections: more than 50 load page by page with 加载更多, and the total counts them all', async () => {
    const { page } = issuer;
    for (let i = 0; i < 50; i++) {
      const more = await api(t, 'POST', '/api/v1/objections', { token: t.consumer.token, body: { licenseIdentifier: objected.identifier, fields: ['domicile'], reason: `住所与实地不符（第 ${i + 2} 次）` } });
      expect(more.status, JSON.stringify(more.body)).toBe(201);
    }
    await page.reload();
    // The first page of 50: no total yet, the number loaded instead (in the toolbar and the pager).
    await page.getByTestId('objections-table').locator('.ant-table-row').first().waitFor();
    await page.locator('.ant-pagination-total-text').filter({ hasText: '已载入 50 条（还有更多）' }).waitFor();
    expect(await page.getByTestId('list-total').count()).toBe(0);
    expect(await page.getByText('共 50 条').count()).toBe(0);
    // Shown 100 to a page, to count the rows.
    await page.locator('.ant-pagination-options .ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '100' }).click();
    const rows = page.getByTestId('objections-table').locator('.ant-table-row');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows.count()).toBe(51);
    expect(await total(page)).toBe('共 51 条');
    expect(await page.locator('.ant-pagination-total-text').textContent()).toBe('共 51 条');
    expect(await page.getByRole('button', { name: '加载更多' }).count()).toBe(0);
    const all = (await api(t, 'GET', '/api/v1/objections?role=issuer&limit=200', { token: t.issuer.token })).body.items;
    expect(all.length).toBe(51);
    await checkAccessibility(page, 'the objections, all loaded');
    expectNoConsoleErrors(issuer, 'the objections, page by page');
  });

  it('the consumer’s agreements and usage: totals and exports with Chinese headers', async () => {
    const { page } = consumer;
    await page.locator('.ant-table-row').filter({ hasText: '营业执照' }).first().waitFor();
    expect(await total(page)).toBe('共 1 条');
    const agreements = await exportedSheet(page);
    expect(agreements.file).toMatch(/^共享协议-\d{4}-\d{2}-\d{2}\.xlsx$/);
    for (const header of ['资源', '提供部门', '用途', '状态', '有效期至']) expect(agreements.text).toContain(header);
    expect(agreements.text).toContain('生效中');
    expect(agreements.text).toContain(t.issuer.department.name);
    await checkAccessibility(page, 'the agreements with their toolbar');

    await page.goto(new URL('/consumer/usage', t.url).href);
    const byType = page.locator('.ant-card').filter({ hasText: '按证照类型' });
    await byType.locator('.ant-table-row').filter({ hasText: '营业执照' }).waitFor();
    expect(await total(byType)).toBe('共 1 条');
    const usage = await exportedSheet(page, byType);
    for (const header of ['证照类型', '查询次数', '成功返回', '订阅推送']) expect(usage.text).toContain(header);
    expect(usage.text).toContain('营业执照');
    expect(usage.text).not.toContain('business-license');
    const byDay = page.locator('.ant-card').filter({ has: page.getByText('按日', { exact: true }) });
    const report = (await api(t, 'GET', '/api/v1/exchange/usage', { token: t.consumer.token })).body;
    expect(report.days.length).toBeGreaterThan(0);
    expect(await total(byDay)).toBe(`共 ${report.days.length} 条`);
    const days = await exportedSheet(page, byDay);
    expect(days.file).toMatch(/^用量统计（按日）-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(days.text).toContain('日期');
    await checkAccessibility(page, 'the usage with its lists');
    expectNoConsoleErrors(consumer, 'the agreements and usage');
  });

  it('the audit log names its entry types in Chinese, shows the total and exports the search', async () => {
    const { page } = office;
    await page.getByLabel('记录类型').click();
    await page.keyboard.type('证照查询');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '证照查询' }).first().click();
    await page.getByRole('button', { name: /检\s*索/ }).click();
    const rows = page.locator('.ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.first().locator('[data-entry-type]').textContent()).toBe('证照查询');
    expect(await page.locator('.ant-table-tbody').first().textContent()).not.toContain('exchange.accessed');
    expect(await total(page)).toBe('共 3 条');
    const { file, text } = await exportedSheet(page);
    expect(file).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}\.xlsx$/);
    for (const header of ['序号', '时间', '类型', '操作者', '部门', '主体', '结果']) expect(text).toContain(header);
    expect(text).not.toContain('包含证明');
    expect(text).toContain('证照查询');
    expect(text).toContain('允许');
    expect(text).not.toContain('exchange.accessed');
    expect(text).toContain(objected.holder.code);

    // Every type in the whole log shows by its Chinese name, none by its code.
    await page.getByRole('button', { name: /重\s*置/ }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    const shown = await page.locator('[data-entry-type]').evaluateAll((cells) => cells.map((c) => ({ type: c.getAttribute('data-entry-type'), text: c.textContent })));
    expect(shown.filter((c) => c.text === c.type || !/\p{Script=Han}/u.test(c.text ?? ''))).toEqual([]);
    await checkAccessibility(page, 'the audit log with its toolbar');
    expectNoConsoleErrors(office, 'the audit log');
  });

  it('at 375 px every list page fits the screen (the table scrolls inside itself), with axe', async () => {
    const pages: [Person, string[]][] = [
      [people.issuer, ['/issuer/quality/findings', '/issuer/objections']],
      [people.consumer, ['/consumer/agreements', '/consumer/usage']],
      [people.coordinator, ['/coordinator/audit']],
    ];
    for (const [who, paths] of pages) {
      const phone = await openPage(browser, { viewport: PHONE, mobile: true });
      try {
        await signInAs(phone.page, t.url, who, paths[0]);
        for (const path of paths) {
          if (phone.page.url() !== new URL(path, t.url).href) await phone.page.goto(new URL(path, t.url).href);
          // The audit log lists once searched.
          if (path === '/coordinator/audit') await phone.page.getByRole('button', { name: /检\s*索/ }).click();
          await phone.page
            .locator('.ant-table-row')
            .first()
            .waitFor()
            .catch(() => expect.fail(`no rows on ${path} at 375 px`));
          await phone.page.waitForLoadState('networkidle');
          const size = await horizontalOverflow(phone.page);
          expect(size.scrollWidth, `${path} at 375 px`).toBeLessThanOrEqual(size.innerWidth);
          expect(size.innerWidth).toBe(PHONE.width);
          await checkAccessibility(phone.page, `${path} at 375 px`);
        }
        expectNoConsoleErrors(phone, `the lists at 375 px (${paths.join(', ')})`);
      } finally {
        await phone.context.close();
      }
    }
  }, 120_000);
});
