/**
 * Keys at start, as an operator meets them: the master key kept outside the data folder
 * (CERTBRIDGE_MASTER_KEY_FILE), the event signing key there from the first start, and a server or
 * command that refuses, with exit code 2 and one line, to start on sealed keys without their key
 * or with another one — creating no key beside them; `master-key rotate` re-seals them. Real processes of the compiled CLI, both stores.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyStore } from '../../src/platform/crypto/keyStore.ts';
import type { PublicJwk } from '../../src/platform/crypto/keys.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { runCli, runCliProcess, type CliRun } from '../support/cli.ts';
import { startServer } from '../support/serverProcess.ts';
import { storeForProcesses } from '../support/store.ts';

// `serve` in a process of its own: were its refusal to break, it would serve (and take over the signals) inside the test.
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return (args[0] === 'serve' ? runCliProcess : runCli)(args, { CERTBRIDGE_MASTER_KEY: '', ...env });
}

const root = mkdtempSync(join(tmpdir(), 'certbridge-master-key-'));
const dataDir = join(root, 'data');
const keyFile = join(root, 'secrets', 'master.key');
let databaseUrl = '';
let drop: () => Promise<void> = async () => undefined;
const storeEnv = () => ({ CERTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });

beforeAll(async () => {
  ({ databaseUrl, drop } = await storeForProcesses());
});

afterAll(async () => {
  await drop();
  rmSync(root, { recursive: true, force: true });
});

it('makes the master key in CERTBRIDGE_MASTER_KEY_FILE, outside the data folder, and the event signing key at the first start', async () => {
  const server = await startServer({ env: { ...storeEnv(), CERTBRIDGE_MASTER_KEY: '', CERTBRIDGE_MASTER_KEY_FILE: keyFile }, args: ['--migrate'] });
  await server.kill('SIGTERM');
  expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
  const store = databaseUrl ? await openStore({ databaseUrl }) : await openStore({ dataDir });
  const purposes = (await store.query<{ purpose: string }>('select purpose from signing_keys')).rows.map((r) => r.purpose);
  await store.close();
  expect(purposes).toContain('event');
});

it('refuses to start without the master key of the sealed keys: exit code 2, one line, no new key file', async () => {
  const started = Date.now();
  const serve = await cli(['serve', '--port', '0'], storeEnv());
  expect(serve.code).toBe(2);
  expect(serve.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the store holds sealed signing keys but no master key was given .*CERTBRIDGE_MASTER_KEY_FILE/)]);
  expect(Date.now() - started).toBeLessThan(30_000);
  // A command neither: it must not make a key beside the sealed ones (it once made ./data/master.key).
  const command = await cli(['departments', 'list'], storeEnv());
  expect(command.code).toBe(2);
  expect(command.stderr).toMatch(/no master key was given/);
  expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
});

it('refuses to start with a wrong master key: exit code 2 and one line naming the key it cannot unseal', async () => {
  const serve = await cli(['serve', '--port', '0'], { ...storeEnv(), CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32) });
  expect(serve.code).toBe(2);
  expect(serve.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the master key does not unseal the stored signing keys \(key [A-Za-z0-9_-]+\)/)]);
  // The right key, from its file, starts it again.
  const server = await startServer({ env: { ...storeEnv(), CERTBRIDGE_MASTER_KEY_FILE: keyFile } });
  await server.kill('SIGTERM');
});

it('master-key rotate seals every signing key under a new key: the old one is refused after, the new one opens them all', async () => {
  const newKeyFile = join(root, 'secrets', 'master-2027.key');
  const rotated = await cli(['master-key', 'rotate', '--new-key-file', newKeyFile], { ...storeEnv(), CERTBRIDGE_MASTER_KEY_FILE: keyFile });
  expect(rotated.code, rotated.stderr).toBe(0);
  expect(rotated.stdout).toMatch(/^\d+ signing keys sealed under the new master key \(made in /);
  expect((await cli(['departments', 'list'], { ...storeEnv(), CERTBRIDGE_MASTER_KEY_FILE: keyFile })).stderr).toMatch(/does not unseal the stored signing keys/);
  expect((await cli(['departments', 'list', '--json'], { ...storeEnv(), CERTBRIDGE_MASTER_KEY_FILE: newKeyFile })).code).toBe(0);
  const next = Buffer.from(readFileSync(newKeyFile, 'utf8'), 'hex');
  const store = databaseUrl ? await openStore({ databaseUrl }) : await openStore({ dataDir });
  const rows = (await store.query<{ kid: string; alg: 'EdDSA' | 'SM2'; public_jwk: PublicJwk; private_key_enc: string }>('select kid, alg, public_jwk, private_key_enc from signing_keys')).rows;
  await store.close();
  expect(rows.length).toBeGreaterThan(1);
  for (const row of rows) expect(KeyStore.unseals({ kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, privateKeyEncrypted: row.private_key_enc }, next), row.kid).toBe(true);
});
