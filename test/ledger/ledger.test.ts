/**
 * The compensation ledger (共享补偿) over HTTP: the coordination office prices the business
 * license per record read; real lookups through the exchange (single and batch) are posted by the
 * follower of the audit log — the consumer debited, the provider credited — in journals that
 * balance; the database refuses to change or remove a line; corrections are new journals with a
 * reason; each department reads its own statement, the coordination office any.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { CAPABILITIES } from '../../src/app/platform.ts';
import { followerJobs } from '../../src/platform/followers.ts';
import { chinaMonth } from '../../src/ledger/amounts.ts';
import { openMonths } from '../../src/ledger/corrections.ts';
import { addMonths } from '../../src/platform/chinaTime.ts';
import { browser, person } from '../people/support.ts';
import { api, type TestClient, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { addDepartment, agreement, batch, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { expectBalanced, post, setPrice, statement } from './support.ts';
import { loggedEntries } from '../support/auditEntries.ts';
import { columnsOf } from '../../src/audit/entries.ts';

let t: TestPlatform;
let housing: TestClient;
let holders: string[];
const month = chinaMonth();

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative'] });
  await agreement(t, housing, { purpose: 'housing-administration', fields: ['name'] });
  holders = [(await issue(t)).holder.code, (await issue(t)).holder.code, (await issue(t)).holder.code];
});
afterAll(() => t?.close());

const price = (who: TestClient, body: Record<string, unknown>) =>
  api(t, 'POST', '/api/v1/ledger/prices', { token: who.token, body: { resourceId: 'business-license', fenPerRecord: 100, validFrom: '2026-01-01', reason: '标准', ...body } });
const correction = (who: TestClient, body: Record<string, unknown>) =>
  api(t, 'POST', '/api/v1/ledger/corrections', {
    token: who.token,
    body: { debitDepartment: t.issuer.department.code, creditDepartment: t.consumer.department.code, fen: 120, reason: '重复计费退回', ...body },
  });

describe('prices', () => {
  it('the coordination office sets a price per record read; every department reads the prices', async () => {
    const set = await setPrice(t, { fenPerRecord: 120, validFrom: '2000-01-01' });
    expect(set).toMatchObject({ fenPerRecord: 120, validUntil: null, current: true, setBy: t.coordinator.clientId });
    const read = await api(t, 'GET', '/api/v1/ledger/prices?resourceId=business-license', { token: t.consumer.token });
    expect(read.status).toBe(200);
    expect(read.body.items).toHaveLength(1);
    expect(read.body.items[0]).toMatchObject({ id: set.id, resourceId: 'business-license', fenPerRecord: 120, validFrom: '2000-01-01', current: true });
  });

  it('a consumer or a provider cannot set prices (403)', async () => {
    for (const who of [t.consumer, t.issuer]) {
      const refused = await price(who, {});
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
  });

  it.each([
    [{ fenPerRecord: 1.5 }, 'validation-failed', '/fenPerRecord'],
    [{ fenPerRecord: -1 }, 'validation-failed', '/fenPerRecord'],
    [{ fenPerRecord: 1e15 }, 'validation-failed', '/fenPerRecord'],
    [{ fenPerRecord: '100' }, 'validation-failed', '/fenPerRecord'],
    [{ validFrom: '2026-02-30' }, 'validation-failed', '/validFrom'],
    [{ validFrom: '1 May' }, 'validation-failed', '/validFrom'],
    [{ validFrom: '2026-05-01', validUntil: '2026-04-30' }, 'invalid-period', '/validUntil'],
    [{ resourceId: 'no-such-resource' }, 'unknown-resource', '/resourceId'],
    [{ reason: '' }, 'validation-failed', '/reason'],
    [{ reason: '   ' }, 'validation-failed', '/reason'],
    [{ amount: 1 }, 'unknown-field', '/amount'],
  ])('bad input %j → 400 %s at %s', async (body, code, field) => {
    const refused = await price(t.coordinator, body);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code, field });
  });

  it('a missing field is named', async () => {
    const refused = await api(t, 'POST', '/api/v1/ledger/prices', { token: t.coordinator.token, body: { resourceId: 'business-license', fenPerRecord: 1, reason: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'missing-field', field: '/validFrom' });
  });
});

describe('postings from the audit log', () => {
  let first: Awaited<ReturnType<typeof post>>;

  beforeAll(async () => {
    // Tax: two lookups, one refused (no agreement for the purpose: not served, not posted), a batch of three holders.
    expect((await lookup(t, t.consumer, holders[0])).status).toBe(200);
    expect((await lookup(t, t.consumer, holders[1])).status).toBe(200);
    expect((await lookup(t, t.consumer, holders[1], 'housing-administration')).status).toBe(403);
    expect((await batch(t, t.consumer, holders)).status).toBe(200);
    // Housing: one lookup.
    expect((await lookup(t, housing, holders[0], 'housing-administration')).status).toBe(200);
    first = await post(t);
  });

  it('each record served is a journal: the consumer debited, the provider credited, at the price of its day', async () => {
    expect(first.posted).toBe(6);
    const lines = await t.platform.store.query<{ account: string; counterparty: string; debit: number; credit: number; records: number; month: string }>(
      'select account, counterparty, debit, credit, records, month from ledger_entries order by journal_id, debit desc',
    );
    expect(lines.rows).toHaveLength(12);
    const tax = lines.rows.filter((l) => l.account === t.consumer.department.code);
    expect(tax).toHaveLength(5);
    expect(tax.every((l) => l.debit === 120 && l.credit === 0 && l.records === 1 && l.counterparty === t.issuer.department.code && l.month === month)).toBe(true);
    const provider = lines.rows.filter((l) => l.account === t.issuer.department.code);
    expect(provider).toHaveLength(6);
    expect(provider.every((l) => l.credit === 120 && l.debit === 0)).toBe(true);
  });

  it('the source of each journal is its exchange.accessed entry in the sequenced log (one per holder of a batch)', async () => {
    const indexes = (await t.platform.store.query<{ source_index: number }>('select source_index from ledger_journals')).rows.map((r) => Number(r.source_index));
    const logged = new Map((await loggedEntries(t.platform.store)).map((e) => [e.index, columnsOf(e.entry)]));
    const sources = indexes.map((i) => logged.get(i)!);
    expect(sources).toHaveLength(6);
    expect(sources.every((r) => r.type === 'exchange.accessed' && r.outcome === 'allowed')).toBe(true);
    expect(new Set(sources.map((r) => r.holderCode))).toEqual(new Set(holders));
  });

  it('the ledger balances: debits equal credits, in total and per journal', async () => {
    expect(await expectBalanced(t)).toEqual({ debits: 720, credits: 720 });
  });

  it('a second pass, and a pass from the start of the log, post nothing again', async () => {
    expect((await post(t)).posted).toBe(0);
    await t.platform.store.query("update follower_cursors set last_index = -1 where name = 'ledger.post-lookups'");
    const again = await post(t);
    expect(again.posted).toBe(0);
    expect(again.lastIndex).toBe(first.lastIndex + (again.lastIndex - first.lastIndex));
    expect(Number((await t.platform.store.query<{ n: number }>('select count(*)::int as n from ledger_journals')).rows[0].n)).toBe(6);
  });

  it('statements: the consumer its debits per resource and counterparty, the provider its credits per consumer', async () => {
    const tax = await statement(t, t.consumer);
    expect(tax.status, JSON.stringify(tax.body)).toBe(200);
    expect(tax.body).toMatchObject({ department: { code: t.consumer.department.code, nameEn: 'Shandong Tax' }, month, opening: 0, debits: 600, credits: 0, closing: -600, journals: 5 });
    expect(tax.body.lines).toEqual([
      { kind: 'lookup', resourceId: 'business-license', resource: { title: '营业执照', titleEn: 'Business license' }, counterparty: { code: t.issuer.department.code, name: '山东省市场监督管理局', nameEn: 'Shandong AMR' }, records: 5, debits: 600, credits: 0, fen: -600 },
    ]);
    const provider = await statement(t, t.issuer, `?month=${month}`);
    expect(provider.body).toMatchObject({ opening: 0, debits: 0, credits: 720, closing: 720 });
    expect(provider.body.lines.map((l: any) => [l.counterparty.code, l.records, l.credits]).sort()).toEqual(
      [
        [t.consumer.department.code, 5, 600],
        [housing.department.code, 1, 120],
      ].sort(),
    );
    // The next month opens with this month's closing balance.
    const [y, m] = month.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    expect((await statement(t, t.consumer, `?month=${next}`)).body).toMatchObject({ opening: -600, debits: 0, credits: 0, closing: -600, lines: [] });
  });

  it('a new price supersedes the old one from its first day: later lookups are posted at it; the history stays', async () => {
    const newer = await setPrice(t, { fenPerRecord: 150, validFrom: '2026-01-01', reason: '调整补偿标准' });
    expect(newer.current).toBe(true);
    const history = (await api(t, 'GET', '/api/v1/ledger/prices', { token: housing.token })).body.items;
    expect(history.map((p: any) => [p.fenPerRecord, p.current])).toEqual([
      [150, true],
      [120, false],
    ]);
    expect((await lookup(t, housing, holders[1], 'housing-administration')).status).toBe(200);
    expect((await post(t)).posted).toBe(1);
    expect((await statement(t, housing)).body).toMatchObject({ debits: 270, closing: -270 });
    await expectBalanced(t);
  });
});

describe('the ledger is append-only (enforced by the database)', () => {
  it.each(['ledger_entries', 'ledger_journals', 'ledger_prices'])('%s: no update, delete or truncate', async (table) => {
    const db = t.platform.store;
    const column = table === 'ledger_prices' ? 'fen_per_record' : 'id';
    await expect(db.query(`update ${table} set ${column} = ${column}`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from ${table}`)).rejects.toThrow(/append-only/);
    await expect(db.query(`truncate ${table} cascade`)).rejects.toThrow(/append-only/);
  });

  it('a journal that does not balance is refused', async () => {
    const db = t.platform.store;
    const before = await expectBalanced(t);
    await expect(
      db.query(
        `with j as (insert into ledger_journals (kind, month, at, reason, created_by) values ('correction', $1, now(), 'test', 'test') returning id)
         insert into ledger_entries (journal_id, account, counterparty, debit, credit, month) select id, $2, $3, 100, 0, $1 from j
         union all select id, $3, $2, 0, 99, $1 from j`,
        [month, t.consumer.department.code, t.issuer.department.code],
      ),
    ).rejects.toThrow(/does not balance/);
    // A line debiting and crediting at once, or a negative amount, is refused too.
    await expect(
      db.query(`insert into ledger_entries (journal_id, account, counterparty, debit, credit, month) select min(id), 'x', 'y', 1, 1, $1 from ledger_journals`, [month]),
    ).rejects.toThrow();
    expect(await expectBalanced(t)).toEqual(before);
  });
});

describe('corrections', () => {
  it('the coordination office posts a correction journal with its reason: statements and the audit log show it', async () => {
    const journal = (await t.platform.store.query<{ id: number }>(`select min(journal_id) as id from ledger_entries where account = $1`, [t.consumer.department.code])).rows[0].id;
    const before = (await statement(t, t.consumer)).body;
    const posted = await correction(t.coordinator, { records: 1, resourceId: 'business-license', corrects: journal });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body).toMatchObject({ month, fen: 120, records: 1, corrects: Number(journal), reason: '重复计费退回', createdBy: t.coordinator.clientId });

    const after = (await statement(t, t.consumer)).body;
    expect(after).toMatchObject({ debits: before.debits, credits: before.credits + 120, closing: before.closing + 120, journals: before.journals + 1 });
    expect(after.lines).toContainEqual(expect.objectContaining({ kind: 'correction', resourceId: 'business-license', records: 1, credits: 120, debits: 0, fen: 120 }));
    const provider = (await statement(t, t.issuer)).body;
    expect(provider.lines).toContainEqual(expect.objectContaining({ kind: 'correction', counterparty: expect.objectContaining({ code: t.consumer.department.code }), debits: 120 }));
    await expectBalanced(t);

    await sequence(t.platform);
    const logged = await loggedEntries(t.platform.store, ['ledger.corrected']);
    expect(logged).toHaveLength(1);
    expect(logged[0].entry).toMatchObject({ actor: t.coordinator.clientId, data: { fen: 120, reason: '重复计费退回' } });
  });

  it('corrections only for open months: the current one, and the previous through the closing day (red team: 1999-01 changed every later opening balance)', async () => {
    const journals = (await t.platform.store.query<{ n: number }>('select count(*)::int as n from ledger_journals')).rows[0].n;
    for (const old of ['1999-01', addMonths(month, -2)]) {
      const refused = await correction(t.coordinator, { month: old });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body).toMatchObject({ code: 'month-closed', field: '/month' });
    }
    expect((await t.platform.store.query<{ n: number }>('select count(*)::int as n from ledger_journals')).rows[0].n).toBe(journals);
    // The previous month closes after the closing day (10 by default), China time.
    expect(openMonths(new Date('2026-03-10T15:59:59Z'), 10)).toEqual(['2026-02', '2026-03']);
    expect(openMonths(new Date('2026-03-10T16:00:00Z'), 10)).toEqual(['2026-03']);
    expect(openMonths(new Date('2026-01-05T00:00:00Z'), 10)).toEqual(['2025-12', '2026-01']);
    expect(openMonths(new Date('2026-01-05T00:00:00Z'), 1)).toEqual(['2026-01']);
  });

  it('a consumer cannot post a correction (403)', async () => {
    const refused = await correction(t.consumer, {});
    expect(refused.status).toBe(403);
  });

  it.each([
    [{ fen: 0 }, 'validation-failed', '/fen'],
    [{ fen: 12.5 }, 'validation-failed', '/fen'],
    [{ reason: '' }, 'validation-failed', '/reason'],
    [{ month: '2026-13' }, 'validation-failed', '/month'],
    [{ month: '2999-01' }, 'month-closed', '/month'],
    [{ debitDepartment: '11370000MB0000009X' }, 'unknown-department', '/debitDepartment'],
    [{ creditDepartment: 'placeholder' }, 'same-department', '/creditDepartment'],
    [{ corrects: 99999999 }, 'unknown-journal', '/corrects'],
    [{ resourceId: 'no-such-resource' }, 'unknown-resource', '/resourceId'],
  ])('bad input %j → 400 %s at %s', async (body, code, field) => {
    const input = 'creditDepartment' in body && body.creditDepartment === 'placeholder' ? { creditDepartment: t.issuer.department.code } : body;
    const refused = await correction(t.coordinator, input);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body).toMatchObject({ code, field });
  });
});

describe('statements: who reads which', () => {
  it("a department cannot read another's statement (403); the coordination office reads any", async () => {
    const refused = await statement(t, t.consumer, `?department=${t.issuer.department.code}`);
    expect(refused.status).toBe(403);
    expect((await statement(t, housing, `?department=${t.consumer.department.code}`)).status).toBe(403);
    const office = await statement(t, t.coordinator, `?department=${t.issuer.department.code}&month=${month}`);
    expect(office.status).toBe(200);
    expect(office.body.department.code).toBe(t.issuer.department.code);
  });

  it('a person of a department reads its statement in the console (session cookie)', async () => {
    const clerk = await person(t, t.consumer, 'consumer');
    const b = browser(t);
    expect((await b.signIn(clerk.username, clerk.password)).status).toBe(200);
    const own = await b.request('GET', '/api/v1/ledger/statements');
    expect(own.status).toBe(200);
    expect(own.body.department.code).toBe(t.consumer.department.code);
    expect((await b.request('GET', `/api/v1/ledger/statements?department=${housing.department.code}`)).status).toBe(403);
  });

  it('bad input → 400 with the field; an unknown department → 404', async () => {
    for (const [query, field] of [
      ['?month=2026-13', 'querystring:/month'],
      ['?month=202611', 'querystring:/month'],
      ['?department=' + 'X'.repeat(40), 'querystring:/department'],
      ['?foo=1', 'querystring:/foo'],
    ]) {
      const refused = await statement(t, t.coordinator, query);
      expect(refused.status, query).toBe(400);
      expect(refused.body.field).toBe(field);
    }
    expect((await statement(t, t.coordinator)).status).toBe(200);
    const unknown = await statement(t, t.coordinator, '?department=11370000MB0000009X');
    expect(unknown.status).toBe(404);
  });
});

describe('the follower run by the kernel', () => {
  it('posts the lookups as a follower the kernel runs in one process at a time, every two seconds (test/platform/followers.test.ts)', () => {
    const followers = CAPABILITIES.find((c) => c.name === 'ledger')!.followers!;
    expect(followers.map((f) => ({ name: f.name, types: f.types }))).toEqual([{ name: 'ledger.post-lookups', types: ['exchange.accessed'] }]);
    const jobs = followerJobs(followers);
    expect(jobs.map((j) => ({ name: j.name, everyMs: j.everyMs(t.platform), everyProcess: j.everyProcess ?? false }))).toEqual([{ name: 'ledger.post-lookups', everyMs: 2000, everyProcess: false }]);
  });
});
