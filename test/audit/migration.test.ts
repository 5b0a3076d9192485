/**
 * Migration audit/003 converts a log stored the old way (a row per entry, leaf and even-level node,
 * a pending queue) into entry bundles and tiles, in place: a log of 100,000 entries with signed tree
 * heads along the way and entries still pending. Afterwards `audit verify` recomputes everything
 * from the bundles and every signed tree head still verifies against it; the pending entries are
 * appended by the first sequencing pass. A log that does not match its signed tree heads is not
 * converted: the migration fails and leaves it as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entriesOf, prepareEntry } from '../../src/audit/entries.ts';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { Frontier, leafHash } from '../../src/audit/merkle.ts';
import { signTreeHead } from '../../src/audit/treeHead.ts';
import { MIGRATIONS, openPlatform } from '../../src/app/platform.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openKernel, type Platform } from '../../src/platform/platform.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import type { Store } from '../../src/platform/store/store.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';
import { loggedEntries } from '../support/auditEntries.ts';
import { accessEvent, licenseEvent } from './support.ts';


// 100,000 on PostgreSQL; the embedded store (WebAssembly, several times slower) converts 5,000, which
// crosses tiles and heads the same way, within the suite's time.
const ENTRIES = testStoreKind() === 'postgres' ? 100_000 : 5_000;
const PENDING = 7;
const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-audit-migration-'));
const config = () => loadConfig({ dataDir }, { CERTBRIDGE_MASTER_KEY: 'd4'.repeat(32), DATABASE_URL: '' });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  rmSync(dataDir, { recursive: true, force: true });
});

// Before audit/003 (and audit/004, which stores the inner levels of the tiles audit/003 makes).
const BEFORE = MIGRATIONS.filter((m) => m.id !== 'audit/003_bundles_and_tiles' && m.id !== 'audit/004_tile_inner_levels');
const holder = (i: number) => `91370100MA${String(i % 5000).padStart(7, '0')}X`;

/**
 * A store migrated up to the old log, filled as the old appender and sequencer filled it: entries,
 * leaves, the perfect-subtree roots of every even level ≥ 2, a signed tree head every eighth of the
 * log (and of the whole log), and PENDING entries committed but not yet sequenced.
 */
async function oldLog(entries = ENTRIES): Promise<{ store: Store; kernel: Platform; heads: number[]; root: string }> {
  const test = await createTestStore();
  cleanups.push(test.drop);
  const kernel = await openKernel(config(), BEFORE.filter((m) => !m.id.startsWith('platform/')), { store: test.store });
  const key = await kernel.keys.activeKey('audit', 'EdDSA');
  const frontier = Frontier.empty();
  const heads: number[] = [];
  const event = (i: number) =>
    i % 10 === 0
      ? licenseEvent('issued', holder(i), '11370000MB0143028R', i)
      : accessEvent({ department: '11370000MB0132851P', client: `tax-system-${i % 3}`, holders: [holder(i)], outcome: i % 7 === 0 ? 'denied' : 'allowed' });
  const texts = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => entriesOf(event(from + k)).map(prepareEntry)[0]);
  const every = entries / 8;
  for (let from = 0; from < entries; from += every) {
    const prepared = texts(from, from + every);
    const c = (pick: (p: (typeof prepared)[number]) => unknown) => prepared.map(pick);
    await test.store.query(
      `insert into audit_entries (id, type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, entry)
       select * from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [
        prepared.map((_, k) => from + k + 1),
        c((p) => p.columns.type),
        c((p) => p.columns.at),
        c((p) => p.columns.department),
        c((p) => p.columns.clientId),
        c((p) => p.columns.purpose),
        c((p) => p.columns.outcome),
        c((p) => p.columns.holderCode),
        c((p) => p.columns.agreementId),
        c((p) => p.columns.licenseType),
        c((p) => p.text),
      ],
    );
    const nodes: [number, number, Buffer][] = [];
    const leaves: Buffer[] = [];
    for (const p of prepared) {
      const hash = leafHash(p.text);
      leaves.push(hash);
      frontier.append(hash, (level, index, h) => level >= 2 && level % 2 === 0 && nodes.push([level, index, h]));
    }
    await test.store.query('insert into audit_leaves (leaf_index, entry_id, hash) select i - 1, i, substring($2::bytea from (i - $1::bigint - 1)::int * 32 + 1 for 32) from generate_series($1::bigint + 1, $1::bigint + $3) as i', [
      from,
      Buffer.concat(leaves),
      leaves.length,
    ]);
    await test.store.query('insert into audit_nodes (level, idx, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])', [nodes.map((n) => n[0]), nodes.map((n) => n[1]), nodes.map((n) => n[2])]);
    const head = signTreeHead(key, { treeSize: frontier.size, rootHash: frontier.root().toString('hex'), timestamp: Date.now() + from });
    await test.store.query('insert into audit_tree_heads (tree_size, signed_at, root_hash, kid, signature) values ($1, $2, $3, $4, $5)', [
      head.treeSize,
      head.timestamp,
      Buffer.from(head.rootHash, 'hex'),
      head.keyId,
      head.signature,
    ]);
    heads.push(head.treeSize);
  }
  await test.store.query('update audit_state set tree_size = $1', [entries]);
  const pending = texts(entries, entries + PENDING);
  for (const [k, p] of pending.entries()) {
    await test.store.query(`insert into audit_entries (id, type, at, holder_code, entry) values ($1, $2, $3, $4, $5)`, [entries + k + 1, p.columns.type, p.columns.at, p.columns.holderCode, p.text]);
    await test.store.query('insert into audit_pending (id) values ($1)', [entries + k + 1]);
  }
  return { store: test.store, kernel, heads, root: frontier.root().toString('hex') };
}

describe('converting an existing log to bundles and tiles (migration audit/003)', () => {
  it(`converts ${ENTRIES.toLocaleString('en-US')} entries in place; every signed tree head still verifies; pending entries are appended`, async () => {
    const { store, heads, root } = await oldLog();
    expect(await migrate(store, MIGRATIONS)).toEqual(['audit/003_bundles_and_tiles', 'audit/004_tile_inner_levels']);
    const platform = await openPlatform(config(), store);
    const report = await verifyLog(platform);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({ ok: true, treeSize: ENTRIES, rootHash: root, treeHeadsChecked: heads.length });
    const tables = await store.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_name in ('audit_entries', 'audit_pending', 'audit_leaves', 'audit_nodes')`);
    expect(tables.rows[0].n).toBe(0);

    // The first pass appends what was pending, in the order it was written, and indexes everything.
    const { treeHead } = await sequence(platform);
    expect(treeHead.treeSize).toBe(ENTRIES + PENDING);
    const appended = (await loggedEntries(store)).slice(ENTRIES);
    expect(appended.map((e) => e.entry.facts?.holderCode)).toEqual(Array.from({ length: PENDING }, (_, k) => holder(ENTRIES + k)));
    const after = await verifyLog(platform);
    expect(after).toMatchObject({ ok: true, treeSize: ENTRIES + PENDING, pending: 0 });
    expect(after.treeHeadsChecked).toBeGreaterThan(heads.length);
    // Building the old log, converting it (003, then 004's inner levels) and verifying it twice: a minute on a busy PostgreSQL.
  }, 300_000);

  it('refuses to convert a log that does not match its signed tree heads, and leaves it as it was', async () => {
    const { store } = await oldLog(4_000);
    // An entry edited together with its leaf hash (the stored nodes above it left alone): only the heads can tell.
    await store.query(`update audit_entries set entry = replace(entry, '"outcome":"allowed"', '"outcome":"denied"') where id = 1003`);
    await store.query(`update audit_leaves set hash = sha256('\\x00'::bytea || convert_to(e.entry, 'UTF8')) from audit_entries e where e.id = audit_leaves.entry_id and e.id = 1003`);
    await expect(migrate(store, MIGRATIONS)).rejects.toThrow(/does not match its signed tree head of size 1500/);
    const left = await store.query<{ n: number }>('select count(*)::int as n from audit_leaves');
    expect(left.rows[0].n).toBe(4_000);
    expect((await store.query<{ n: number }>(`select count(*)::int as n from schema_migrations where id = 'audit/003_bundles_and_tiles'`)).rows[0].n).toBe(0);
  });
});
