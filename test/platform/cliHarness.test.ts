/**
 * The tests' in-process CLI (test/support/cli.ts) refuses a data folder this very process holds: run
 * there, the command would take the folder over (a lock naming its own pid reads as one a dead process
 * left), where an operator's command is refused. Whichever way the folder is named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/platform/store/dataDirLock.ts';
import { runCli } from '../support/cli.ts';

const held = mkdtempSync(join(tmpdir(), 'certbridge-held-'));
writeFileSync(join(held, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: 'serve' }));
afterAll(() => rmSync(held, { recursive: true, force: true }));

it.each([
  ['--data-dir <dir>', ['status', '--data-dir', held], {}],
  ['--data-dir=<dir>', ['status', `--data-dir=${held}`], {}],
  ['CERTBRIDGE_DATA_DIR', ['status'], { CERTBRIDGE_DATA_DIR: held }],
])('refuses a folder this process holds, named by %s', async (_how, args, env) => {
  await expect(runCli(args, env)).rejects.toThrow(/this test process holds .* \(serve\): close it first/);
});
