/**
 * Proofs read from full tiles with their stored inner levels (no hashing up) are byte for byte the
 * proofs RFC 9162 defines: against the definition over the leaves, and against the computation
 * that hashes every node up from the tile levels (what proofs did before inner levels were
 * stored, and still do for tiles stored without them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { consistencyProof, inclusionProofs } from '../../src/audit/log.ts';
import { consistencyExprs, evaluate, Frontier, inclusionExprs, isStoredLevel, leafHash } from '../../src/audit/merkle.ts';
import { asBuffer, LogCache, logCache, readEntryRange } from '../../src/audit/storage.ts';
import { innerLevels, integrate, TILE_WIDTH, type TileWrite, type TreeEdge } from '../../src/audit/tiles.ts';
import type { Queryable } from '../../src/platform/store/store.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TEST_SEED } from '../support/seed.ts';
import { accessEvent, HOLDERS, publish } from './support.ts';
import { referenceConsistency, referencePath } from './verifier.ts';

/** A small seeded generator (mulberry32), so a failure can be replayed with TEST_SEED. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const hexes = (bufs: Buffer[]) => bufs.map((b) => b.toString('hex'));

/** The old computation: every node hashed up from the nodes of the tile levels (merkle.ts evaluate). */
function tileLevelNodes(leaves: readonly Buffer[]): Map<string, Buffer> {
  const stored = new Map<string, Buffer>();
  const frontier = Frontier.empty();
  for (const h of leaves) frontier.append(h, (level, index, hash) => isStoredLevel(level) && stored.set(`${level}:${index}`, hash));
  return stored;
}

/** audit_tiles in memory, answering the query proofs make (with or without the inner levels). */
function tileTable(tiles: readonly TileWrite[], withInner: boolean): { db: Queryable; queries: () => number } {
  const rows = new Map(tiles.map((t) => [`${t.level}/${t.index}`, t]));
  let queries = 0;
  const db = {
    query: async (sql: string, params: unknown[] = []) => {
      if (!/from unnest\(\$1::smallint\[\], \$2::bigint\[\]\) as w\(level, idx\)\s+join audit_tiles/.test(sql)) throw new Error(`unexpected query: ${sql}`);
      queries++;
      const [levels, indexes] = params as [number[], number[]];
      const found = levels.map((level, i) => rows.get(`${level}/${indexes[i]}`)).filter((t) => t !== undefined);
      return { rows: found.map((t) => ({ level: t.level, idx: t.index, hashes: t.hashes, inner_hashes: withInner ? (t.inner ?? null) : null })) };
    },
  } as unknown as Queryable;
  return { db, queries: () => queries };
}

describe('proofs from tiles with stored inner levels, at random sizes up to 70,000 (three tile levels)', () => {
  const pick = random(TEST_SEED);
  const leaves = Array.from({ length: 70_000 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  // Tiles as the appender writes them, in batches of random sizes: the last write of each tile wins.
  const written = new Map<string, TileWrite>();
  let edge: TreeEdge = { size: 0, frontier: Frontier.empty(), edges: [], tail: [] };
  while (edge.size < leaves.length) {
    const batch = leaves.slice(edge.size, edge.size + 1 + pick(3000));
    const done = integrate(edge, batch, batch.map(() => Buffer.alloc(2)));
    for (const t of done.tiles) written.set(`${t.level}/${t.index}`, t);
    edge = done.next;
  }
  const tiles = [...written.values()];
  const old = tileLevelNodes(leaves);
  const cases = Array.from({ length: 300 }, () => {
    const size = 1 + pick(leaves.length);
    return { size, index: pick(size), first: 1 + pick(size) };
  });

  it('stores the inner levels of every full tile (254 hashes: the roots of its runs of 2, 4, … 128) and of no partial one', () => {
    const full = tiles.filter((t) => t.hashes.length === TILE_WIDTH * 32);
    expect(full.length).toBe(273 + 1);
    for (const t of tiles) expect(t.inner === undefined).toBe(t.hashes.length < TILE_WIDTH * 32);
    const [tile] = full;
    expect(tile.inner!.length).toBe(254 * 32);
    const node = (level: number, index: number) => old.get(`${level}:${index}`) ?? evaluate({ node: { level, index } }, old);
    expect(tile.inner!.subarray(0, 32)).toEqual(node(1, 0));
    expect(tile.inner!.subarray(128 * 32, 129 * 32)).toEqual(node(2, 0));
    expect(tile.inner!.subarray(252 * 32, 253 * 32)).toEqual(node(7, 0));
    expect(tile.inner!.subarray(253 * 32)).toEqual(node(7, 1));
    expect(innerLevels(tile.hashes)).toEqual(tile.inner);
  });

  for (const withInner of [true, false]) {
    it(`gives the same inclusion and consistency proofs as hashing up from the tile levels, ${withInner ? 'reading the stored inner levels' : 'for tiles stored without them'}, one query each`, async () => {
      const { db, queries } = tileTable(tiles, withInner);
      const cache = new LogCache();
      for (const { size, index, first } of cases) {
        for (const memory of [cache, undefined]) {
          const before = queries();
          const [proof] = await inclusionProofs(db, [index], size, true, memory);
          expect(proof.path, `${index} in ${size}`).toEqual(hexes(inclusionExprs(index, size).map((e) => evaluate(e, old))));
          expect(queries() - before).toBeLessThanOrEqual(1);
          if (memory) {
            // Every tile it read is kept: the right edge as the partial tiles of this size.
            const again = queries();
            expect((await inclusionProofs(db, [index], size, true, memory))[0].path).toEqual(proof.path);
            expect(queries() - again).toBe(0);
          }
          const consistency = await consistencyProof({ ...db, query: (sql: string, params?: unknown[]) => (/audit_state/.test(sql) ? Promise.resolve({ rows: [{ tree_size: leaves.length }] }) : db.query(sql, params)) } as Queryable, first, size, memory);
          expect(consistency.path, `${first} → ${size}`).toEqual(hexes(consistencyExprs(first, size).map((e) => evaluate(e, old))));
        }
      }
    });
  }

  it('gives RFC 9162 PATH and PROOF as defined over the leaves (a few: the definition hashes every leaf)', async () => {
    const { db } = tileTable(tiles, true);
    const state = { ...db, query: (sql: string, params?: unknown[]) => (/audit_state/.test(sql) ? Promise.resolve({ rows: [{ tree_size: leaves.length }] }) : db.query(sql, params)) } as Queryable;
    for (const { size, index, first } of [...cases.slice(0, 4), { size: 70_000, index: 65_536, first: 65_536 }, { size: 65_537, index: 65_535, first: 256 }]) {
      const tree = leaves.slice(0, size);
      expect((await inclusionProofs(db, [index], size, true, new LogCache()))[0].path).toEqual(hexes(referencePath(index, tree)));
      expect((await consistencyProof(state, first, size, new LogCache())).path).toEqual(hexes(referenceConsistency(first, tree)));
    }
  });
});

describe('proofs of a log appended through the platform, with inner levels stored by the appender', () => {
  let t: TestPlatform;
  let leaves: Buffer[];
  const pick = random(TEST_SEED + 1);

  beforeAll(async () => {
    t = await startTestPlatform({}, { authoriseIssuers: false });
    // Batches of random sizes, so tiles are completed within a batch and across batches.
    for (let total = 0; total < 1300; ) {
      const n = 1 + pick(300);
      await publish(
        t.platform,
        Array.from({ length: n }, (_, i) => accessEvent({ department: t.consumer.department.code, client: t.consumer.clientId, holders: [HOLDERS[(total + i) % 4]] })),
      );
      total += n;
    }
    const size = (await sequence(t.platform)).treeHead.treeSize;
    leaves = (await readEntryRange(t.platform.store, 0, size)).map((bytes) => leafHash(bytes));
  });
  afterAll(() => t.close());

  it('stores each full tile with its inner levels and each partial one without', async () => {
    const rows = await t.platform.store.query<{ hashes: Uint8Array; inner_hashes: Uint8Array | null }>('select hashes, inner_hashes from audit_tiles order by level, idx');
    expect(rows.rows.filter((r) => r.inner_hashes !== null).length).toBe(Math.floor(leaves.length / TILE_WIDTH));
    for (const r of rows.rows) {
      const hashes = asBuffer(r.hashes);
      if (hashes.length === TILE_WIDTH * 32) expect(asBuffer(r.inner_hashes!)).toEqual(innerLevels(hashes));
      else expect(r.inner_hashes).toBeNull();
    }
  });

  it('gives RFC 9162 proofs at random sizes, with and without the memory of full tiles', async () => {
    const db = t.platform.store;
    const cache = new LogCache();
    for (let k = 0; k < 60; k++) {
      const size = 1 + pick(leaves.length);
      const index = pick(size);
      const first = 1 + pick(size);
      for (const memory of [cache, undefined]) {
        expect((await inclusionProofs(db, [index], size, false, memory))[0].path, `${index} in ${size}`).toEqual(hexes(referencePath(index, leaves.slice(0, size))));
        expect((await consistencyProof(db, first, size, memory)).path, `${first} → ${size}`).toEqual(hexes(referenceConsistency(first, leaves.slice(0, size))));
      }
    }
  });

  it('keeps the bundles a committed batch completed in memory (what the indexer and followers read next), and none of a batch rolled back', async () => {
    const cache = logCache(t.platform);
    const full = Math.floor(leaves.length / TILE_WIDTH);
    const stored = await readEntryRange(t.platform.store, (full - 1) * TILE_WIDTH, full * TILE_WIDTH);
    expect(cache.bundles.get(String(full - 1))).toEqual(stored);
    cache.bundles.clear();
    const events = Array.from({ length: 300 }, (_, i) => accessEvent({ department: t.consumer.department.code, client: t.consumer.clientId, holders: [HOLDERS[i % 4]] }));
    await expect(
      t.platform.store.transaction(async (tx) => {
        await t.platform.events.publish(tx, events);
        throw new Error('the change fails after its events were appended');
      }),
    ).rejects.toThrow(/the change fails/);
    expect(cache.bundles.get(String(full))).toBeUndefined();
    expect((await sequence(t.platform)).treeHead.treeSize).toBe(leaves.length);
  });

  it('audit verify checks the stored inner levels, and names the entries under one that was altered', async () => {
    expect((await verifyLog(t.platform)).ok).toBe(true);
    const db = t.platform.store;
    // Height 3, node 1 of tile 0/1 (entries 264–271), altered alone: its tile and entries agree.
    const at = (128 + 64 + 1) * 32;
    await db.query('update audit_tiles set inner_hashes = overlay(inner_hashes placing sha256(substring(inner_hashes from $1 for 32)) from $1 for 32) where level = 0 and idx = 1', [at + 1]);
    const report = await verifyLog(t.platform);
    expect(report.ok).toBe(false);
    expect(report.problem).toEqual({ index: 264, message: expect.stringMatching(/tree node \(level 3, index 33\) stored among the inner levels of tile 0\/1 does not match entries 264–271/) });
    // A proof through it would carry the altered node: verify is what catches it.
    const before = (await inclusionProofs(db, [256], leaves.length, true))[0].path;
    expect(before).not.toEqual(hexes(referencePath(256, leaves)));
    await db.query('update audit_tiles set inner_hashes = null where level = 0 and idx = 1');
    // A tile without stored inner levels (written before they were) is hashed up: right again, and verify passes.
    expect((await inclusionProofs(db, [256], leaves.length, true))[0].path).toEqual(hexes(referencePath(256, leaves)));
    expect((await verifyLog(t.platform)).ok).toBe(true);
  });
});
