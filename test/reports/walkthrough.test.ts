/**
 * Issue 10's walk-through, end to end over HTTP on both stores: the tax bureau reports a name
 * mismatch for an enterprise; the market regulation administration sees the finding in its quality
 * findings and the objection in its queue, and accepts it; the license gets a new version, the tax
 * bureau's lookups get the new name and its subscription receives the amendment; the month's PDF
 * report shows the objection answered on time, the quality score and the ranking, and the ledger's
 * debits equal its credits to the fen.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { startDeliverer, type Deliverer } from '../../src/deliveries/index.ts';
import { chinaMonth } from '../../src/platform/chinaTime.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { checkChanges } from '../../src/quality/index.ts';
import { agreement, catalogBusinessLicense, eventually, issue, lookup, startReceiver } from '../exchange/support.ts';
import { expectBalanced, post, setPrice } from '../ledger/support.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { pdfText } from './support.ts';

let t: TestPlatform;
let deliverer: Deliverer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32' });
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative'] });
  await setPrice(t, { fenPerRecord: 25, validFrom: '2000-01-01' });
  receiver = await startReceiver();
  deliverer = startDeliverer(t.platform, { pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 100, maxAttempts: 3, timeoutMs: 5_000 });
});
afterAll(async () => {
  await deliverer?.stop();
  await receiver?.close();
  await t?.close();
});

it('a reported mismatch becomes a finding and an objection, accepted into a new version that consumers and the month’s report see', async () => {
  const license = await issue(t);
  const holder = license.holder.code;
  const subscribed = await api(t, 'POST', '/api/v1/subscriptions', { token: t.consumer.token, body: { resourceId: 'business-license', callbackUrl: receiver.url, holders: [holder] } });
  expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
  const taxName = `${String(license.data.name)}（税务登记）`;

  // 1. The tax bureau reports the name it holds: a mismatch, without learning the license's value.
  const reported = await api(t, 'POST', '/api/v1/quality/reports', { token: t.consumer.token, body: { type: 'business-license', holderCode: holder, fields: { name: taxName } } });
  expect(reported.status, JSON.stringify(reported.body)).toBe(201);
  expect(reported.body).toEqual({ id: expect.any(Number), status: 'received' });

  // 2. The issuer sees the finding, suspected until it confirms it (or another department reports the same).
  const findings = await api(t, 'GET', `/api/v1/quality/findings?dimension=consistency&licenseIdentifier=${license.identifier}`, { token: t.issuer.token });
  expect(findings.status).toBe(200);
  expect(findings.body.items).toHaveLength(1);
  expect(findings.body.items[0]).toMatchObject({ dimension: 'consistency', status: 'suspected', confirmable: true });

  // 3. The tax bureau objects; the issuer finds it in its queue and accepts it.
  const objected = await api(t, 'POST', '/api/v1/objections', { token: t.consumer.token, body: { licenseIdentifier: license.identifier, fields: ['name'], reason: '名称与税务登记不一致' } });
  expect(objected.status, JSON.stringify(objected.body)).toBe(201);
  expect(objected.body).toMatchObject({ status: 'submitted' });
  const queue = await api(t, 'GET', '/api/v1/objections?role=issuer', { token: t.issuer.token });
  expect(queue.body.items.map((o: { id: string }) => o.id)).toContain(objected.body.id);
  expect((await lookup(t, t.consumer, holder)).body.underObjection).toBe(true);
  const accepted = await api(t, 'POST', `/api/v1/objections/${objected.body.id}/decision`, { token: t.issuer.token, body: { decision: 'accept', reason: '核实后更正', data: { name: taxName } } });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  expect(accepted.body).toMatchObject({ status: 'accepted', answeredOnTime: true });

  // 4. A new version; lookups get the new name; the subscription receives the amendment.
  const after = await lookup(t, t.consumer, holder);
  expect(after.body).toMatchObject({ version: 2, fields: { name: taxName } });
  expect(after.body.underObjection).toBeUndefined();
  await eventually(() => receiver.accepted().some((r) => r.json.type === 'cn.gov.certbridge.license.amended' && r.json.data.fields.name === taxName), 'the amendment delivered');

  // 5. The month closes: the log sequenced, quality checked, the ledger posted.
  await sequence(t.platform);
  await checkChanges(t.platform, systemPrincipal('quality'));
  await post(t);
  const { debits, credits } = await expectBalanced(t);
  expect(debits).toBe(50);
  expect(credits).toBe(50);

  const month = chinaMonth();
  const board = await api(t, 'GET', `/api/v1/evaluation/scoreboard?month=${month}`, { token: t.coordinator.token });
  const issuerRow = board.body.departments.find((d: { code: string }) => d.code === t.issuer.department.code);
  expect(issuerRow.figures.objections).toMatchObject({ answered: 1, onTime: 1, open: 0 });
  expect(issuerRow.marks.objectionsOnTime).toBe(100);
  expect(issuerRow.figures.quality).not.toBeNull();
  expect(issuerRow.rank).toBeGreaterThanOrEqual(1);

  const response = await fetch(`${t.url}/api/v1/reports/monthly?month=${month}&format=pdf`, { headers: { authorization: `Bearer ${t.coordinator.token}` } });
  expect(response.status).toBe(200);
  const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
  expect(text).toContain('到期数据异议 1 件，按时答复 1 件（100.0%）');
  expect(text).toContain('四、数据质量');
  // The ranking table's row of the issuer: rank, name, score.
  expect(text).toContain(`${issuerRow.rank} ${t.issuer.department.name} ${issuerRow.score.toFixed(1)}`);
  expect(text).toContain(issuerRow.figures.quality.toFixed(1));
  expect(text).toContain('借方合计 ¥0.50，贷方合计 ¥0.50，借贷平衡（精确到分）');
});
