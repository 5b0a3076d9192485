import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { Frontier, leafHash } from '../../src/audit/merkle.ts';
import { decodePositions, encodeDeltas } from '../../src/audit/postings.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeBundle } from '../../src/audit/tiles.ts';
import { type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';

// Edits, deletions and reorderings made directly in SQL, as someone with database access could
// make them — to the entry bundles, the tiles of hashes, the indexes and the tree heads — and what
// `audit verify` says about each.

const TABLES = ['audit_bundles', 'audit_bundle_parts', 'audit_tiles', 'audit_tree_heads', 'audit_state', 'audit_indexer', 'audit_postings', 'audit_days', 'audit_access_counts'];
let t: TestPlatform;
let size: number;
let headSizes: number[];

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.platform.store.query<T>(text, params);
const asBuffer = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** The entries of the partial bundle (this log has fewer than 256), as stored. */
async function storedEntries(): Promise<Buffer[]> {
  const parts = await sql<{ data: Uint8Array }>('select data from audit_bundle_parts order by first');
  return parts.rows.flatMap((p) => decodeBundle(asBuffer(p.data)));
}

/** Rewrites the partial bundle with `edit` applied to its entries (one part from entry 0). */
async function rewriteEntries(edit: (entries: Buffer[]) => Buffer[]): Promise<void> {
  const entries = edit(await storedEntries());
  const data = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from([e.length >> 8, e.length & 0xff]), e])));
  await sql('delete from audit_bundle_parts');
  await sql('insert into audit_bundle_parts (first, data) values (0, $1)', [data]);
}

const editEntry = (i: number, change: (text: string) => string) =>
  rewriteEntries((entries) => entries.map((e, k) => (k === i ? Buffer.from(change(e.toString('utf8')), 'utf8') : e)));

/** Rewrites the leaf hashes (the level-0 tile). */
async function rewriteLeaves(edit: (hashes: Buffer[]) => Buffer[]): Promise<void> {
  const tile = asBuffer((await sql<{ hashes: Uint8Array }>('select hashes from audit_tiles where level = 0 and idx = 0')).rows[0].hashes);
  const hashes = Array.from({ length: tile.length / 32 }, (_, i) => tile.subarray(i * 32, i * 32 + 32));
  await sql('update audit_tiles set hashes = $1 where level = 0 and idx = 0', [Buffer.concat(edit(hashes))]);
}

/** Rewrites the postings of one key. */
async function rewritePostings(kind: string, key: string, edit: (positions: number[]) => number[]): Promise<void> {
  const rows = await sql<{ first: number; positions: Uint8Array }>('select first, positions from audit_postings where kind = $1 and key = $2 order by first', [kind, key]);
  const positions = edit(rows.rows.flatMap((r) => decodePositions(Number(r.first), asBuffer(r.positions))));
  await sql('delete from audit_postings where kind = $1 and key = $2', [kind, key]);
  if (positions.length > 0) {
    await sql('insert into audit_postings (kind, key, first, positions) values ($1, $2, $3, $4)', [kind, key, positions[0], encodeDeltas(positions[0], positions.slice(1))]);
  }
}

beforeAll(async () => {
  // The log of these tests starts empty: no issuer is registered (that would be entries of its own).
  t = await startTestPlatform({}, { authoriseIssuers: false });
  const dept = t.consumer.department.code;
  for (let round = 0; round < 5; round++) {
    await publish(t.platform, [
      ...HOLDERS.map((h, i) => licenseEvent('issued', h, t.issuer.department.code, round * 10 + i)),
      accessEvent({ department: dept, client: t.consumer.clientId, holders: [HOLDERS[round % 4]] }),
      accessEvent({ department: dept, client: t.consumer.clientId, holders: HOLDERS.slice(0, 3) }),
      accessEvent({ department: dept, client: t.consumer.clientId, holders: [HOLDERS[3]], outcome: 'denied' }),
      accessEvent({ department: dept, client: t.consumer.clientId, holders: [HOLDERS[(round + 1) % 4]] }),
    ]);
    await sequence(t.platform);
  }
  size = (await sequence(t.platform)).treeHead.treeSize;
  headSizes = (await sql<{ tree_size: number }>('select distinct tree_size from audit_tree_heads order by 1')).rows.map((r) => Number(r.tree_size));
  for (const table of TABLES) await t.platform.store.exec(`create table snap_${table} as select * from ${table}`);
});
afterEach(async () => {
  for (const table of TABLES) await t.platform.store.exec(`delete from ${table}; insert into ${table} select * from snap_${table};`);
});
afterAll(() => t.close());

async function verdict() {
  const report = await verifyLog(t.platform, { chunk: 7 });
  expect(report.ok).toBe(false);
  return report.problem!;
}

describe('audit verify against tampering in the database', () => {
  it('passes on the untouched log', async () => {
    expect(size).toBe(5 * 10);
    expect(headSizes).toEqual([10, 20, 30, 40, 50]);
    const report = await verifyLog(t.platform, { chunk: 7 });
    expect(report).toMatchObject({ ok: true, treeSize: 50, entriesChecked: 50, treeHeadsChecked: 5, pending: 0 });
  });

  it('names an edited entry', async () => {
    // Each round is 4 license entries, 2 lookups, a batch of 3 and a denied lookup: entry 18 is a denied lookup.
    await editEntry(18, (text) => text.replace('"outcome":"denied"', '"outcome":"allowed"'));
    expect(await verdict()).toEqual({ index: 18, message: expect.stringMatching(/^entry 18 \(exchange.accessed\) does not hash to the leaf stored at index 18: the entry was edited/) });
  });

  it('names a deleted entry', async () => {
    await rewriteEntries((entries) => entries.filter((_, i) => i !== 33));
    expect(await verdict()).toEqual({ index: 33, message: expect.stringMatching(/^entry 33 is missing: its entry bundle 0 holds fewer entries than were written there/) });
    await t.platform.store.exec('delete from audit_bundle_parts; insert into audit_bundle_parts select * from snap_audit_bundle_parts;');
    // Its leaf, the last one, instead.
    await rewriteLeaves((hashes) => hashes.slice(0, 49));
    expect(await verdict()).toEqual({ index: 49, message: expect.stringMatching(/^entry 49 is missing from the tree/) });
  });

  it('names the first of two reordered entries', async () => {
    await rewriteEntries((entries) => entries.map((e, i) => (i === 12 ? entries[13] : i === 13 ? entries[12] : e)));
    expect(await verdict()).toEqual({ index: 12, message: expect.stringMatching(/^entry 12 .* does not hash to the leaf stored at index 12/) });
    // Or their leaf hashes swapped.
    await t.platform.store.exec('delete from audit_bundle_parts; insert into audit_bundle_parts select * from snap_audit_bundle_parts;');
    await rewriteLeaves((hashes) => hashes.map((h, i) => (i === 12 ? hashes[13] : i === 13 ? hashes[12] : h)));
    expect((await verdict()).index).toBe(12);
  });

  it('names an entry whose index entries were edited (searches by department or holder would lie)', async () => {
    await rewritePostings('d', t.consumer.department.code, (positions) => positions.filter((p) => p !== 7));
    expect(await verdict()).toEqual({ index: 7, message: expect.stringMatching(/^entry 7: the department index does not list it under .* the index was edited/) });
    await t.platform.store.exec('delete from audit_postings; insert into audit_postings select * from snap_audit_postings;');
    await rewritePostings('h', HOLDERS[1], (positions) => [...positions, 8].sort((a, b) => a - b));
    expect(await verdict()).toEqual({ index: 8, message: expect.stringMatching(/^the holder index lists entry 8 under .* which the entry does not name/) });
  });

  it('catches an entry edited together with its leaf hash by the signed tree heads (a log of one tile has no stored node above its leaves)', async () => {
    const edited = (await storedEntries())[25].toString('utf8').replaceAll('"outcome":"allowed"', '"outcome":"denied"');
    await editEntry(25, () => edited);
    await rewriteLeaves((hashes) => hashes.map((h, i) => (i === 25 ? leafHash(Buffer.from(edited)) : h)));
    expect(await verdict()).toEqual({ index: 20, message: expect.stringMatching(/^the tree head of size 30 .* does not match the entries: an entry between 20 and 29 was altered/) });
  });

  it('catches a rewrite of the whole tree from edited entries by the signed tree heads', async () => {
    const entries = await storedEntries();
    const edited = entries[26].toString('utf8').replaceAll('"outcome":"allowed"', '"outcome":"denied"');
    expect(edited).not.toBe(entries[26].toString('utf8'));
    await editEntry(26, () => edited);
    // Recompute every stored hash from the entries, as a careful attacker would.
    const hashes = (await storedEntries()).map((e) => leafHash(e));
    const frontier = Frontier.empty();
    for (const h of hashes) frontier.append(h);
    await rewriteLeaves(() => hashes);
    await sql('update audit_state set root_hash = $1', [frontier.root()]);
    // The heads of size 30, 40, 50 were signed over the true entries: the last one that matches is 20.
    expect(await verdict()).toEqual({ index: 20, message: expect.stringMatching(/^the tree head of size 30 .* does not match the entries: an entry between 20 and 29 was altered/) });
  });

  it('catches an edited signed tree head', async () => {
    await sql(`update audit_tree_heads set root_hash = sha256(root_hash) where tree_size = 30`);
    expect(await verdict()).toEqual({ index: 30, message: expect.stringContaining('the tree head of size 30') });
  });

  it('catches an edited state or checkpoint', async () => {
    await sql('update audit_state set root_hash = sha256(root_hash)');
    expect(await verdict()).toEqual({ index: 50, message: expect.stringMatching(/^the log's state gives root .* the state was edited/) });
    await t.platform.store.exec('delete from audit_state; insert into audit_state select * from snap_audit_state;');
    await sql(`update audit_state set checkpoint = replace(checkpoint, E'\\n50\\n', E'\\n49\\n')`);
    expect((await verdict()).message).toMatch(/^the stored checkpoint is not authentic/);
  });

  it('catches deleted entries at the end of the log while a signed tree head still counts them', async () => {
    await rewriteEntries((entries) => entries.slice(0, 45));
    await rewriteLeaves((hashes) => hashes.slice(0, 45));
    await sql('update audit_state set tree_size = 45');
    expect(await verdict()).toEqual({ index: 45, message: 'a tree head of size 50 was signed but the log has only 45 entries: entries 45–49 were deleted' });
  });

  it('catches rows inserted outside the tree', async () => {
    await sql(`insert into audit_bundle_parts (first, data) values (50, '\\x0002007b7d'::bytea)`);
    expect(await verdict()).toEqual({ index: 50, message: 'entry 50 lies outside the tree of 50 entries: it was inserted directly' });
    await sql('delete from audit_bundle_parts where first = 50');
    await rewriteLeaves((hashes) => [...hashes, leafHash('{}')]);
    expect(await verdict()).toEqual({ index: 50, message: expect.stringMatching(/^entry 50 lies outside the tree of 50 entries: its leaf hash was inserted directly/) });
    await t.platform.store.exec('delete from audit_tiles; insert into audit_tiles select * from snap_audit_tiles;');
    await sql(`insert into audit_tiles (level, idx, hashes) values (1, 0, sha256('\\x00'::bytea))`);
    expect((await verdict()).message).toMatch(/^tree node \(level 8, index 0\) is not part of the tree/);
  });
});

describe('audit verify against tampering in a log of more than one tile', () => {
  let big: TestPlatform;
  const bigSql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => big.platform.store.query<T>(text, params);

  beforeAll(async () => {
    big = await startTestPlatform({}, { authoriseIssuers: false });
    for (let round = 0; round < 3; round++) {
      await publish(
        big.platform,
        Array.from({ length: 200 }, (_, i) => accessEvent({ department: big.consumer.department.code, client: big.consumer.clientId, holders: [HOLDERS[i % 4]] })),
      );
    }
    expect((await sequence(big.platform)).treeHead.treeSize).toBe(600);
    for (const table of ['audit_bundles', 'audit_tiles']) await big.platform.store.exec(`create table snap_${table} as select * from ${table}`);
  });
  afterEach(async () => {
    for (const table of ['audit_bundles', 'audit_tiles']) await big.platform.store.exec(`delete from ${table}; insert into ${table} select * from snap_${table};`);
  });
  afterAll(() => big.close());

  it('names the entries under an edited tile hash above the leaves', async () => {
    await bigSql(`update audit_tiles set hashes = overlay(hashes placing sha256(substring(hashes from 33 for 32)) from 33 for 32) where level = 1 and idx = 0`);
    const report = await verifyLog(big.platform);
    expect(report.problem).toEqual({ index: 256, message: expect.stringMatching(/^tree node \(level 8, index 1\) does not match entries 256–511/) });
  });

  it('catches an entry edited together with its leaf hash at the tile hash above it', async () => {
    // Entry 5 of the first (full, compressed) bundle, and its leaf hash.
    const row = (await bigSql<{ data: Uint8Array }>('select data from audit_bundles where idx = 0')).rows[0];
    const entries = decodeBundle(gunzipSync(asBuffer(row.data)));
    const edited = Buffer.from(entries[5].toString('utf8').replace('"outcome":"allowed"', '"outcome":"denied"'));
    expect(edited.equals(entries[5])).toBe(false);
    entries[5] = edited;
    await bigSql('update audit_bundles set data = $1 where idx = 0', [gzipSync(Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from([e.length >> 8, e.length & 0xff]), e]))))]);
    await bigSql('update audit_tiles set hashes = overlay(hashes placing $1 from 161 for 32) where level = 0 and idx = 0', [leafHash(edited)]);
    const report = await verifyLog(big.platform);
    expect(report.problem).toEqual({ index: 0, message: expect.stringMatching(/^tree node \(level 8, index 0\) does not match entries 0–255: one of them was altered together with its leaf hash/) });
  });
});
