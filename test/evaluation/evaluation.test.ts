/**
 * Departmental evaluation (考核) over HTTP, on both stores: lookups count once the audit log has
 * sequenced them; the provider is marked on what it serves and publishes, the consumer on what it
 * reads; weights are set by the coordination office alone, kept with their history, and change the
 * score; bad months and weights are refused with the field at fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { recomputeScoreboard, type Scoreboard } from '../../src/evaluation/index.ts';
import { addMonths, chinaMonth } from '../../src/platform/chinaTime.ts';
import { agreement, batch, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { OPERATOR, api, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
const month = chinaMonth();

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative'] });
  const holders = [(await issue(t)).holder.code, (await issue(t)).holder.code, (await issue(t)).holder.code];
  expect((await lookup(t, t.consumer, holders[0])).status).toBe(200);
  expect((await batch(t, t.consumer, holders)).status).toBe(200);
});
afterAll(() => t?.close());

const row = (board: Scoreboard, code: string) => board.departments.find((d) => d.code === code)!;

describe('the scoreboard', () => {
  it('counts lookups from the audit log (in it, under its signed checkpoint, from their commit), for the consumer and for the provider', async () => {
    await sequence(t.platform);
    const after = await recomputeScoreboard(t.platform, OPERATOR, month);
    expect(row(after, t.consumer.department.code).figures.lookups).toMatchObject({ consumed: 4, served: 0, requestedAccess: true });
    expect(row(after, t.issuer.department.code).figures.lookups).toMatchObject({ served: 4, consumed: 0 });
    expect(row(after, t.issuer.department.code).figures.catalog.published).toBe(1);
    // The best department on a relative indicator gets 100; the ones it does not apply to get null.
    expect(row(after, t.issuer.department.code).marks.lookupsServed).toBe(100);
    expect(row(after, t.consumer.department.code).marks.lookupsServed).toBeNull();
    expect(row(after, t.consumer.department.code).marks.lookupsConsumed).toBe(100);
  });

  it('is read over HTTP by every department, ranked best first; the coordination office is not ranked', async () => {
    const read = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${month}`, { token: t.consumer.token });
    expect(read.status).toBe(200);
    const board = read.body as Scoreboard;
    expect(board).toMatchObject({ month, provisional: true });
    const scored = board.departments.filter((d) => d.score !== null);
    expect(scored.map((d) => d.score)).toEqual([...scored.map((d) => d.score)].sort((a, b) => b! - a!));
    expect(scored[0].rank).toBe(1);
    expect(row(board, t.coordinator.department.code)).toBeUndefined();
    expect(board.departments.map((d) => d.code)).toEqual(expect.arrayContaining([t.issuer.department.code, t.otherIssuer.department.code, t.consumer.department.code]));
  });

  it('refuses a month that is not one, or has not begun', async () => {
    const bad = await api(t, 'GET', '/api/v1/evaluation/scoreboard?month=2026-13', { token: t.consumer.token });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('querystring:/month');
    const future = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${addMonths(month, 2)}`, { token: t.consumer.token });
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('month-in-future');
    expect(future.body.title).toBe('Month has not begun');
    // Found by the fuzzing pass: a year JavaScript's Date cannot hold (it reads 0099 as 1999) was a 500.
    const ancient = await api(t, 'GET', '/api/v1/evaluation/trend?to=0099-06&months=24', { token: t.consumer.token });
    expect(ancient.status).toBe(400);
    // Months are bounded at the edge (1900–2999) since the second outside test.
    expect(ancient.body).toMatchObject({ code: 'validation-failed', field: 'querystring:/to' });
  });

  it('computes a month once when several ask at once, and keeps a closed month’s board', async () => {
    const closed = addMonths(month, -5);
    const asks = await Promise.all([0, 1, 2, 3].map(() => api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${closed}`, { token: t.consumer.token })));
    expect(asks.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const again = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${closed}`, { token: t.issuer.token });
    expect(again.body.computedAt).toBe(asks[0].body.computedAt);
    const kept = await t.platform.store.query<{ n: number }>('select count(*)::int as n from evaluation_boards where month = $1', [closed]);
    expect(kept.rows[0].n).toBe(1);
  });

  it('shows a trend of the last months, oldest first', async () => {
    const trend = await api(t, 'GET', `/api/v1/evaluation/trend?to=${month}&months=3`, { token: t.coordinator.token });
    expect(trend.status).toBe(200);
    expect(trend.body.months.map((m: { month: string }) => m.month)).toEqual([addMonths(month, -2), addMonths(month, -1), month]);
    expect(trend.body.months[0].departments.every((d: { score: number | null }) => d.score === null)).toBe(true);
  });
});

describe('weights', () => {
  const setWeights = (token: string, body: Record<string, unknown>) =>
    api(t, 'POST', '/api/v1/evaluation/weights', { token, body: { validFrom: month, reason: '2026 年度考核办法', ...body } });

  it('the coordination office sets them from a month on; the history stays; the score follows them', async () => {
    const before = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${month}`, { token: t.coordinator.token });
    const set = await setWeights(t.coordinator.token, { weights: { lookupsServed: 100, catalogPublished: 0, catalogOpenness: 0, requestsOnTime: 0, quality: 0, objectionsOnTime: 0, deliverySuccess: 0 } });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(set.body.weights).toMatchObject({ lookupsServed: 100, lookupsConsumed: 10 });
    const history = await api(t, 'GET', '/api/v1/evaluation/weights', { token: t.issuer.token });
    expect(history.body.items.map((w: { id: number }) => w.id)).toEqual([set.body.id, before.body.weights.id]);
    const after = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${month}`, { token: t.coordinator.token });
    expect(after.body.weights.id).toBe(set.body.id);
    // Only lookups served (100 for the issuer) and consumed weigh now.
    expect(row(after.body, t.issuer.department.code).score).toBe(100);
    expect(row(after.body, t.consumer.department.code).score).toBe(100);
    // The month before keeps the weights it had.
    const earlier = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${addMonths(month, -1)}`, { token: t.coordinator.token });
    expect(earlier.body.weights.id).toBe(before.body.weights.id);
  });

  it('nobody else sets them; bad weights are refused with the field at fault', async () => {
    expect((await setWeights(t.consumer.token, { weights: { quality: 50 } })).status).toBe(403);
    expect((await setWeights(t.issuer.token, { weights: { quality: 50 } })).status).toBe(403);
    const unknown = await setWeights(t.coordinator.token, { weights: { speed: 5 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'unknown-indicator', field: '/weights/speed' });
    const zero = await setWeights(t.coordinator.token, { weights: { lookupsServed: 0, lookupsConsumed: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.field).toBe('/weights');
    expect((await setWeights(t.coordinator.token, { weights: { quality: 101 } })).status).toBe(400);
  });
});
