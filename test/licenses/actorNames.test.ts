/**
 * Who did something, in words: a license's versions and events name their actors beside them (a
 * member of staff, a department's system), through the kernel's look-up (actorNamesOf), which the
 * people capability provides and which names any number of enterprises in one query.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { holderNamesOf } from '../../src/licenses/index.ts';
import { actorNamesOf } from '../../src/platform/actorNames.ts';
import { browser, person, type Browser } from '../people/support.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let clerk: { username: string };
let signedIn: Browser;
const SYSTEM_NAME = '山东省市场监督管理局业务系统';

beforeAll(async () => {
  t = await startTestPlatform();
  const account = await person(t, t.issuer, 'issuer', '王 发证');
  clerk = account;
  signedIn = browser(t);
  expect((await signedIn.signIn(account.username, account.password)).status).toBe(200);
});
afterAll(() => t?.close());

describe("a license's history names who did what", () => {
  it('issued by a clerk, amended by the department’s system, suspended by the clerk: versions and events carry their names', async () => {
    const issued = await signedIn.request('POST', '/api/v1/licenses', { body: licenseRequest() });
    expect(issued.status).toBe(201);
    const id = issued.body.identifier as string;
    const amended = await api(t, 'POST', `/api/v1/licenses/${id}/amend`, { token: t.issuer.token, body: { data: { domicile: '山东省济南市历下区经十路100号' }, reason: '住所变更' } });
    expect(amended.status).toBe(200);
    expect((await signedIn.request('POST', `/api/v1/licenses/${id}/suspend`, { body: { reason: '歇业' } })).status).toBe(200);

    const versions = await signedIn.request('GET', `/api/v1/licenses/${id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.map((v: { createdBy: string; createdByName: string | null }) => [v.createdBy, v.createdByName])).toEqual([
      [`person:${clerk.username}`, '王 发证'],
      [t.issuer.clientId, SYSTEM_NAME],
    ]);
    const events = await api(t, 'GET', `/api/v1/licenses/${id}/events`, { token: t.issuer.token });
    expect(events.status).toBe(200);
    expect(events.body.map((e: { event: string; actor: string; actorName: string | null }) => [e.event, e.actor, e.actorName])).toEqual([
      ['issued', `person:${clerk.username}`, '王 发证'],
      ['amended', t.issuer.clientId, SYSTEM_NAME],
      ['suspended', `person:${clerk.username}`, '王 发证'],
    ]);
  });
});

describe('the kernel’s look-up of names (actorNamesOf)', () => {
  it('names many enterprises in one query (by the name on their newest license), people and systems in one each; the operator and jobs have none', async () => {
    const holders: { code: string; name: string; identifier: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const request = licenseRequest();
      const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: request });
      expect(issued.status).toBe(201);
      holders.push({ code: request.holder.code, name: request.data.name, identifier: issued.body.identifier });
    }
    // A renamed enterprise goes by its new name.
    const renamed = await api(t, 'POST', `/api/v1/licenses/${holders[0].identifier}/amend`, { token: t.issuer.token, body: { data: { name: '济南更名后科技有限公司' }, reason: '名称变更' } });
    expect(renamed.status).toBe(200);
    holders[0].name = '济南更名后科技有限公司';

    const query = vi.spyOn(t.platform.store, 'query');
    try {
      const byCode = await holderNamesOf(t.platform, [...holders.map((h) => h.code), '91370000MA00000000']);
      expect(query).toHaveBeenCalledTimes(1);
      expect(Object.fromEntries(byCode)).toEqual(Object.fromEntries(holders.map((h) => [h.code, h.name])));

      query.mockClear();
      const actors = [...holders.map((h) => `holder:${h.code}`), `person:${clerk.username}`, t.issuer.clientId, t.consumer.clientId, 'operator:test', 'system', null, `person:${clerk.username}`];
      const names = await actorNamesOf(t.platform, actors);
      expect(query).toHaveBeenCalledTimes(3);
      expect(Object.fromEntries(names)).toEqual({
        ...Object.fromEntries(holders.map((h) => [`holder:${h.code}`, h.name])),
        [`person:${clerk.username}`]: '王 发证',
        [t.issuer.clientId]: SYSTEM_NAME,
        [t.consumer.clientId]: '国家税务总局山东省税务局业务系统',
      });
    } finally {
      query.mockRestore();
    }
  });

  it('without a provider (a platform no capability attached to), no actor has a name', async () => {
    const bare: TestPlatform['platform'] = Object.create(t.platform);
    expect((await actorNamesOf(bare, [`person:${clerk.username}`, t.issuer.clientId])).size).toBe(0);
    expect((await actorNamesOf(t.platform, [`person:${clerk.username}`])).get(`person:${clerk.username}`)).toBe('王 发证');
  });
});
