/**
 * The log as a C2SP tlog-tiles log, over HTTP: an auditor's client written from the specifications
 * (./tlogClient.ts, independent of src/audit) verifies the checkpoint with the log's verifier key,
 * mirrors every tile and entry bundle, recomputes the root, checks every entry against its leaf
 * hash and every inclusion proof of the API against the tiles, and checks that a later checkpoint
 * is an extension of an earlier one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { api, type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';
import { entryLeafHash, TlogClient, vkeyOf, type Checkpoint } from './tlogClient.ts';

let t: TestPlatform;
let vkey: string;
const prefix = () => `${t.url}/api/v1/audit`;
const client = (token = t.coordinator.token) => new TlogClient(prefix(), vkey, { authorization: `Bearer ${token}` });

async function grow(n: number) {
  for (let done = 0; done < n; done += 100) {
    await publish(t.platform, [
      licenseEvent('issued', HOLDERS[done % 4], t.issuer.department.code, done),
      ...Array.from({ length: Math.min(100, n - done) - 1 }, (_, i) => accessEvent({ department: t.consumer.department.code, client: t.consumer.clientId, holders: [HOLDERS[i % 4]] })),
    ]);
  }
}

beforeAll(async () => {
  t = await startTestPlatform();
  await grow(600);
  // The verifier key from what a client is given out of band: the log key (JWKS) under the origin (the checkpoint's first line).
  const note = await (await fetch(`${prefix()}/checkpoint`)).text();
  const origin = note.slice(0, note.indexOf('\n'));
  const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kty: string; crv?: string; x?: string }[] };
  const signedBy = Buffer.from(note.trimEnd().split(' ').at(-1)!, 'base64').subarray(0, 4).toString('hex');
  vkey = jwks.keys
    .filter((k) => k.crv === 'Ed25519')
    .map((k) => vkeyOf(origin, Buffer.from(k.x!, 'base64url')))
    .find((v) => v.split('+')[1] === signedBy)!;
});
afterAll(() => t.close());

describe('the audit log through the C2SP tlog-tiles API', () => {
  let first: Checkpoint;

  it('serves a signed checkpoint (public, text/plain) that verifies with the log’s verifier key', async () => {
    const published = await api(t, 'GET', '/api/v1/audit/verifier-key');
    expect(published.status).toBe(200);
    expect(published.body.verifierKey).toBe(vkey);
    first = await client().checkpoint();
    expect(first.origin).toBe(published.body.origin);
    expect(first.size).toBeGreaterThanOrEqual(600);
    await expect(new TlogClient(prefix(), vkeyOf(first.origin, Buffer.alloc(32, 1))).checkpoint()).rejects.toThrow(/no signature by the verifier key/);
  });

  it('mirrors: every tile and entry bundle; the root from the tiles is the checkpoint’s, every entry hashes to its leaf', async () => {
    const c = client();
    const checkpoint = await c.checkpoint();
    expect((await c.subtree(0, checkpoint.size, checkpoint.size)).equals(checkpoint.root)).toBe(true);
    let count = 0;
    for (let n = 0; n * 256 < checkpoint.size; n++) {
      const entries = await c.bundle(n, checkpoint.size);
      const leaves = await c.tile(0, n, checkpoint.size);
      expect(entries.map((e) => entryLeafHash(e).toString('hex'))).toEqual(leaves.map((l) => l.toString('hex')));
      count += entries.length;
    }
    expect(count).toBe(checkpoint.size);
    expect(c.fetched.bundles).toBeGreaterThanOrEqual(3);
    // The signed tree head of the JSON API names the same tree.
    const head = (await sequence(t.platform)).treeHead;
    expect(head.rootHash).toBe((await c.subtree(0, head.treeSize, checkpoint.size)).toString('hex'));
  });

  it('recomputes from the tiles the inclusion proofs the API gives', async () => {
    const c = client();
    const head = (await sequence(t.platform)).treeHead;
    for (const index of [0, 1, 255, 256, 300, head.treeSize - 1]) {
      const proof = await api(t, 'GET', `/api/v1/audit/proofs/inclusion?index=${index}&treeSize=${head.treeSize}`, { token: t.coordinator.token });
      expect(proof.status).toBe(200);
      expect((await c.inclusion(index, head.treeSize)).map((h) => h.toString('hex'))).toEqual(proof.body.path);
    }
  });

  it('a later checkpoint extends an earlier one: the earlier root recomputed from the later tiles', async () => {
    await grow(300);
    const c = client();
    const later = await c.checkpoint();
    expect(later.size).toBeGreaterThan(first.size);
    expect((await c.subtree(0, first.size, later.size)).equals(first.root)).toBe(true);
    // The partial tiles of the earlier size are still served (prefixes of what is stored now).
    expect((await client().subtree(0, first.size, first.size)).equals(first.root)).toBe(true);
  });

  it('sends full bundles gzip-compressed to clients that accept it, and plain to those that do not', async () => {
    const gz = await fetch(`${prefix()}/tile/entries/000`, { headers: { authorization: `Bearer ${t.coordinator.token}`, 'accept-encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('cache-control')).toContain('immutable');
    const plain = await fetch(`${prefix()}/tile/entries/000`, { headers: { authorization: `Bearer ${t.coordinator.token}`, 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(Buffer.from(await gz.arrayBuffer()))).toBe(true);
  });

  it('lets anyone signed in read tiles, only the coordination office read entry bundles, and refuses bad paths', async () => {
    const tile = (path: string, token?: string) => fetch(`${prefix()}/tile/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await tile('0/000', t.consumer.token)).status).toBe(200);
    expect((await tile('0/000')).status).toBe(401);
    expect((await tile('entries/000', t.consumer.token)).status).toBe(403);
    expect((await tile('entries/000', t.issuer.token)).status).toBe(403);
    const bad = await tile('0/0000', t.consumer.token);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { code: string }).code).toBe('invalid-tile-path');
    const absent = await tile('0/x001/000', t.consumer.token);
    expect(absent.status).toBe(404);
    // A partial tile wider than the tree has it.
    const { size } = await client().checkpoint();
    expect(size % 256).toBeLessThan(255);
    expect((await tile(`0/${String(Math.floor(size / 256)).padStart(3, '0')}.p/255`, t.consumer.token)).status).toBe(404);
  });
});
