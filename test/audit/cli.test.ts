import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence } from '../../src/audit/index.ts';
import { Frontier, leafHash } from '../../src/audit/merkle.ts';
import { decodeBundle } from '../../src/audit/tiles.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type Platform } from '../../src/platform/platform.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';
import { accessEvent, HOLDERS, licenseEvent, publish } from './support.ts';

// No CERTBRIDGE_MASTER_KEY: the test and the CLI share the master key file of the data dir.

const cli = (args: string[], env: Record<string, string>): Promise<CliRun> => runCli(args, env);

const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-audit-cli-'));
const headFile = join(dataDir, 'tree-head.json');
let env: Record<string, string>;
let url: string | undefined;
let drop = async () => undefined as void;

/** Opens the platform on the test store, runs `work`, and closes it (PGlite is single-process: the CLI needs it closed). */
async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const store = url ? await openStore({ databaseUrl: url }) : await openDataDirStore(dataDir);
  const platform = await openPlatform(loadConfig({ dataDir }, { DATABASE_URL: url ?? '' }), store);
  try {
    return await work(platform);
  } finally {
    await store.close();
  }
}

const asBuffer = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** The entries of the partial bundle (this log has fewer than 256), as stored. */
async function storedEntries(platform: Platform): Promise<Buffer[]> {
  const parts = await platform.store.query<{ data: Uint8Array }>('select data from audit_bundle_parts order by first');
  return parts.rows.flatMap((p) => decodeBundle(asBuffer(p.data)));
}

/** Rewrites the partial bundle in the database, as someone with access to it could. */
async function rewriteEntries(platform: Platform, entries: Buffer[]): Promise<void> {
  const data = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from([e.length >> 8, e.length & 0xff]), e])));
  await platform.store.query('delete from audit_bundle_parts');
  await platform.store.query('insert into audit_bundle_parts (first, data) values (0, $1)', [data]);
}

async function addRound(platform: Platform, round: number) {
  await publish(platform, [
    ...HOLDERS.map((h, i) => licenseEvent('issued', h, '11370000825PJY4H9E', round * 10 + i)),
    accessEvent({ department: '11370000MB0132851P', client: 'tax-system', holders: HOLDERS.slice(0, 2) }),
  ]);
}

beforeAll(async () => {
  if (testStoreKind() === 'postgres') {
    const test = await createTestStore({ migrated: true });
    url = test.url!;
    drop = test.drop;
    env = { DATABASE_URL: url, CERTBRIDGE_DATA_DIR: dataDir };
  } else {
    env = { CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '' };
  }
  await withPlatform(async (platform) => {
    for (let round = 0; round < 3; round++) {
      await addRound(platform, round);
      await sequence(platform);
    }
  });
});
afterAll(async () => {
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('certbridge audit', () => {
  it('verify: exit 0 with a summary on an intact log', async () => {
    const result = await cli(['audit', 'verify'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^audit log verified: 18 entries, \d+ stored hashes \(leaves and tree nodes\) and 3 signed tree heads check out/);
  });

  it('export-tree-head writes the signed head with the log key, which jose verifies', async () => {
    const result = await cli(['audit', 'export-tree-head', '--out', headFile], env);
    expect(result.code).toBe(0);
    const head = JSON.parse(readFileSync(headFile, 'utf8'));
    expect(head).toMatchObject({ treeSize: 18, keyId: head.jwk.kid });
    const { payload } = await compactVerify(head.signature, await importJWK(head.jwk, 'EdDSA'));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ rootHash: head.rootHash, timestamp: head.timestamp, treeSize: 18 });
  });

  it('sequence puts entries committed without a server into the tree', async () => {
    await withPlatform((platform) => addRound(platform, 3));
    const result = await cli(['audit', 'sequence', '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sequenced: 6, treeHead: { treeSize: 24 } });
  });

  it('verify --from-tree-head: the grown log is consistent with the head a witness exported', async () => {
    const result = await cli(['audit', 'verify', '--from-tree-head', headFile], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('audit log verified: 24 entries');
    expect(result.stdout).toContain('consistent with the exported tree head of size 18');
  });

  it('verify: exit 1 naming the entry edited in the database', async () => {
    const original = await withPlatform(async (platform) => {
      const entries = await storedEntries(platform);
      await rewriteEntries(platform, entries.map((e, i) => (i === 5 ? Buffer.from(e.toString('utf8').replace('tax-system', 'no-system')) : e)));
      return entries;
    });
    const result = await cli(['audit', 'verify'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('audit log verification FAILED at entry 5:');
    expect(result.stdout).toContain('entry 5 (exchange.accessed) does not hash to the leaf stored at index 5');
    const json = await cli(['audit', 'verify', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problem: { index: 5 } });
    await withPlatform((platform) => rewriteEntries(platform, original));
    expect((await cli(['audit', 'verify'], env)).code).toBe(0);
  });

  it('only the witness notices entries cut from the end together with the tree heads that counted them', async () => {
    await withPlatform(async (platform) => {
      // As a careful attacker would: the entries, their leaf hashes, the heads that counted them, the
      // state (its root recomputed, the checkpoint that could not be re-signed dropped) and the indexes.
      const kept = (await storedEntries(platform)).slice(0, 16);
      await rewriteEntries(platform, kept);
      const frontier = Frontier.empty();
      for (const e of kept) frontier.append(leafHash(e));
      await platform.store.query('update audit_tiles set hashes = substring(hashes from 1 for 16 * 32) where level = 0 and idx = 0');
      await platform.store.query('delete from audit_tree_heads where tree_size > 16');
      await platform.store.query('update audit_state set tree_size = 16, root_hash = $1, checkpoint = null', [frontier.root()]);
      await platform.store.exec('delete from audit_postings; delete from audit_days; update audit_indexer set indexed_size = 0');
      await platform.store.query('update audit_access_counts set total = 4, allowed = 4');
    });
    // From storage alone the shorter log is self-consistent…
    const alone = await cli(['audit', 'verify'], env);
    expect(alone.code).toBe(0);
    // …but not with the tree head of size 18 a witness kept.
    const witness = await cli(['audit', 'verify', '--from-tree-head', headFile], env);
    expect(witness.code).toBe(1);
    expect(witness.stdout).toContain('FAILED at entry 16');
    expect(witness.stdout).toContain('the log has 16 entries but the exported tree head has 18: entries 16–17 were deleted');
  });
});
