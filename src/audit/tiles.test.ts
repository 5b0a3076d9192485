import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../platform/crypto/keys.ts';
import { checkpointProblem, ed25519PublicKey, noteKeyId, parseCheckpoint, signCheckpoint, verifierKey } from './checkpoint.ts';
import { Frontier, leafHash } from './merkle.ts';
import { bundlePrefix, bundleRecord, decodeBundle, frontierFromEdges, integrate, parseTilePath, partialTileIds, partialWidth, tileIndexPath, tilePath, type TreeEdge } from './tiles.ts';

describe('C2SP tlog-tiles paths', () => {
  it('encodes indexes in three-digit groups, all but the last prefixed with x (the specification’s example)', () => {
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(999)).toBe('999');
    expect(tileIndexPath(1000)).toBe('x001/000');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath('entries', 5, 17)).toBe('tile/entries/005.p/17');
    expect(tilePath(2, 5, 256)).toBe('tile/2/005');
  });

  it('parses exactly the canonical form and refuses everything else', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067 });
    expect(parseTilePath('entries/005.p/17')).toEqual({ level: 'entries', index: 5, width: 17 });
    expect(parseTilePath('3/x001/000.p/255')).toEqual({ level: 3, index: 1000, width: 255 });
    for (const bad of ['00/000', '64/000', 'x/000', '0/1', '0/0001', '0/x000/001', '0/001/002', '0/000.p/0', '0/000.p/256', '0/000.p/017', '0/000.p', 'entries', '0/x001', '-1/000']) {
      expect(parseTilePath(bad), bad).toBeUndefined();
    }
    for (const index of [0, 7, 255, 256, 65535, 1234067, 2 ** 40]) expect(parseTilePath(tilePath(0, index).slice('tile/'.length))).toEqual({ level: 0, index });
  });

  it('has the partial tiles of the specification’s example (a tree of 70,000)', () => {
    expect(partialWidth(70_000, 0)).toBe(112);
    expect(partialWidth(70_000, 1)).toBe(17);
    expect(partialWidth(70_000, 2)).toBe(1);
    expect(partialTileIds(70_000)).toEqual([
      { level: 0, index: 273 },
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
    // A tree of 256: one full level-0 tile and a partial level-1 tile of width 1.
    expect(partialTileIds(256)).toEqual([{ level: 1, index: 0 }]);
  });
});

describe('entry bundles', () => {
  it('are big-endian uint16 length-prefixed entries, read back whole or by prefix', () => {
    const entries = ['{"a":1}', '', 'x'.repeat(300)].map((e) => Buffer.from(e));
    const data = Buffer.concat(entries.map(bundleRecord));
    expect(data.subarray(0, 2)).toEqual(Buffer.from([0, 7]));
    expect(decodeBundle(data)).toEqual(entries);
    expect(decodeBundle(bundlePrefix(data, 2)!)).toEqual(entries.slice(0, 2));
    expect(bundlePrefix(data, 4)).toBeUndefined();
    expect(() => decodeBundle(data.subarray(0, data.length - 1))).toThrow(/cut off/);
    expect(() => bundleRecord(Buffer.alloc(65_536))).toThrow(RangeError);
  });
});

describe('integrating batches into tiles', () => {
  it('gives the same root as appending leaf by leaf, and tiles from which the edge is rebuilt, at every batch boundary', () => {
    const leaves = Array.from({ length: 70_000 }, (_, i) => leafHash(Buffer.from(`e${i}`)));
    const reference = Frontier.empty();
    let edge: TreeEdge = { size: 0, frontier: Frontier.empty(), edges: [], tail: [] };
    const stored = new Map<string, Buffer>();
    let at = 0;
    for (const batch of [1, 254, 1, 300, 65_000, 4_444]) {
      const slice = leaves.slice(at, at + batch);
      const done = integrate(edge, slice, slice.map((l) => bundleRecord(l)));
      for (const leaf of slice) reference.append(leaf);
      expect(done.root.equals(reference.root())).toBe(true);
      for (const tile of done.tiles) {
        const key = `${tile.level}/${tile.index}`;
        // Tiles only ever grow: what was stored is a prefix of the rewrite.
        if (stored.has(key)) expect(tile.hashes.subarray(0, stored.get(key)!.length).equals(stored.get(key)!)).toBe(true);
        stored.set(key, tile.hashes);
      }
      at += batch;
      edge = done.next;
      const rebuilt = frontierFromEdges(
        at,
        partialTileIds(at).reduce<Buffer[][]>((edges, { level, index }) => {
          const tile = stored.get(`${level}/${index}`)!;
          while (edges.length <= level) edges.push([]);
          edges[level] = Array.from({ length: partialWidth(at, level) }, (_, i) => tile.subarray(i * 32, i * 32 + 32));
          return edges;
        }, []),
      );
      expect(rebuilt.root().equals(reference.root())).toBe(true);
      expect(done.bundles.every((b) => b.records.length === 256)).toBe(true);
      expect(edge.tail.length).toBe(at % 256);
    }
    expect([...stored.keys()].filter((k) => k.startsWith('0/')).length).toBe(274);
    expect(stored.get('1/0')!.length).toBe(256 * 32);
    expect(stored.get('1/1')!.length).toBe(17 * 32);
    expect(stored.get('2/0')!.length).toBe(32);
  });
});

describe('C2SP signed-note checkpoints', () => {
  it('computes key IDs and verifies the specification’s example note with its verifier key', () => {
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const [name, id, key] = vkey.split('+');
    const material = Buffer.from(key, 'base64');
    expect(material[0]).toBe(0x01);
    const publicKey = material.subarray(1);
    expect(noteKeyId(name, publicKey).toString('hex')).toBe(id);
    expect(verifierKey(name, publicKey)).toBe(vkey);
    const signature = Buffer.from('Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=', 'base64');
    expect(signature.subarray(0, 4).toString('hex')).toBe(id);
    const jwk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
    expect(verify(null, Buffer.from('This is an example message.\n'), jwk, signature.subarray(4))).toBe(true);
  });

  it('signs origin, size and base64 root, and refuses an altered or foreign note', () => {
    const { key } = generateSigningKey('EdDSA', Buffer.alloc(32, 7));
    const publicKey = ed25519PublicKey(key.publicJwk);
    const root = leafHash('x');
    const note = signCheckpoint(key, { origin: 'certbridge.example/api/v1/audit', treeSize: 42, rootHash: root });
    expect(note.startsWith(`certbridge.example/api/v1/audit\n42\n${root.toString('base64')}\n\n\u2014 certbridge.example/api/v1/audit `)).toBe(true);
    expect(parseCheckpoint(note)).toMatchObject({ origin: 'certbridge.example/api/v1/audit', treeSize: 42 });
    expect(checkpointProblem(note, publicKey)).toBeUndefined();
    expect(checkpointProblem(note.replace('\n42\n', '\n43\n'), publicKey)).toMatch(/does not verify/);
    const other = ed25519PublicKey(generateSigningKey('EdDSA', Buffer.alloc(32, 7)).key.publicJwk);
    expect(checkpointProblem(note, other)).toMatch(/no signature by the log key/);
  });
});
