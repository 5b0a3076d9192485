import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SigningAlgorithm } from './crypto/keys.ts';

export interface Config {
  host: string;
  port: number;
  /** Folder of the embedded store and of the master key file. */
  dataDir: string;
  /** Set: a real PostgreSQL server; unset: the embedded PGlite store in `dataDir`. */
  databaseUrl?: string;
  /** The address licenses and QR codes point at. */
  publicUrl: string;
  /** Algorithm of new license signing keys: Ed25519 (default) or SM2 (GB/T 32918). */
  signingAlgorithm: SigningAlgorithm;
  /** Lifetime of OAuth access tokens. */
  tokenTtlSeconds: number;
  logLevel: string;
}

export interface ConfigOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = overrides.port ?? Number(env.PORT ?? env.CERTBRIDGE_PORT ?? 3000);
  const host = overrides.host ?? env.CERTBRIDGE_HOST ?? '127.0.0.1';
  const algorithm = (env.CERTBRIDGE_SIGNING_ALG ?? 'EdDSA').toUpperCase();
  if (algorithm !== 'EDDSA' && algorithm !== 'SM2') {
    throw new Error(`CERTBRIDGE_SIGNING_ALG must be EdDSA or SM2, not ${env.CERTBRIDGE_SIGNING_ALG}`);
  }
  return {
    host,
    port,
    dataDir: resolve(overrides.dataDir ?? env.CERTBRIDGE_DATA_DIR ?? 'data'),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    publicUrl: (overrides.publicUrl ?? env.CERTBRIDGE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    signingAlgorithm: algorithm === 'SM2' ? 'SM2' : 'EdDSA',
    tokenTtlSeconds: Number(env.CERTBRIDGE_TOKEN_TTL ?? 300),
    logLevel: env.CERTBRIDGE_LOG_LEVEL ?? 'info',
  };
}

/**
 * The key that encrypts signing keys at rest. It never lives in the database: it comes
 * from CERTBRIDGE_MASTER_KEY (64 hex chars) or from `<dataDir>/master.key`, created once.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.CERTBRIDGE_MASTER_KEY;
  if (fromEnv) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) throw new Error('CERTBRIDGE_MASTER_KEY must be 64 hexadecimal characters');
    return Buffer.from(fromEnv, 'hex');
  }
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
}
