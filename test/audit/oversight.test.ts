import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { api, type TestClient, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { addDepartment, agreement, catalogBusinessLicense } from '../exchange/support.ts';
import { accessEvent, HOLDERS, publish } from './support.ts';

// Alerts from synthetic `exchange.accessed` events, published through platform.events as the
// exchange's access recorder publishes them.

let t: TestPlatform;
let housing: TestClient;
let police: TestClient;
let agreementId: string;
const oversight = { factor: 2, floor: 20 };
const DAY = 86_400_000;

async function alerts() {
  const r = await api(t, 'GET', '/api/v1/audit/alerts', { token: t.coordinator.token });
  expect(r.status).toBe(200);
  return r.body.items as { id: number; kind: string; department: string; clientId: string; agreementId: string | null; count: number; threshold: number; detail: any }[];
}

async function inbox() {
  const r = await api(t, 'GET', '/api/v1/inbox?kind=audit.alert', { token: t.coordinator.token });
  expect(r.status).toBe(200);
  return r.body.items as { kind: string; title: string; titleEn: string; link: string }[];
}

const accesses = (client: TestClient, n: number, extra: Partial<Parameters<typeof accessEvent>[0]> = {}) =>
  Array.from({ length: n }, (_, i) => accessEvent({ department: client.department.code, client: client.clientId, holders: [HOLDERS[i % 4]], ...extra }));

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  police = await addDepartment(t, '山东省公安厅', 'Shandong Public Security', ['consumer']);
  agreementId = (await agreement(t, t.consumer, { expectedDailyVolume: 5 })).id;
  await sequence(t.platform, { oversight });
});
afterAll(() => t.close());

describe('oversight alerts', () => {
  it('alerts the coordination office when a system passes its agreement’s expected daily volume', async () => {
    await publish(t.platform, accesses(t.consumer, 5, { agreementId }));
    await sequence(t.platform, { oversight });
    expect(await alerts()).toEqual([]);
    // A denied lookup does not count towards the volume the agreement allows.
    await publish(t.platform, [...accesses(t.consumer, 2, { agreementId, outcome: 'denied' }), ...accesses(t.consumer, 1, { agreementId })]);
    await sequence(t.platform, { oversight });
    const [alert] = await alerts();
    expect(alert).toMatchObject({ kind: 'volume-exceeded', department: t.consumer.department.code, clientId: t.consumer.clientId, agreementId, count: 6, threshold: 5 });
    const [notice] = await inbox();
    expect(notice.title).toContain(t.consumer.department.name);
    expect(notice.titleEn).toContain('the agreement expects 5 a day');
    expect(notice.link).toMatch(/^\/api\/v1\/audit\/entries\?department=/);
    // The link finds the accesses of that day.
    const found = await api(t, 'GET', notice.link, { token: t.coordinator.token });
    expect(found.status).toBe(200);
    expect(found.body.items.filter((i: any) => i.entry.type === 'exchange.accessed').length).toBe(8);
    // Once per day, system and agreement.
    await publish(t.platform, accesses(t.consumer, 3, { agreementId }));
    await sequence(t.platform, { oversight });
    expect((await alerts()).length).toBe(1);
    expect((await inbox()).length).toBe(1);
  });

  it('alerts when a system’s day is far outside its usual pattern (k × its trailing 7-day mean, with a floor)', async () => {
    // A week of 10 lookups a day…
    for (let d = 7; d >= 1; d--) {
      await publish(t.platform, accesses(housing, 10, { at: new Date(Date.now() - d * DAY), purpose: 'housing-administration' }));
    }
    await sequence(t.platform, { oversight });
    // …then 20 today: 2 × the mean and at the floor, not beyond.
    await publish(t.platform, accesses(housing, 20, { purpose: 'housing-administration' }));
    await sequence(t.platform, { oversight });
    expect((await alerts()).filter((a) => a.kind === 'unusual-volume')).toEqual([]);
    await publish(t.platform, accesses(housing, 1, { purpose: 'housing-administration' }));
    await sequence(t.platform, { oversight });
    const unusual = (await alerts()).filter((a) => a.kind === 'unusual-volume');
    expect(unusual).toEqual([expect.objectContaining({ department: housing.department.code, clientId: housing.clientId, agreementId: null, count: 21, threshold: 20 })]);
    expect(unusual[0].detail).toMatchObject({ trailingMean: 10, factor: 2, floor: 20 });
    expect((await inbox()).some((n) => n.titleEn.startsWith('Unusual access volume') && n.title.includes(housing.department.name))).toBe(true);
  });

  it('does not call a system without history unusual, and keeps its floor', async () => {
    await publish(t.platform, accesses(police, 50, { purpose: 'public-security' }));
    await sequence(t.platform, { oversight });
    expect((await alerts()).filter((a) => a.department === police.department.code)).toEqual([]);
  });

  it('lets only the coordination office see the alerts', async () => {
    expect((await api(t, 'GET', '/api/v1/audit/alerts', { token: housing.token })).status).toBe(403);
    expect((await api(t, 'GET', '/api/v1/audit/alerts', { token: t.issuer.token })).status).toBe(403);
  });
});
