import { describe, expect, it } from 'vitest';
import { bytesToHex, canonicalJson, checkEntry, entryLeafHash, rootFromInclusionProof, verifyInclusion, verifyTreeHeadSignature, type PublicJwk, type TreeHead } from './merkle.ts';

/** The tree of RFC 9162 §2.1.1 and the paths of §2.1.3.1, written from the RFC's recursive definitions (a reference, not the code under test). */
async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const leaf = (data: Uint8Array) => sha256(concat(Uint8Array.of(0), data));
const node = (l: Uint8Array, r: Uint8Array) => sha256(concat(Uint8Array.of(1), l, r));
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
async function mth(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 1) return leaf(leaves[0]);
  const k = split(leaves.length);
  return node(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}
async function path(m: number, leaves: Uint8Array[]): Promise<Uint8Array[]> {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return m < k ? [...(await path(m, leaves.slice(0, k))), await mth(leaves.slice(k))] : [...(await path(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

const entries = Array.from({ length: 13 }, (_, i) => ({ type: 'exchange.accessed', at: `2026-11-29T10:00:${String(i).padStart(2, '0')}Z`, data: { holderCode: '91370100MA3C5K7X2P', n: i } }));
const bytesOf = (entry: unknown) => new TextEncoder().encode(canonicalJson(entry));

describe('RFC 8785 canonical JSON', () => {
  it('sorts members by UTF-16 code units at every depth and writes numbers and strings as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: [3, { z: null, y: 'é\n"' }], '\u20ac': 1, '\ud83d\ude00': 2, '\u0080': 0 })).toBe('{"a":[3,{"y":"é\\n\\"","z":null}],"b":1,"\u0080":0,"\u20ac":1,"\ud83d\ude00":2}');
    expect(canonicalJson({ n: 1e21, f: 0.000001, m: -0, big: 9007199254740991 })).toBe('{"big":9007199254740991,"f":0.000001,"m":0,"n":1e+21}');
    expect(canonicalJson({ rootHash: 'ab', timestamp: 1, treeSize: 2 })).toBe('{"rootHash":"ab","timestamp":1,"treeSize":2}');
  });
});

describe('RFC 9162 inclusion proofs', () => {
  it('every leaf of every tree size up to 13 proves its inclusion against the reference root', async () => {
    const leaves = entries.map(bytesOf);
    for (let size = 1; size <= leaves.length; size++) {
      const root = bytesToHex(await mth(leaves.slice(0, size)));
      for (let index = 0; index < size; index++) {
        const proof = { index, treeSize: size, path: (await path(index, leaves.slice(0, size))).map(bytesToHex) };
        const leafHash = await entryLeafHash(entries[index]);
        expect(leafHash).toBe(bytesToHex(await leaf(leaves[index])));
        expect(await verifyInclusion(leafHash, proof, root), `${index} in ${size}`).toBe(true);
        expect(await checkEntry(entries[index], index, { treeSize: size, rootHash: root }, proof, leafHash)).toEqual({ state: 'valid', leafHash });
      }
    }
  });

  it('refuses a changed entry, a wrong index, a changed or shortened path, a wrong size or root', async () => {
    const leaves = entries.map(bytesOf);
    const size = 11;
    const root = bytesToHex(await mth(leaves.slice(0, size)));
    const index = 6;
    const proof = { index, treeSize: size, path: (await path(index, leaves.slice(0, size))).map(bytesToHex) };
    const leafHash = await entryLeafHash(entries[index]);
    expect(await verifyInclusion(leafHash, proof, root)).toBe(true);

    const altered = { ...entries[index], data: { ...entries[index].data, holderCode: '91370100MA3C5K7Y3Q' } };
    expect((await checkEntry(altered, index, { treeSize: size, rootHash: root }, proof)).state).toBe('invalid');
    // The platform claiming the old leaf hash for an altered entry is caught before the proof.
    expect(await checkEntry(altered, index, { treeSize: size, rootHash: root }, proof, leafHash)).toMatchObject({ state: 'invalid', why: 'leaf-hash' });
    expect(await verifyInclusion(leafHash, { ...proof, index: 7 }, root)).toBe(false);
    const flipped = [...proof.path];
    flipped[1] = flipped[1].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await verifyInclusion(leafHash, { ...proof, path: flipped }, root)).toBe(false);
    expect(await verifyInclusion(leafHash, { ...proof, path: proof.path.slice(0, -1) }, root)).toBe(false);
    expect(await verifyInclusion(leafHash, { ...proof, path: [...proof.path, proof.path[0]] }, root)).toBe(false);
    expect(await verifyInclusion(leafHash, { ...proof, treeSize: 7 }, root)).toBe(false);
    expect(await verifyInclusion(leafHash, proof, bytesToHex(await mth(leaves.slice(0, 12))))).toBe(false);
    expect(await rootFromInclusionProof(11, 11, leafHash, proof.path)).toBeUndefined();
    expect(await rootFromInclusionProof(-1, 11, leafHash, proof.path)).toBeUndefined();
  });

  it('an entry newer than the tree head is pending, not invalid; a proof of another size is invalid', async () => {
    expect(await checkEntry(entries[5], 5, { treeSize: 5, rootHash: '00' }, undefined)).toEqual({ state: 'pending' });
    const leaves = entries.map(bytesOf);
    const root = bytesToHex(await mth(leaves.slice(0, 8)));
    const proof = { index: 2, treeSize: 7, path: (await path(2, leaves.slice(0, 7))).map(bytesToHex) };
    expect((await checkEntry(entries[2], 2, { treeSize: 8, rootHash: root }, proof)).state).toBe('invalid');
  });

  it('works for indexes and sizes beyond 32 bits (no bit operations)', async () => {
    // A tree of 2^33 + 1 leaves: the last leaf's path is the single root of the first 2^33.
    const size = 2 ** 33 + 1;
    const sibling = 'aa'.repeat(32);
    const leafHash = await entryLeafHash(entries[0]);
    const expected = bytesToHex(await node(Uint8Array.from(sibling.match(/../g)!.map((h) => parseInt(h, 16))), Uint8Array.from(leafHash.match(/../g)!.map((h) => parseInt(h, 16)))));
    expect(await rootFromInclusionProof(size - 1, size, leafHash, [sibling])).toBe(expected);
  });
});

describe('the signed tree head', () => {
  const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const text = (s: string) => new TextEncoder().encode(s);

  async function signedHead(fields: { treeSize: number; rootHash: string; timestamp: number }, options: { typ?: string; payload?: string } = {}) {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PublicJwk;
    const kid = 'log-key-1';
    const header = b64url(text(JSON.stringify({ alg: 'EdDSA', kid, typ: options.typ ?? 'tree-head+json' })));
    const payload = b64url(text(options.payload ?? canonicalJson(fields)));
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, text(`${header}.${payload}`)));
    const head: TreeHead = { ...fields, keyId: kid, signature: `${header}.${payload}.${b64url(signature)}` };
    return { head, keys: [{ ...jwk, kid, alg: 'EdDSA' }] };
  }

  const fields = { treeSize: 42, rootHash: 'ab'.repeat(32), timestamp: 1_795_997_727_012 };

  it('verifies with the published Ed25519 log key', async () => {
    const { head, keys } = await signedHead(fields);
    expect(await verifyTreeHeadSignature(head, keys)).toEqual({ ok: true });
  });

  it('refuses a head whose fields differ from what was signed, a wrong key, a wrong typ, a broken signature', async () => {
    const { head, keys } = await signedHead(fields);
    expect(await verifyTreeHeadSignature({ ...head, rootHash: 'cd'.repeat(32) }, keys)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(await verifyTreeHeadSignature({ ...head, treeSize: 43 }, keys)).toMatchObject({ ok: false, reason: 'mismatch' });
    const other = await signedHead(fields);
    expect(await verifyTreeHeadSignature(head, other.keys)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verifyTreeHeadSignature(head, [])).toMatchObject({ ok: false, reason: 'unknown-key' });
    const typ = await signedHead(fields, { typ: 'JWT' });
    expect(await verifyTreeHeadSignature(typ.head, typ.keys)).toMatchObject({ ok: false, reason: 'malformed' });
    const [h, p, s] = head.signature.split('.');
    const broken = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    expect(await verifyTreeHeadSignature({ ...head, signature: broken }, keys)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verifyTreeHeadSignature({ ...head, signature: 'not-a-jws' }, keys)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
