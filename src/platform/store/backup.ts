/**
 * Backups of the embedded store: PGlite's own dump of its data folder (a gzip'd tar, taken while no
 * statement runs and after a checkpoint: consistent, as a crash-safe copy is, while the server
 * serves), without what must never travel with a backup: the master key file and the folder's lock.
 * A PostgreSQL deployment backs up with PostgreSQL's tools (pg_dump, pgBackRest: docs/operations.md).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** Files of the data folder that are not the database's and stay out of a backup. */
const LEFT_OUT = new Set(['master.key', 'certbridge.lock']);

const BLOCK = 512;

/** The tar without the entries named in LEFT_OUT (at the archive's top level). */
export function withoutLocalFiles(tar: Buffer): Buffer {
  const kept: Buffer[] = [];
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    const length = BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^\.?\/+/, '');
    if (!LEFT_OUT.has(path)) kept.push(tar.subarray(at, at + length));
    at += length;
  }
  kept.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(kept);
}

/** A consistent copy of an open embedded store, gzip'd. */
export async function dumpPglite(db: PGlite): Promise<Buffer> {
  await db.exec('checkpoint');
  const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  return gzipSync(withoutLocalFiles(tar));
}

/** Restores a backup into `dataDir`, which must not hold a store already (a drill restores into a new place). */
export async function restorePglite(dataDir: string, backup: Buffer): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) throw new Error(`${dataDir} already holds a store: restore into an empty or new folder`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty: restore into an empty or new folder`);
  let tar: Buffer;
  try {
    tar = gunzipSync(backup);
  } catch {
    throw new Error('the file is not a CertBridge backup (certbridge backup --out)');
  }
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { loadDataDir: new Blob([new Uint8Array(tar)]), extensions: { pg_trgm } });
  await db.query('select 1');
  await db.close();
}
