// The browser's inclusion check, pinned against the server's own Merkle tree, canonical JSON and
// tree-head signing (src/audit): a proof the platform makes verifies here, and nothing else does.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson as serverCanonicalJson } from '../../../src/audit/entries.ts';
import { evaluate, Frontier, inclusionExprs, leafHash as serverLeafHash, nodeKey, storedNodesOf } from '../../../src/audit/merkle.ts';
import { signTreeHead } from '../../../src/audit/treeHead.ts';
import { generateSigningKey } from '../../../src/platform/crypto/keys.ts';
import { canonicalJson, checkInclusion, leafHashOf, rootFromInclusionProof, verifyTreeHead, type Jwks, type SignedTreeHead } from './merkleProof.ts';

function entryAt(i: number) {
  return {
    type: i % 3 === 0 ? 'exchange.accessed' : 'license.issued',
    subject: `9111${String(i).padStart(14, '0')}`,
    actor: { kind: 'client', clientId: `c-${i}` },
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    data: { fields: ['name', '法定代表人'], n: i, ratio: i / 7, nested: { z: 1, a: [true, null, 'é'] } },
  };
}

/** A tree of `size` entries built by the server's code, with a proof maker. */
function tree(size: number) {
  const entries = Array.from({ length: size }, (_, i) => entryAt(i));
  const stored = new Map<string, Buffer>();
  const frontier = Frontier.empty();
  for (const entry of entries) frontier.append(serverLeafHash(serverCanonicalJson(entry)), (level, index, hash) => stored.set(nodeKey(level, index), hash));
  const prove = (index: number) => {
    const exprs = inclusionExprs(index, size);
    storedNodesOf(exprs); // every node the proof names is in `stored`: the tree is complete
    return { index, treeSize: size, path: exprs.map((expr) => evaluate(expr, stored).toString('hex')) };
  };
  return { entries, root: frontier.root().toString('hex'), prove };
}

const key = generateSigningKey('EdDSA', randomBytes(32)).key;
const jwks: Jwks = { keys: [key.publicJwk] };

function head(size: number, rootHash: string): SignedTreeHead {
  return signTreeHead(key, { treeSize: size, rootHash, timestamp: 1_767_225_600_000 + size });
}

describe('canonical JSON', () => {
  it('writes what the server hashes (RFC 8785)', () => {
    const samples: unknown[] = [
      entryAt(5),
      { b: 1, a: [1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333], c: 'line\nbreak "quoted" \u2028 \u001f', d: null },
      { '\u20ac': 1, '\r': 2, 'ö': 3, '1': 4, '\ud83d\ude00': 5, a: { y: [], x: {} } },
      [],
      'text',
      42,
    ];
    for (const sample of samples) expect(canonicalJson(sample)).toBe(serverCanonicalJson(sample));
  });
});

describe('an inclusion proof', () => {
  it('leads to the root for every leaf of trees of many sizes', async () => {
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33]) {
      const t = tree(size);
      for (let index = 0; index < size; index++) {
        const proof = t.prove(index);
        const leaf = await leafHashOf(t.entries[index]);
        expect(leaf).toBe(serverLeafHash(serverCanonicalJson(t.entries[index])).toString('hex'));
        expect(await rootFromInclusionProof(index, size, leaf, proof.path)).toBe(t.root);
      }
    }
  });

  it('is valid, with a valid signature, when entry, proof and signed head agree', async () => {
    const t = tree(11);
    const treeHead = head(11, t.root);
    expect(await verifyTreeHead(treeHead, jwks)).toBe('valid');
    const check = await checkInclusion({ entry: t.entries[6], leafHash: await leafHashOf(t.entries[6]), proof: t.prove(6), treeHead, jwks });
    expect(check).toMatchObject({ valid: true, signature: 'valid', computedRoot: t.root, rootHash: t.root });
    expect(check.failure).toBeUndefined();
    // Without a JWKS the signature is left unchecked but the path still decides.
    expect(await checkInclusion({ entry: t.entries[6], proof: t.prove(6), treeHead })).toMatchObject({ valid: true, signature: 'unchecked' });
  });

  it('fails for an altered entry, a wrong leaf hash, a bad path, another tree size or another root', async () => {
    const t = tree(11);
    const treeHead = head(11, t.root);
    const proof = t.prove(4);
    const altered = { ...t.entries[4], data: { ...t.entries[4].data, n: 999 } };
    expect(await checkInclusion({ entry: altered, proof, treeHead })).toMatchObject({ valid: false, failure: 'root-mismatch' });
    expect(await checkInclusion({ entry: t.entries[4], leafHash: await leafHashOf(altered), proof, treeHead })).toMatchObject({ valid: false, failure: 'leaf-mismatch' });
    expect(await checkInclusion({ entry: t.entries[4], proof: { ...proof, path: proof.path.slice(1) }, treeHead })).toMatchObject({ valid: false, failure: 'proof-shape' });
    expect(await checkInclusion({ entry: t.entries[4], proof: { ...proof, path: [...proof.path, proof.path[0]] }, treeHead })).toMatchObject({ valid: false, failure: 'proof-shape' });
    const flipped = proof.path.map((h, i) => (i === 1 ? h.slice(0, -1) + (h.endsWith('0') ? '1' : '0') : h));
    expect(await checkInclusion({ entry: t.entries[4], proof: { ...proof, path: flipped }, treeHead })).toMatchObject({ valid: false, failure: 'root-mismatch' });
    expect(await checkInclusion({ entry: t.entries[4], proof, treeHead: head(12, t.root) })).toMatchObject({ valid: false, failure: 'size-mismatch' });
    expect(await checkInclusion({ entry: t.entries[4], proof: { ...proof, index: 11 }, treeHead })).toMatchObject({ valid: false, failure: 'proof-shape' });
  });

  it('fails when the tree head is not signed by the log key, or its signature does not cover its fields', async () => {
    const t = tree(6);
    const signed = head(6, t.root);
    const other = generateSigningKey('EdDSA', randomBytes(32)).key;
    const forged = signTreeHead(other, { treeSize: 6, rootHash: t.root, timestamp: signed.timestamp });
    expect(await verifyTreeHead({ ...forged, keyId: key.kid }, jwks)).toBe('invalid');
    expect(await verifyTreeHead(forged, jwks)).toBe('unknown-key');
    // The fields beside the signature say another timestamp than the one signed.
    expect(await verifyTreeHead({ ...signed, timestamp: signed.timestamp + 1 }, jwks)).toBe('invalid');
    expect(await verifyTreeHead({ ...signed, signature: 'not-a-jws' }, jwks)).toBe('invalid');
    const check = await checkInclusion({ entry: t.entries[2], proof: t.prove(2), treeHead: forged, jwks });
    expect(check).toMatchObject({ valid: false, failure: 'unknown-key', signature: 'invalid' });
  });
});
