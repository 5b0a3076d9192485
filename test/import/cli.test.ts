// The real CLI in a child process: exit codes and the --json summary. On PGlite the child
// opens an embedded store in a folder (one process at a time, so ours is closed first); on
// PostgreSQL it connects to this test's database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { createTestStore, openDataDirStore, testStoreKind } from '../support/store.ts';
import { enterprises, MASTER_KEY, registerIssuer, STANDARD_COLUMNS, standardRow, toCsv, writeFile } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'certbridge-import-cli-'));
const dataDir = join(dir, 'data');
let storeArgs: string[] = [];
let childEnv: Record<string, string> = {};
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  childEnv = { CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: '' };
  const config = loadConfig({ dataDir }, { ...process.env, CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: '' });
  if (testStoreKind() === 'postgres') {
    const { store, url, drop } = await createTestStore({ migrated: true });
    await registerIssuer(await openPlatform(config, store));
    childEnv.DATABASE_URL = url!;
    cleanup = drop;
  } else {
    const store = await openDataDirStore(dataDir);
    await registerIssuer(await openPlatform(config, store));
    await store.close();
    storeArgs = ['--data-dir', dataDir];
  }
});
afterAll(async () => {
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<CliRun> {
  return runCli([...args, ...storeArgs], childEnv, { timeoutMs: 120_000 });
}

describe('certbridge import', () => {
  const e = enterprises(4, 4001);
  const file = writeFile(dir, 'dept.csv', toCsv(STANDARD_COLUMNS, [...e.map((x) => standardRow(x)), standardRow(e[0])]));

  it('exits 1 when rows were rejected, and prints the JSON summary', async () => {
    const run = await cli('import', file, '--type', 'business-license', '--json');
    expect(run.code, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(Object.keys(summary)).toEqual(['file', 'rows', 'issued', 'alreadyIssued', 'rejected', 'warnings', 'report', 'elapsedMs']);
    expect(summary).toMatchObject({ file, rows: 5, issued: 4, alreadyIssued: 0, rejected: 1, warnings: 0, report: `${file}.rejected.csv` });
  });

  it('issues nothing on a re-run, and exits 0 on a clean file', async () => {
    const again = await cli('import', file, '--type', 'business-license', '--json', '--batch-size', '2');
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 5, issued: 0, alreadyIssued: 4, rejected: 1 });
    const clean = writeFile(dir, 'clean.csv', toCsv(STANDARD_COLUMNS, enterprises(2, 4002).map((x) => standardRow(x))));
    const run = await cli('import', clean, '--type', 'business-license');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/issued\s+2/);
  });

  it('exits 2 for a mapping error, before any row', async () => {
    const mapping = writeFile(dir, 'map.json', JSON.stringify({ fields: { 企业名称: 'companyName' } }));
    const run = await cli('import', file, '--type', 'business-license', '--mapping', mapping, '--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"companyName" is not a field of business-license');
    expect(run.stdout).toBe('');
  });
});
