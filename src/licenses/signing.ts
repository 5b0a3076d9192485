import { availableParallelism } from 'node:os';
import type { SigningKey, StoredKeyMaterial } from '../platform/crypto/keys.ts';
import { siblingModule, WorkerPool } from '../platform/workers/pool.ts';
import type { LicenseData } from './licenseData.ts';
import { signLicenseVersion, type Holder, type Issuer, type SigningType } from './licenseRecords.ts';

/** One license version to identify and sign. Plain data, so it can cross to a worker thread. */
export interface SignTask {
  id: number;
  version: number;
  type: SigningType;
  issuer: Issuer;
  holder: Holder;
  data: LicenseData;
  issuedAt: number;
}

export interface SignedVersion {
  identifier: string;
  credential: string;
}

/** Signs batches of license versions; bulk issuance does not care where. */
export interface LicenseSigner {
  readonly kid: string;
  sign(tasks: SignTask[]): Promise<SignedVersion[]>;
  close(): Promise<void>;
}

export function signTasks(key: SigningKey, publicUrl: string, tasks: readonly SignTask[]): SignedVersion[] {
  return tasks.map((task) => signLicenseVersion(key, publicUrl, { ...task, standard: task.type, issuedAt: new Date(task.issuedAt) }));
}

/** Signs on the calling thread: right for small batches (the demo, an API call). */
export function inlineSigner(key: SigningKey, publicUrl: string): LicenseSigner {
  return { kid: key.kid, sign: async (tasks) => signTasks(key, publicUrl, tasks), close: async () => undefined };
}

/**
 * Signs on worker threads, one per core, so that a million-row import uses every core.
 * Each worker unseals the key itself; the master key crosses only in memory.
 */
export function workerSigner(
  stored: StoredKeyMaterial,
  masterKey: Buffer,
  publicUrl: string,
  threads = availableParallelism(),
): LicenseSigner {
  const pool = new WorkerPool<SignTask[], SignedVersion[]>(siblingModule('signingWorker', import.meta.url), threads, {
    stored,
    masterKey,
    publicUrl,
  });
  return { kid: stored.kid, sign: (tasks) => pool.run(tasks), close: () => pool.close() };
}
