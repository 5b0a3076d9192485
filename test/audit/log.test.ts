import canonicalizeModule from 'canonicalize';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { api, licenseRequest, type TestClient, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { browser, person } from '../people/support.ts';
import { addDepartment, agreement, batch, catalogBusinessLicense, issue, lookup } from '../exchange/support.ts';
import { hashLeaf, independentlyVerifyConsistency, independentlyVerifyInclusion, unhex } from './verifier.ts';

// The test computes canonical bytes with the package directly, not through src/audit.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

let t: TestPlatform;
let housing: TestClient;
let licenses: { identifier: string; holder: { code: string } }[];
let holderToken: string;
let otherHolderToken: string;

async function treeHead() {
  const head = await api(t, 'GET', '/api/v1/audit/tree-head');
  expect(head.status).toBe(200);
  return head.body as { treeSize: number; rootHash: string; timestamp: number; signature: string; keyId: string };
}

async function allEntries(): Promise<{ index: number; entry: any; actorName: string | null; leafHash: string }[]> {
  const items: { index: number; entry: any; actorName: string | null; leafHash: string }[] = [];
  let before: number | null | undefined;
  do {
    const page = await api(t, 'GET', `/api/v1/audit/entries?limit=50${before ? `&before=${before}` : ''}`, { token: t.coordinator.token });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    before = page.body.next;
  } while (before);
  return items.reverse();
}

beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  housing = await addDepartment(t, '山东省住房和城乡建设厅', 'Shandong Housing', ['consumer']);
  await agreement(t, t.consumer, { fields: ['name', 'legalRepresentative', 'registeredCapital'] }, ['name', 'registeredCapital']);
  licenses = [await issue(t), await issue(t), await issue(t)];
  const change = (i: number, action: string, body: unknown) => api(t, 'POST', `/api/v1/licenses/${licenses[i].identifier}/${action}`, { token: t.issuer.token, body });
  expect((await change(0, 'amend', { data: { domicile: '山东省济南市历下区经十路100号' }, reason: '住所变更' })).status).toBe(200);
  expect((await change(1, 'suspend', { reason: '歇业' })).status).toBe(200);
  expect((await change(1, 'reinstate', { reason: '恢复营业' })).status).toBe(200);
  expect((await change(2, 'revoke', { reason: '吊销' })).status).toBe(200);
  expect((await lookup(t, t.consumer, licenses[0].holder.code)).status).toBe(200);
  expect((await lookup(t, housing, licenses[0].holder.code, 'housing-administration')).status).toBe(403);
  expect((await batch(t, t.consumer, [licenses[0].holder.code, licenses[1].holder.code, '91350100M000100Y43'])).status).toBe(200);
  expect((await lookup(t, t.consumer, licenses[1].holder.code)).status).toBe(200);
  // The holders sign in as enterprises do (their accounts opened by the issuer).
  const holderLogin = async (code: string) => {
    expect((await api(t, 'POST', '/api/v1/holders/accounts', { token: t.issuer.token, body: { holderCode: code, password: 'holder passphrase 1' } })).status).toBe(201);
    const login = await api(t, 'POST', '/api/v1/holders/login', { body: { holderCode: code, password: 'holder passphrase 1' } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    return login.body.access_token as string;
  };
  holderToken = await holderLogin(licenses[0].holder.code);
  otherHolderToken = await holderLogin(licenses[1].holder.code);
  await sequence(t.platform);
});
afterAll(() => t.close());

describe('the audit log over HTTP', () => {
  it('records every change and access as an entry, but no notifications', async () => {
    const entries = await allEntries();
    const head = await treeHead();
    expect(entries.map((e) => e.index)).toEqual(Array.from({ length: head.treeSize }, (_, i) => i));
    const types = new Set(entries.map((e) => e.entry.type));
    for (const type of ['license.issued', 'license.amended', 'license.suspended', 'license.reinstated', 'license.revoked', 'catalog.resource-created', 'exchange.accessed']) {
      expect(types, type).toContain(type);
    }
    expect([...types].some((type) => type.startsWith('agreement.'))).toBe(true);
    expect([...types].some((type) => type.startsWith('notification.'))).toBe(false);
    const accesses = entries.filter((e) => e.entry.type === 'exchange.accessed');
    expect(accesses.map((e) => e.entry.data.outcome)).toContain('denied');
    // The batch of three holders is three entries, each naming one holder only.
    const batched = accesses.filter((e) => e.entry.data.batchSize === 3);
    expect(batched.map((e) => e.entry.data.holderCode)).toEqual([licenses[0].holder.code, licenses[1].holder.code, '91350100M000100Y43']);
    expect(batched.every((e) => !('holders' in e.entry.data))).toBe(true);
    // A license change keeps a digest of the data, not the data.
    const amended = entries.find((e) => e.entry.type === 'license.amended')!;
    expect(amended.entry.data.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(amended.entry.data.data).toBeUndefined();
  });

  it('signs tree heads with the log key published in the JWKS, over the RFC 8785 bytes of {rootHash, timestamp, treeSize}', async () => {
    const head = await treeHead();
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toContain(head.keyId);
    const { payload, protectedHeader } = await compactVerify(head.signature, createLocalJWKSet(jwks));
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: head.keyId, typ: 'tree-head+json' });
    expect(new TextDecoder().decode(payload)).toBe(`{"rootHash":"${head.rootHash}","timestamp":${head.timestamp},"treeSize":${head.treeSize}}`);
  });

  it('gives every entry a leaf hash and an inclusion proof that an independent RFC 9162 verifier accepts', async () => {
    const head = await treeHead();
    const root = unhex(head.rootHash);
    for (const { index, entry, actorName, leafHash } of await allEntries()) {
      const one = await api(t, 'GET', `/api/v1/audit/entries/${index}`, { token: t.coordinator.token });
      expect(one.body).toEqual({ index, entry, actorName, leafHash });
      expect(leafHash).toBe(hashLeaf(Buffer.from(canonicalize(entry), 'utf8')).toString('hex'));
      const proof = await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=${index}`, { token: t.coordinator.token });
      expect(proof.status).toBe(200);
      expect(proof.body.treeSize).toBe(head.treeSize);
      expect(independentlyVerifyInclusion(index, head.treeSize, unhex(leafHash), proof.body.path.map(unhex), root), `entry ${index}`).toBe(true);
    }
  });

  it('keeps every tree head, and proves each consistent with the next', async () => {
    // More batches, so there is a history to walk.
    for (let round = 0; round < 3; round++) {
      await issue(t);
      await lookup(t, t.consumer, licenses[0].holder.code);
      await sequence(t.platform);
    }
    const heads: { treeSize: number; rootHash: string; signature: string }[] = [];
    let next: string | null = '/api/v1/audit/tree-heads?limit=2';
    while (next) {
      const page: { status: number; body: any } = await api(t, 'GET', next);
      expect(page.status).toBe(200);
      heads.push(...page.body.items);
      next = page.body.next;
    }
    expect(heads.length).toBeGreaterThanOrEqual(4);
    expect(heads.map((h) => h.treeSize)).toEqual([...heads.map((h) => h.treeSize)].sort((a, b) => a - b));
    expect(heads[heads.length - 1]).toEqual(await treeHead());
    for (let i = 1; i < heads.length; i++) {
      const [a, b] = [heads[i - 1], heads[i]];
      const proof = await api(t, 'GET', `/api/v1/audit/proofs/consistency?first=${a.treeSize}&second=${b.treeSize}`, { token: otherHolderToken });
      expect(proof.status).toBe(200);
      expect(independentlyVerifyConsistency(a.treeSize, b.treeSize, unhex(a.rootHash), unhex(b.rootHash), proof.body.path.map(unhex)), `${a.treeSize}→${b.treeSize}`).toBe(true);
    }
    // An inclusion proof against an older head verifies against that head's root.
    const old = heads.find((h) => h.treeSize > 3)!;
    const proof = await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=2&treeSize=${old.treeSize}`, { token: t.coordinator.token });
    const entry = await api(t, 'GET', '/api/v1/audit/entries/2', { token: t.coordinator.token });
    expect(independentlyVerifyInclusion(2, old.treeSize, unhex(entry.body.leafHash), proof.body.path.map(unhex), unhex(old.rootHash))).toBe(true);
  });

  it('shows a holder who used its data, newest first, each access with a proof against a signed tree head', async () => {
    const code = licenses[0].holder.code;
    const log = await api(t, 'GET', `/api/v1/holders/${code}/access-log`, { token: holderToken });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    const { treeHead: head, items } = log.body;
    expect(head).toEqual(await treeHead());
    // The initial lookup, the denied one, the batch and three more lookups.
    expect(items.length).toBe(6);
    expect(items.map((i: any) => i.index)).toEqual([...items.map((i: any) => i.index)].sort((a: number, b: number) => b - a));
    for (const item of items) {
      expect(item.entry.data.holderCode).toBe(code);
      expect(item.leafHash).toBe(hashLeaf(Buffer.from(canonicalize(item.entry), 'utf8')).toString('hex'));
      expect(item.proof.treeSize).toBe(head.treeSize);
      expect(independentlyVerifyInclusion(item.index, head.treeSize, unhex(item.leafHash), item.proof.path.map(unhex), unhex(head.rootHash))).toBe(true);
    }
    const allowed = items.find((i: any) => i.outcome === 'allowed' && i.entry.data.operation === 'lookup');
    expect(allowed).toMatchObject({
      department: { code: t.consumer.department.code, name: t.consumer.department.name },
      system: { clientId: t.consumer.clientId },
      purpose: { code: 'tax-administration', name: '税收征管', nameEn: 'Tax administration' },
      fields: ['name', 'registeredCapital'],
    });
    expect(items.find((i: any) => i.outcome === 'denied')).toMatchObject({ department: { code: housing.department.code }, fields: [] });

    // Paged: one at a time follows the same order.
    const first = await api(t, 'GET', `/api/v1/holders/${code}/access-log?limit=1`, { token: holderToken });
    const second = await api(t, 'GET', `/api/v1/holders/${code}/access-log?limit=1&before=${first.body.next}`, { token: holderToken });
    expect([first.body.items[0].index, second.body.items[0].index]).toEqual([items[0].index, items[1].index]);

    // Only the holder itself.
    expect((await api(t, 'GET', `/api/v1/holders/${code}/access-log`, { token: otherHolderToken })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/access-log`, { token: t.consumer.token })).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/holders/${code}/access-log`)).status).toBe(401);
  });

  it('lets a holder read its own entries and their proofs, and nobody but the coordination office read the rest', async () => {
    const entries = await allEntries();
    const own = entries.find((e) => e.entry.data.holderCode === licenses[0].holder.code)!;
    const others = entries.find((e) => e.entry.data.holderCode === licenses[2].holder.code)!;
    const general = entries.find((e) => e.entry.type === 'catalog.resource-created')!;
    expect((await api(t, 'GET', `/api/v1/audit/entries/${own.index}`, { token: holderToken })).status).toBe(200);
    expect((await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=${own.index}`, { token: holderToken })).status).toBe(200);
    for (const index of [others.index, general.index]) {
      expect((await api(t, 'GET', `/api/v1/audit/entries/${index}`, { token: holderToken })).status).toBe(403);
      expect((await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=${index}`, { token: holderToken })).status).toBe(403);
    }
    for (const client of [t.consumer, t.issuer]) {
      expect((await api(t, 'GET', `/api/v1/audit/entries/${own.index}`, { token: client.token })).status).toBe(403);
      expect((await api(t, 'GET', '/api/v1/audit/entries', { token: client.token })).status).toBe(403);
      expect((await api(t, 'GET', '/api/v1/audit/alerts', { token: client.token })).status).toBe(403);
    }
    expect((await api(t, 'GET', '/api/v1/audit/entries', { token: holderToken })).status).toBe(403);
    // Tree heads are public; everything else needs a token.
    expect((await api(t, 'GET', '/api/v1/audit/tree-heads')).status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/audit/proofs/consistency?first=1&second=2')).status).toBe(401);
  });

  it('lets the coordination office search by department, holder, purpose and time', async () => {
    const search = async (query: string) => {
      const r = await api(t, 'GET', `/api/v1/audit/entries?${query}`, { token: t.coordinator.token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items as { index: number; entry: any }[];
    };
    const byDepartment = await search(`department=${housing.department.code}`);
    expect(byDepartment.length).toBe(1);
    expect(byDepartment[0].entry.data).toMatchObject({ department: housing.department.code, outcome: 'denied' });
    const byHolder = await search(`holder=${licenses[1].holder.code}`);
    // The holder's own account (opened for the access-log tests) is an entry under it too.
    expect(new Set(byHolder.map((e) => e.entry.type))).toEqual(new Set(['license.issued', 'license.suspended', 'license.reinstated', 'exchange.accessed', 'holder.account-created']));
    const byPurpose = await search('purpose=tax-administration&type=exchange.accessed&outcome=allowed');
    expect(byPurpose.length).toBeGreaterThan(0);
    expect(byPurpose.every((e) => e.entry.data.purpose === 'tax-administration' && e.entry.data.outcome === 'allowed')).toBe(true);
    expect(await search(`from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).toEqual([]);
    const recent = await search(`from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}&limit=500`);
    expect(recent.length).toBe((await treeHead()).treeSize);
  });

  it('answers bad proof requests with problems', async () => {
    const head = await treeHead();
    const tooBig = await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=0&treeSize=${head.treeSize + 1}`, { token: t.coordinator.token });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.code).toBe('invalid-tree-size');
    const outside = await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=5&treeSize=5`, { token: t.coordinator.token });
    expect(outside.body.code).toBe('invalid-index');
    expect((await api(t, 'GET', `/api/v1/audit/entries/${head.treeSize + 10}`, { token: t.coordinator.token })).body.code).toBe('audit-entry-not-found');
    expect((await api(t, 'GET', '/api/v1/audit/proofs/consistency?first=3&second=2', { token: t.coordinator.token })).status).toBe(400);
    expect((await api(t, 'GET', `/api/v1/audit/proofs/consistency?first=1&second=${head.treeSize + 1}`, { token: t.coordinator.token })).status).toBe(400);
  });

  it('verifies from storage after the mix of exchange calls and license changes', async () => {
    await sequence(t.platform);
    const report = await verifyLog(t.platform);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({ ok: true, treeSize: (await treeHead()).treeSize, pending: 0 });
    expect(report.treeHeadsChecked).toBeGreaterThanOrEqual(4);
  });
});

describe('who acted, by name', () => {
  it('each entry the office reads names its actor by the name the person goes by, beside the entry (which the hashes cover)', async () => {
    const clerk = await person(t, t.issuer, 'issuer', '王敏');
    const session = browser(t);
    expect((await session.signIn(clerk.username, clerk.password)).status).toBe(200);
    const issued = await session.request('POST', '/api/v1/licenses', { body: licenseRequest() });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    await sequence(t.platform);
    const found = await api(t, 'GET', '/api/v1/audit/entries?type=license.issued&limit=500', { token: t.coordinator.token });
    const mine = found.body.items.find((i: { entry: { actor: string } }) => i.entry.actor === `person:${clerk.username}`);
    expect(mine).toMatchObject({ actorName: '王敏' });
    expect(mine.entry.actorName).toBeUndefined();
    expect(found.body.items.find((i: { entry: { actor: string } }) => i.entry.actor === t.issuer.clientId)).toMatchObject({ actorName: `${t.issuer.department.name}业务系统` });
    expect((await api(t, 'GET', `/api/v1/audit/entries/${mine.index}`, { token: t.coordinator.token })).body).toMatchObject({ actorName: '王敏', leafHash: mine.leafHash });
  });
});
