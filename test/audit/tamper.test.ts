import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { Frontier, isStoredLevel, leafHash } from '../../src/audit/merkle.ts';
import { type TestPlatform, startTestPlatform } from '../support/platform.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';

// Edits, deletions and reorderings made directly in SQL, as someone with database access
// could make them, and what `audit verify` says about each.

const TABLES = ['audit_entries', 'audit_pending', 'audit_leaves', 'audit_nodes', 'audit_tree_heads', 'audit_state'];
let t: TestPlatform;
let size: number;
let headSizes: number[];

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.platform.store.query<T>(text, params);
/** The entry row behind leaf i. */
const ENTRY = (i: number) => `id = (select entry_id from audit_leaves where leaf_index = ${i})`;

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
    await sql(`update audit_entries set entry = replace(entry, '"outcome":"denied"', '"outcome":"allowed"'), outcome = 'allowed' where ${ENTRY(18)}`);
    expect(await verdict()).toEqual({ index: 18, message: expect.stringMatching(/^entry 18 \(exchange.accessed\) does not hash to the leaf stored at index 18: the entry was edited/) });
  });

  it('names a deleted entry', async () => {
    await sql(`delete from audit_entries where ${ENTRY(33)}`);
    expect(await verdict()).toEqual({ index: 33, message: expect.stringMatching(/^entry 33 is missing: its row \(id \d+\) was deleted/) });
    await t.platform.store.exec('delete from audit_entries; insert into audit_entries select * from snap_audit_entries;');
    // Its leaf, the last one, instead.
    await sql('delete from audit_leaves where leaf_index = 49');
    expect(await verdict()).toEqual({ index: 49, message: expect.stringMatching(/^entry 49 is missing from the tree/) });
  });

  it('names the first of two reordered entries', async () => {
    const ids = (await sql<{ entry_id: number }>('select entry_id from audit_leaves where leaf_index in (12, 13) order by leaf_index')).rows.map((r) => r.entry_id);
    await sql('update audit_leaves set entry_id = -1 where leaf_index = 12');
    await sql('update audit_leaves set entry_id = $1 where leaf_index = 13', [ids[0]]);
    await sql('update audit_leaves set entry_id = $1 where leaf_index = 12', [ids[1]]);
    expect(await verdict()).toEqual({ index: 12, message: expect.stringMatching(/^entry 12 .* does not hash to the leaf stored at index 12/) });
    // Or the rows swapped under their ids.
    await t.platform.store.exec('delete from audit_leaves; insert into audit_leaves select * from snap_audit_leaves;');
    await sql('update audit_entries set id = -1 where id = $1', [ids[0]]);
    await sql('update audit_entries set id = $1 where id = $2', [ids[0], ids[1]]);
    await sql('update audit_entries set id = $1 where id = -1', [ids[1]]);
    expect((await verdict()).index).toBe(12);
  });

  it('names an entry whose query columns were edited (queries by department would lie)', async () => {
    await sql(`update audit_entries set department = 'SOMEONE-ELSE' where ${ENTRY(7)}`);
    expect(await verdict()).toEqual({ index: 7, message: expect.stringMatching(/^entry 7: its department column .* the column was edited/) });
    await t.platform.store.exec('delete from audit_entries; insert into audit_entries select * from snap_audit_entries;');
    await sql(`update audit_entries set holder_code = null where ${ENTRY(8)}`);
    expect((await verdict()).index).toBe(8);
  });

  it('names the entries under an edited tree node', async () => {
    await sql(`update audit_nodes set hash = sha256(hash) where level = 2 and idx = 3`);
    expect(await verdict()).toEqual({ index: 12, message: expect.stringMatching(/^tree node \(level 2, index 3\) does not match entries 12–15/) });
  });

  it('catches an entry edited together with its leaf hash at the node above it', async () => {
    const row = (await sql<{ entry: string }>(`select entry from audit_entries where ${ENTRY(25)}`)).rows[0];
    const edited = row.entry.replaceAll('"outcome":"allowed"', '"outcome":"denied"');
    expect(edited).not.toBe(row.entry);
    await sql(`update audit_entries set entry = $1, outcome = $2 where ${ENTRY(25)}`, [edited, 'denied']);
    await sql('update audit_leaves set hash = $1 where leaf_index = 25', [leafHash(Buffer.from(edited))]);
    expect(await verdict()).toEqual({ index: 24, message: expect.stringMatching(/^tree node \(level 2, index 6\) does not match entries 24–27/) });
  });

  it('catches a rewrite of the whole tree from edited entries by the signed tree heads', async () => {
    const row = (await sql<{ entry: string }>(`select entry from audit_entries where ${ENTRY(26)}`)).rows[0];
    const edited = row.entry.replaceAll('"outcome":"allowed"', '"outcome":"denied"');
    expect(edited).not.toBe(row.entry);
    await sql(`update audit_entries set entry = $1, outcome = $2 where ${ENTRY(26)}`, [edited, 'denied']);
    // Recompute every stored hash from the entries, as a careful attacker would.
    const entries = (await sql<{ entry: string }>('select e.entry from audit_leaves l join audit_entries e on e.id = l.entry_id order by l.leaf_index')).rows;
    const frontier = Frontier.empty();
    const nodes: [number, number, Buffer][] = [];
    for (const e of entries) frontier.append(leafHash(Buffer.from(e.entry)), (level, index, hash) => level > 0 && isStoredLevel(level) && nodes.push([level, index, hash]));
    await sql(`update audit_leaves set hash = sha256('\\x00'::bytea || convert_to(e.entry, 'UTF8')) from audit_entries e where e.id = audit_leaves.entry_id`);
    await sql('delete from audit_nodes');
    await sql('insert into audit_nodes (level, idx, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])', [
      nodes.map((n) => n[0]),
      nodes.map((n) => n[1]),
      nodes.map((n) => n[2]),
    ]);
    // The heads of size 30, 40, 50 were signed over the true entries: the last one that matches is 20.
    expect(await verdict()).toEqual({ index: 20, message: expect.stringMatching(/^the tree head of size 30 .* does not match the entries: an entry between 20 and 29 was altered/) });
  });

  it('catches an edited signed tree head', async () => {
    await sql(`update audit_tree_heads set root_hash = sha256(root_hash) where tree_size = 30`);
    expect(await verdict()).toEqual({ index: 30, message: expect.stringContaining('the tree head of size 30') });
  });

  it('catches deleted entries at the end of the log while a signed tree head still counts them', async () => {
    await sql('delete from audit_entries where id in (select entry_id from audit_leaves where leaf_index >= 45)');
    await sql('delete from audit_leaves where leaf_index >= 45');
    await sql('delete from audit_nodes where idx >= (45 >> level)');
    await sql('update audit_state set tree_size = 45');
    expect(await verdict()).toEqual({ index: 45, message: 'a tree head of size 50 was signed but the log has only 45 entries: entries 45–49 were deleted' });
  });

  it('catches rows inserted outside the tree', async () => {
    const id = Number((await sql<{ id: number }>(`insert into audit_entries (entry, type, at) values ('{}', 'x', now()) returning id`)).rows[0].id);
    expect(await verdict()).toEqual({ index: null, message: `the entry row with id ${id} is neither in the tree nor waiting for it: it was inserted directly` });
    await sql('insert into audit_leaves (leaf_index, entry_id, hash) values (50, $1, $2)', [id, leafHash('{}')]);
    expect(await verdict()).toEqual({ index: 50, message: expect.stringMatching(/^entry 50 lies outside the tree/) });
    await sql('delete from audit_leaves where leaf_index = 50');
    await sql('delete from audit_entries where id = $1', [id]);
    await sql(`insert into audit_nodes (level, idx, hash) values (1, 3, sha256('\\x00'::bytea))`);
    expect((await verdict()).message).toMatch(/^tree node \(level 1, index 3\) is not part of the tree/);
  });
});
