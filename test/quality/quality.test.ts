/**
 * Data quality over HTTP: each dimension's rule finds a fault in a license version and a later,
 * fixed version resolves it (validity, timeliness and uniqueness through the follower of the audit
 * log, completeness of a legacy record through the full pass); consumer departments' reports
 * (match, mismatch, bad input, no license, never the license's values); the issuer's note on a
 * uniqueness finding; scores per department and month and who may read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { addDays, chinaDate } from '../../src/platform/chinaTime.ts';
import { checkChanges, departmentQualityScore, qualityScoresOf, runFullPass } from '../../src/quality/index.ts';
import { creditCodeCheckChar, generateCreditCode } from '../../src/standards/index.ts';
import { addDepartment, agreement, catalogBusinessLicense, issue } from '../exchange/support.ts';
import { api, licenseRequest, OPERATOR, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { loggedEntries } from '../support/auditEntries.ts';

let t: TestPlatform;
const today = chinaDate();
const month = today.slice(0, 7);

const REPORTS_PER_HOUR = 12;

beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_QUALITY_REPORTS_PER_HOUR: String(REPORTS_PER_HOUR) });
  await catalogBusinessLicense(t);
  // The consumer receives the name and the legal representative (what it may report on).
  await agreement(t, t.consumer, { purpose: 'tax-administration', fields: ['name', 'legalRepresentative'] });
});
afterAll(() => t?.close());

/** What the server's follower does every two seconds: sequence the log, re-check the changed licenses. */
async function follow() {
  await sequence(t.platform);
  return checkChanges(t.platform, systemPrincipal('quality'));
}

async function findings(query: Record<string, string>, who: TestClient = t.issuer) {
  const found = await api(t, 'GET', `/api/v1/quality/findings?${new URLSearchParams(query)}`, { token: who.token });
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  return found.body.items as {
    id: number;
    ruleId: string;
    dimension: string;
    fields: string[];
    status: string;
    resolvedVersion: number | null;
    message: Record<string, string>;
    holderCode: string;
    holderName: string | null;
    reportedBy: string | null;
    explainable: boolean;
    confirmable: boolean;
  }[];
}

async function amend(identifier: string, data: Record<string, unknown>) {
  const amended = await api(t, 'POST', `/api/v1/licenses/${identifier}/amend`, { token: t.issuer.token, body: { data, reason: '变更登记' } });
  expect(amended.status, JSON.stringify(amended.body)).toBe(200);
  return amended.body as { identifier: string };
}

const report = (who: TestClient, body: Record<string, unknown>) => api(t, 'POST', '/api/v1/quality/reports', { token: who.token, body: { type: 'business-license', ...body } });

describe('each dimension finds a fault, and a fixed version resolves it', () => {
  it('validity (dates out of order) and timeliness (published 40 days after the date of issue), found on issue by the follower', async () => {
    const disordered = await issue(t, { establishedOn: '2020-06-01', businessTermFrom: '2020-06-01', issuedOn: '2020-05-01' });
    const late = await issue(t, { establishedOn: '2015-03-02', businessTermFrom: '2015-03-02', issuedOn: addDays(today, -40) });
    const followed = await follow();
    expect(followed.licenses).toBe(2);

    const [validity] = await findings({ licenseIdentifier: disordered.identifier, dimension: 'validity' });
    expect(validity).toMatchObject({ ruleId: 'BL-VAL-04', status: 'open', fields: ['establishedOn', 'issuedOn'], explainable: false });
    expect(validity.message['zh-CN']).toBe('日期先后不合理：成立日期、发照日期');
    const [timeliness] = await findings({ licenseIdentifier: late.identifier, dimension: 'timeliness' });
    expect(timeliness).toMatchObject({ ruleId: 'BL-TIME-01', status: 'open', fields: ['issuedOn'] });
    expect(timeliness.message.en).toBe('Published 40 days after the date of issue, more than 15 days');

    await amend(disordered.identifier, { issuedOn: '2020-06-01' });
    await amend(late.identifier, { issuedOn: today });
    await follow();
    const [fixed] = await findings({ licenseIdentifier: disordered.identifier });
    expect(fixed).toMatchObject({ id: validity.id, status: 'resolved', resolvedVersion: 2 });
    expect((await findings({ licenseIdentifier: late.identifier }))[0]).toMatchObject({ id: timeliness.id, status: 'resolved', resolvedVersion: 2 });
    expect(await findings({ licenseIdentifier: disordered.identifier, status: 'open' })).toEqual([]);
  });

  it('completeness: a legacy record without an expected field is found by the full pass (once however often it runs), resolved by a version with it', async () => {
    const legacy = await issue(t);
    await follow();
    // A record from before the standard's defaults: the registration authority was never filled in.
    await t.platform.store.query(`update license_versions set data = data - 'registrationAuthority' where identifier = $1`, [legacy.identifier]);
    const pass = await runFullPass(t.platform, OPERATOR);
    expect(pass.licenses).toBeGreaterThanOrEqual(3);
    expect(pass.opened).toBeGreaterThanOrEqual(1);
    const [missing] = await findings({ licenseIdentifier: legacy.identifier, dimension: 'completeness' });
    expect(missing).toMatchObject({ ruleId: 'BL-COMP-02', status: 'open', fields: ['registrationAuthority'] });
    expect(missing.message.en).toBe('Expected fields are missing: Registration authority');
    const again = await runFullPass(t.platform, OPERATOR);
    expect(again.opened).toBe(0);
    expect(await findings({ licenseIdentifier: legacy.identifier })).toHaveLength(1);

    await amend(legacy.identifier, { registrationAuthority: '济南市市场监督管理局' });
    await follow();
    expect((await findings({ licenseIdentifier: legacy.identifier }))[0]).toMatchObject({ id: missing.id, status: 'resolved', resolvedVersion: 2 });
  });

  it('uniqueness: two holders with the same name and domicile, and one entity holding two current licenses; a note explains one, a new domicile resolves the other', async () => {
    const same = { name: '济南同名同址商贸有限公司', domicile: '山东省济南市历下区泉城路1号' };
    const first = await issue(t, same);
    const second = await issue(t, same);
    // The same organisation code (主体标识码) under two division codes: one entity, two credit codes.
    const code = generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100' });
    const first17 = `91370200${code.slice(8, 17)}`;
    const twin = `${first17}${creditCodeCheckChar(first17)}`;
    for (const holder of [code, twin]) {
      const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...licenseRequest(), holder: { code: holder } } });
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    }
    await follow();

    const nameFindings = await findings({ dimension: 'uniqueness', status: 'open' });
    const sameName = nameFindings.filter((f) => f.ruleId === 'BL-UNIQ-02');
    expect(sameName.map((f) => f.holderCode).sort()).toEqual([first.holder.code, second.holder.code].sort());
    expect(sameName[0]).toMatchObject({ fields: ['name', 'domicile'], explainable: true, holderName: same.name });
    expect(sameName[0].message.en).toBe('1 other holders have the same name and domicile');
    const sameEntity = nameFindings.filter((f) => f.ruleId === 'BL-UNIQ-01');
    expect(sameEntity.map((f) => f.holderCode).sort()).toEqual([code, twin].sort());
    expect(sameEntity[0].message['zh-CN']).toContain(code.slice(8, 17));

    const noteOf = sameName.find((f) => f.holderCode === first.holder.code)!;
    const note = (who: TestClient, id: number) => api(t, 'POST', `/api/v1/quality/findings/${id}/note`, { token: who.token, body: { note: '两家为同一集团下属企业，经核实住所共用' } });
    for (const who of [t.consumer, t.otherIssuer]) expect((await note(who, noteOf.id)).status).toBe(403);
    const noted = await note(t.issuer, noteOf.id);
    expect(noted.status, JSON.stringify(noted.body)).toBe(200);
    expect(noted.body).toMatchObject({ status: 'explained', note: '两家为同一集团下属企业，经核实住所共用', notedBy: t.issuer.clientId, explainable: false, holderName: same.name });
    expect((await note(t.issuer, noteOf.id)).body).toMatchObject({ status: 409, code: 'finding-not-open' });
    const [validity] = await findings({ dimension: 'validity' });
    expect((await note(t.issuer, validity.id)).body).toMatchObject({ status: 409, code: 'finding-not-explainable' });
    expect((await note(t.issuer, 99_999_999)).status).toBe(404);

    await amend(second.identifier, { domicile: '山东省济南市历下区泉城路2号' });
    await follow();
    const after = (await findings({ dimension: 'uniqueness' })).filter((f) => f.ruleId === 'BL-UNIQ-02');
    expect(after.find((f) => f.holderCode === second.holder.code)).toMatchObject({ status: 'resolved', resolvedVersion: 2 });
    expect(after.find((f) => f.holderCode === first.holder.code)).toMatchObject({ status: 'explained' });
  });
});

describe('consistency: a consumer department reports what it holds', () => {
  it('a mismatch becomes a suspected finding naming the department; the answer is a receipt; a version with the reported value resolves it', async () => {
    const license = await issue(t, { name: '青岛一致性检验有限公司', legalRepresentative: '张三丰' });
    const reported = await report(t.consumer, { holderCode: license.holder.code, fields: { name: '青岛一致性检验有限公司 ', legalRepresentative: '李四' } });
    expect(reported.status, JSON.stringify(reported.body)).toBe(201);
    expect(reported.body).toEqual({ id: expect.any(Number), status: 'received' });

    const [finding] = await findings({ licenseIdentifier: license.identifier, dimension: 'consistency', status: 'suspected' });
    expect(finding).toMatchObject({ ruleId: 'BL-CONS-01', status: 'suspected', fields: ['legalRepresentative'], reportedBy: t.consumer.department.code, explainable: false, confirmable: true });
    expect(finding.message['zh-CN']).toBe(`${t.consumer.department.name} 报告的 法定代表人 与证照不一致`);
    // The reporter cannot read the issuer's findings (where the values are not either).
    expect((await api(t, 'GET', `/api/v1/quality/findings?department=${t.issuer.department.code}`, { token: t.consumer.token })).status).toBe(403);

    await amend(license.identifier, { legalRepresentative: '李四' });
    await follow();
    expect((await findings({ licenseIdentifier: license.identifier, status: 'resolved' }))[0]).toMatchObject({ id: finding.id, status: 'resolved', resolvedVersion: 2 });
    await sequence(t.platform);
    const logged = (await loggedEntries(t.platform.store, ['quality.reported'])).filter((e) => (e.entry.data as { holderCode?: string }).holderCode === license.holder.code || JSON.stringify(e.entry).includes(license.holder.code));
    expect(logged).toHaveLength(1);
  });

  it('red team: no oracle — a department reports only on fields its agreements grant, answered alike whether or not the holder has a license; each report in the holder’s access log', async () => {
    const license = await issue(t, { establishedOn: '2008-06-13' });
    const stranger = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
    const unknownHolder = generateCreditCode({ divisionCode: '370100' });
    // The attack of the second outside test: a department with no agreement guessing a hidden date.
    const answers = [];
    for (const [who, holderCode] of [
      [stranger, license.holder.code],
      [stranger, unknownHolder],
      [t.consumer, license.holder.code],
      [t.consumer, unknownHolder],
    ] as const) {
      const answer = await report(who, { holderCode, fields: { establishedOn: '2008-06-13' } });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'field-not-granted', field: '/fields/establishedOn' });
      answers.push({ status: answer.status, code: answer.body.code, field: answer.body.field, detail: answer.body.detail.replace(who.department.code, 'D') });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[3]).toEqual(answers[2]);
    expect(await t.platform.store.query('select 1 from quality_reports where holder_code = $1', [license.holder.code]).then((r) => r.rows)).toEqual([]);

    // A granted field is taken, and the holder sees the report among the uses of its data.
    expect((await report(t.consumer, { holderCode: license.holder.code, fields: { name: '猜测的名称' } })).body.status).toBe('received');
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: license.holder.code, password: 'holder passphrase 1' } })).status).toBe(201);
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: license.holder.code, password: 'holder passphrase 1' } });
    await sequence(t.platform);
    const log = await api(t, 'GET', `/api/v1/holders/${license.holder.code}/access-log`, { token: login.body.access_token });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.items.find((i: { kind: string }) => i.kind === 'report')).toMatchObject({ department: { code: t.consumer.department.code }, fields: ['name'] });
  });

  it('red team: one department cannot drag down another’s score — its reports stay suspected until confirmed or corroborated, the issuer dismisses them at once, the office sees the reporter flagged', async () => {
    const rogue = await addDepartment(t, '某市某局', 'A rogue bureau', ['consumer']);
    await agreement(t, rogue, { purpose: 'tax-administration', fields: ['name', 'legalRepresentative'] });
    const licenses = [];
    for (let i = 0; i < 6; i++) licenses.push(await issue(t));
    await follow();
    const before = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
    const inboxBefore = (await api(t, 'GET', '/api/v1/inbox', { token: t.issuer.token })).body.items.length;
    for (const l of licenses) expect((await report(rogue, { holderCode: l.holder.code, fields: { name: '错误的名称有限公司' } })).status).toBe(201);
    const after = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
    expect(after.dimensions.consistency).toBe(before.dimensions.consistency);
    expect(after.score).toBe(before.score);
    expect(after.openFindings).toBe(before.openFindings);
    expect((await api(t, 'GET', '/api/v1/inbox', { token: t.issuer.token })).body.items.length).toBe(inboxBefore);

    // An independent department reporting the same value makes that one count (and tells the issuer); the issuer confirms another.
    expect((await report(t.consumer, { holderCode: licenses[0].holder.code, fields: { name: '错误的名称有限公司' } })).status).toBe(201);
    const corroborated = await findings({ licenseIdentifier: licenses[0].identifier, status: 'open', dimension: 'consistency' });
    expect(corroborated.map((f) => f.reportedBy).sort()).toEqual([rogue.department.code, t.consumer.department.code].sort());
    const [suspected] = await findings({ licenseIdentifier: licenses[1].identifier, status: 'suspected' });
    const confirmed = await api(t, 'POST', `/api/v1/quality/findings/${suspected.id}/confirm`, { token: t.issuer.token, body: {} });
    expect(confirmed.body).toMatchObject({ status: 'open', confirmable: false });
    expect((await api(t, 'POST', `/api/v1/quality/findings/${suspected.id}/confirm`, { token: t.issuer.token, body: {} })).body.code).toBe('finding-not-suspected');
    expect((await api(t, 'POST', `/api/v1/quality/findings/${suspected.id}/confirm`, { token: t.otherIssuer.token, body: {} })).status).toBe(403);
    const counted = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
    expect(counted.openFindings).toBe(before.openFindings + 3);
    expect(counted.dimensions.consistency).toBeLessThan(before.dimensions.consistency);
    const told = (await api(t, 'GET', '/api/v1/inbox', { token: t.issuer.token })).body.items;
    expect(told.length).toBe(inboxBefore + 1);
    // The field by its title in the type's standard, not its key.
    expect(told.find((n: { kind: string }) => n.kind === 'quality.reported').title).toBe(`多个部门一致报告持证主体 ${licenses[0].holder.code} 的名称与证照不一致`);

    // The issuer dismisses the rogue's reports in one action: only the independent department's finding still counts.
    const dismissed = await api(t, 'POST', '/api/v1/quality/reports/dismissals', { token: t.issuer.token, body: { department: rogue.department.code, reason: '该部门报告的名称均为错误数据' } });
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
    expect(dismissed.body).toEqual({ department: rogue.department.code, findings: 6, reports: 6 });
    const cleared = (await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token })).body;
    expect(cleared.openFindings).toBe(before.openFindings + 1);
    expect((await findings({ status: 'dismissed', limit: '200' })).filter((f) => f.reportedBy === rogue.department.code)).toHaveLength(6);

    const oversight = await api(t, 'GET', '/api/v1/quality/reporters', { token: t.coordinator.token });
    expect(oversight.status).toBe(200);
    expect(oversight.body.items[0]).toMatchObject({ department: rogue.department.code, reports: 6, mismatching: 6, dismissed: 6, flagged: true });
    expect(oversight.body.items.find((r: { department: string }) => r.department === t.consumer.department.code)).toMatchObject({ flagged: false });
    expect((await api(t, 'GET', '/api/v1/quality/reporters', { token: t.issuer.token })).status).toBe(403);
  });

  it('per-department rate limit: 429 with Retry-After after CERTBRIDGE_QUALITY_REPORTS_PER_HOUR reports, other departments unaffected', async () => {
    const busy = await addDepartment(t, '某县税务局', 'A busy tax office', ['consumer']);
    await agreement(t, busy, { purpose: 'tax-administration', fields: ['name'] });
    const license = await issue(t);
    for (let i = 0; i < REPORTS_PER_HOUR; i++) expect((await report(busy, { holderCode: license.holder.code, fields: { name: `名称 ${i}` } })).status).toBe(201);
    const refused = await report(busy, { holderCode: license.holder.code, fields: { name: '再一次' } });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('report-rate-exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await report(t.consumer, { holderCode: license.holder.code, fields: { name: '别的部门' } })).status).toBe(201);
  });

  it('bad input is a 400 naming the field, no current license a 404 to a department that receives the field, and only consumer departments report', async () => {
    const license = await issue(t);
    const bad = [
      [{ holderCode: license.holder.code, fields: { registeredCapitalX: '1' } }, 'unknown-field', '/fields/registeredCapitalX'],
      [{ holderCode: license.holder.code, fields: { name: '   ' } }, 'validation-failed', '/fields/name'],
      [{ holderCode: license.holder.code, fields: {} }, 'validation-failed', '/fields'],
      [{ holderCode: 'not-a-code', fields: { name: 'x' } }, 'validation-failed', '/holderCode'],
      [{ holderCode: license.holder.code, fields: { name: 'x' }, type: 'driving-license' }, 'unknown-license-type', '/type'],
      [{ holderCode: license.holder.code, fields: { name: 'x' }, extra: 1 }, 'unknown-field', '/extra'],
    ] as const;
    for (const [body, code, field] of bad) {
      const refused = await report(t.consumer, body);
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body).toMatchObject({ code, field });
    }
    const none = await report(t.consumer, { holderCode: generateCreditCode({ divisionCode: '370100' }), fields: { name: 'x' } });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('license-not-found');
    expect((await report(t.issuer, { holderCode: license.holder.code, fields: { name: 'x' } })).status).toBe(403);
  });
});

describe('scores', () => {
  it('per dimension 100 × licenses without a finding counting / licenses checked; overall the mean; the same as departmentQualityScore', async () => {
    await runFullPass(t.platform, OPERATOR);
    const read = await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.issuer.token });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const board = read.body;
    const checked = (await t.platform.store.query<{ n: number }>('select count(*)::int as n from quality_checked where department = $1', [t.issuer.department.code])).rows[0].n;
    expect(board).toMatchObject({ month, department: t.issuer.department.code, licenses: checked });
    const open = await findings({ status: 'open', limit: '200' });
    for (const dimension of ['completeness', 'validity', 'consistency', 'timeliness', 'uniqueness']) {
      const failing = new Set(open.filter((f) => f.dimension === dimension).map((f) => f.holderCode)).size;
      expect(board.dimensions[dimension]).toBe(Math.round((1000 * (checked - failing)) / checked) / 10);
    }
    const mean = Object.values(board.dimensions as Record<string, number>).reduce((s, x) => s + x, 0) / 5;
    expect(board.score).toBe(Math.round(mean * 10) / 10);
    expect(board.score).toBeLessThan(100);
    expect(board.openFindings).toBe(open.length);
    expect(await departmentQualityScore(t.platform.store, t.issuer.department.code, month)).toBe(board.score);
    const rows = await qualityScoresOf(t.platform.store, t.issuer.department.code, month);
    expect(rows).toEqual([{ department: t.issuer.department.code, licenseType: 'business-license', month, score: board.score, dimensions: board.dimensions, licenses: checked, openFindings: open.length }]);
    expect(board.byType).toEqual(rows);
    expect(board.trend).toHaveLength(6);
    expect(board.trend[5]).toEqual({ month, score: board.score });
    expect(board.trend[0].score).toBeNull();
    // A month before anything was checked has no score.
    expect(await departmentQualityScore(t.platform.store, t.issuer.department.code, '2020-01')).toBeNull();
  });

  it('an issuer reads its own, the coordination office any (or all); a consumer or another issuer not another department’s', async () => {
    const of = (who: TestClient, query: string) => api(t, 'GET', `/api/v1/quality/scores?${query}`, { token: who.token });
    const own = (await of(t.issuer, '')).body;
    expect((await of(t.coordinator, `department=${t.issuer.department.code}`)).body.score).toBe(own.score);
    const all = await of(t.coordinator, '');
    expect(all.body).toMatchObject({ department: null });
    expect(all.body.licenses).toBeGreaterThanOrEqual(own.licenses);
    for (const [who, query] of [[t.consumer, `department=${t.issuer.department.code}`], [t.otherIssuer, `department=${t.issuer.department.code}`]] as const) {
      const refused = await of(who, query);
      expect(refused.status).toBe(403);
    }
    expect((await of(t.issuer, 'month=2026-13')).status).toBe(400);
    expect((await api(t, 'GET', '/api/v1/quality/scores')).status).toBe(401);
  });

  it('findings are paged with a cursor and filtered', async () => {
    const first = await api(t, 'GET', '/api/v1/quality/findings?limit=1', { token: t.issuer.token });
    expect(first.body.items).toHaveLength(1);
    const second = await api(t, 'GET', `/api/v1/quality/findings?limit=1&cursor=${first.body.nextCursor}`, { token: t.issuer.token });
    expect(second.body.items[0].id).toBeLessThan(first.body.items[0].id);
    expect((await api(t, 'GET', '/api/v1/quality/findings?cursor=xx', { token: t.issuer.token })).body).toMatchObject({ status: 400, code: 'invalid-cursor' });
    expect((await api(t, 'GET', '/api/v1/quality/findings?dimension=beauty', { token: t.issuer.token })).status).toBe(400);
    const all = await api(t, 'GET', '/api/v1/quality/findings?limit=200', { token: t.coordinator.token });
    expect(all.status).toBe(200);
    expect((await findings({ status: 'explained' })).every((f) => f.status === 'explained')).toBe(true);
  });
});
