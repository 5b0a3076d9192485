import { availableParallelism } from 'node:os';
import type { SigningKey, StoredKeyMaterial } from '../../platform/crypto/keys.ts';
import { siblingModule, WorkerPool } from '../../platform/workers/pool.ts';
import type { LicenseTypeDefinition } from '../../standards/index.ts';
import type { Mapping } from '../import/mapping.ts';
import type { SourceRow } from '../import/readers.ts';
import type { RowCheck } from '../import/validate.ts';
import type { LicenseData } from '../lifecycle/licenseData.ts';
import { signLicenseVersion, type Holder, type Issuer, type SigningType } from '../lifecycle/licenseRecords.ts';

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

/** Rows of an imported file to check where the signing happens: the type and the mapping cross as plain data. */
export interface RowCheckJob {
  definition: LicenseTypeDefinition;
  mapping?: Mapping;
  issuerName: string;
  today: string;
  acceptLegacyCodes: boolean;
  rows: SourceRow[];
}

/** What a signing worker is asked: to sign license versions, or to check imported rows (checkRowAlone). */
export type SigningJob = { sign: SignTask[] } | { check: RowCheckJob };

/** Signs batches of license versions; bulk issuance does not care where. */
export interface LicenseSigner {
  readonly kid: string;
  sign(tasks: SignTask[]): Promise<SignedVersion[]>;
  /** Checks imported rows on the signing threads; absent when signing is inline (the caller checks them itself). */
  check?(job: RowCheckJob): Promise<RowCheck[]>;
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
 * Signs on worker threads, one per core, so that a million-row import uses every core; they
 * check the import's rows too, the reading thread's largest work otherwise.
 * Each worker unseals the key itself; the master key crosses only in memory.
 */
export function workerSigner(
  stored: StoredKeyMaterial,
  masterKey: Buffer,
  publicUrl: string,
  threads = availableParallelism(),
): LicenseSigner {
  const pool = new WorkerPool<SigningJob, SignedVersion[] | RowCheck[]>(siblingModule('signingWorker', import.meta.url), threads, {
    stored,
    masterKey,
    publicUrl,
  });
  return {
    kid: stored.kid,
    sign: (tasks) => pool.run({ sign: tasks }) as Promise<SignedVersion[]>,
    check: (job) => pool.run({ check: job }) as Promise<RowCheck[]>,
    close: () => pool.close(),
  };
}
