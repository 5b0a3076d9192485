/**
 * The red team's crafted cursors and months (finding 5 of the second outside test): every one was
 * a 500 on one store or both, because decoded values skipped the edge's checks. Each is now a 400
 * naming the parameter; test/fuzz mutates decoded cursors at random on top of these fixed cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { issue } from '../exchange/support.ts';
import { RED_TEAM_CURSORS, RED_TEAM_MONTHS } from '../fuzz/redTeam.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  // Something in each list, so that a cursor is compared with rows.
  await issue(t);
});
afterAll(() => t?.close());

describe('decoded values meet the edge’s checks', () => {
  it('crafted cursors of the licenses, objections and findings lists are 400 invalid-cursor, never 500', async () => {
    const lists: [string, string[], { token: string }][] = [
      ['/api/v1/licenses', RED_TEAM_CURSORS.licenses, t.issuer],
      ['/api/v1/objections', RED_TEAM_CURSORS.objections, t.issuer],
      ['/api/v1/quality/findings', RED_TEAM_CURSORS.findings, t.issuer],
    ];
    for (const [path, cursors, who] of lists) {
      for (const cursor of cursors) {
        const answer = await api(t, 'GET', `${path}?cursor=${cursor}`, { token: who.token });
        expect(answer.status, `${path} ${Buffer.from(cursor, 'base64url').toString()}`).toBe(400);
        expect(answer.body).toMatchObject({ code: 'invalid-cursor', field: 'querystring:/cursor' });
      }
    }
  });

  it('months outside 1900–2999 are 400 naming the month wherever a month is taken', async () => {
    const paths = ['/api/v1/quality/scores?month=', '/api/v1/evaluation/scoreboard?month=', '/api/v1/evaluation/trend?to=', '/api/v1/ledger/statements?month=', '/api/v1/reports/monthly?month='];
    for (const path of paths) {
      for (const month of RED_TEAM_MONTHS) {
        const answer = await api(t, 'GET', `${path}${month}`, { token: t.coordinator.token });
        expect(answer.status, `${path}${month}`).toBe(400);
        expect(answer.body.field, `${path}${month}`).toMatch(/month|\/to$/);
      }
    }
    // The edges of the range work.
    for (const month of ['1900-01', '2999-12']) expect((await api(t, 'GET', `/api/v1/quality/scores?month=${month}`, { token: t.coordinator.token })).status).toBe(200);
  });
});
