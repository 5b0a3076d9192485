/**
 * `certbridge master-key rotate --new-key-file <file>`: seals every signing key again under a new
 * master key, with every server stopped (the embedded store's lock refuses while one runs; on
 * PostgreSQL the operator stops the nodes). The new key is read from the file, or made there when
 * the file does not exist yet. The old key stays valid for backups taken before: keep it offline.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliOutput } from '../../platform/cliOutput.ts';
import type { Config } from '../../platform/config.ts';

function newKey(file: string): { key: Buffer; made: boolean } {
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} does not hold a master key (64 hexadecimal characters)`);
    return { key: Buffer.from(text, 'hex'), made: false };
  }
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  return { key, made: true };
}

export async function rotateMasterKeyCommand(config: Config, options: { newKeyFile: string }, print: (line: string) => void, log: CliOutput): Promise<void> {
  const [{ withPlatform }, { KeyStore }, { loadMasterKey }] = await Promise.all([import('./store.ts'), import('../../platform/crypto/keyStore.ts'), import('../../platform/config.ts')]);
  // Opening the platform checks the current key against the sealed keys first (and the schema).
  await withPlatform(config, 'master-key rotate', log, async (platform) => {
    const current = loadMasterKey(config, true);
    const { key, made } = newKey(options.newKeyFile);
    if (key.equals(current)) throw new Error(`${options.newKeyFile} holds the current master key: give a new one (or a file that does not exist yet)`);
    const count = await platform.store.transaction((tx) => KeyStore.reseal(tx, current, key));
    print(`${count} signing keys sealed under the new master key${made ? ` (made in ${options.newKeyFile})` : ''}: start every node with CERTBRIDGE_MASTER_KEY_FILE=${options.newKeyFile}; keep the old key offline for the backups taken before`);
  });
}
