/**
 * The log as a C2SP tlog-tiles log: its signed checkpoint (public), its tiles of hashes (anyone
 * signed in, like consistency proofs: they hold only hashes) and its entry bundles (the coordination
 * office, like the entries). A partial tile or bundle of width W is the first W hashes or entries of
 * the tile as stored now: tiles and bundles only ever grow.
 */
import { gunzipSync } from 'node:zlib';
import type { Principal } from '../platform/auth/principal.ts';
import { notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authorize } from '../policy/index.ts';
import { ed25519PublicKey, originOf, signCheckpoint, verifierKey } from './checkpoint.ts';
import { asBuffer, fetchTiles, logCache, readState } from './storage.ts';
import { bundlePrefix, HASH_SIZE, TILE_WIDTH } from './tiles.ts';

const LOG = { type: 'AuditLog', id: 'certbridge' };

/** The newest signed checkpoint (a C2SP signed note). Public. */
export async function currentCheckpoint(platform: Platform): Promise<string> {
  const state = await readState(platform.store);
  if (state.checkpoint) return state.checkpoint;
  // A log nothing was appended to since it was created or converted: its first checkpoint.
  const key = await platform.keys.activeKey('audit', 'EdDSA');
  const origin = state.origin ?? originOf(platform.config.publicUrl);
  const note = signCheckpoint(key, { origin, treeSize: state.tree_size, rootHash: asBuffer(state.root_hash) });
  const stored = await platform.store.query<{ checkpoint: string }>(
    `update audit_state set origin = $1, checkpoint = $2 where tree_size = $3 and root_hash = $4 and checkpoint is null returning checkpoint`,
    [origin, note, state.tree_size, asBuffer(state.root_hash)],
  );
  return stored.rows[0]?.checkpoint ?? (await readState(platform.store)).checkpoint ?? note;
}

/** The log's verifier key (C2SP signed-note vkey) and origin, for configuring a tlog client. Public. */
export async function logVerifierKey(platform: Platform): Promise<{ origin: string; verifierKey: string }> {
  const note = await currentCheckpoint(platform);
  const origin = note.slice(0, note.indexOf('\n'));
  const key = await platform.keys.activeKey('audit', 'EdDSA');
  return { origin, verifierKey: verifierKey(origin, ed25519PublicKey(key.publicJwk)) };
}

const missing = (what: string) => notFound('audit-tile-not-found', `the log has no ${what}`);

/** A tile of hashes: full (256 hashes) or the first `width` of a partial one. */
export async function readTile(platform: Platform, principal: Principal, level: number, index: number, width?: number): Promise<Buffer> {
  authorize(principal, 'audit:read-tiles', LOG);
  const tile = (await fetchTiles(platform.store, [{ level, index }], logCache(platform))).get(`${level}/${index}`);
  const wanted = (width ?? TILE_WIDTH) * HASH_SIZE;
  if (!tile || tile.length < wanted) throw missing(`tile ${level}/${index}${width ? ` of width ${width}` : ''}`);
  return tile.subarray(0, wanted);
}

/**
 * An entry bundle: full (256 entries) or the first `width` entries of a partial one. `gzipped` when
 * the bytes are the stored gzip stream (send them with Content-Encoding: gzip).
 */
export async function readBundle(platform: Platform, principal: Principal, index: number, width?: number): Promise<{ data: Buffer; gzipped: boolean }> {
  authorize(principal, 'audit:read-bundles', LOG);
  const db = platform.store;
  const full = (await db.query<{ data: Uint8Array; gzipped: boolean }>('select data, gzipped from audit_bundles where idx = $1', [index])).rows[0];
  if (full) {
    const data = asBuffer(full.data);
    if (width === undefined) return { data, gzipped: full.gzipped };
    const prefix = bundlePrefix(full.gzipped ? gunzipSync(data) : data, width);
    if (!prefix) throw missing(`entry bundle ${index} of width ${width}`);
    return { data: prefix, gzipped: false };
  }
  if (width === undefined) throw missing(`full entry bundle ${index}`);
  const parts = await db.query<{ first: number; data: Uint8Array }>('select first, data from audit_bundle_parts where first >= $1 and first < $2 order by first', [
    index * TILE_WIDTH,
    (index + 1) * TILE_WIDTH,
  ]);
  const prefix = bundlePrefix(Buffer.concat(parts.rows.map((p) => asBuffer(p.data))), width);
  if (!prefix || parts.rows[0] === undefined || Number(parts.rows[0].first) !== index * TILE_WIDTH) throw missing(`entry bundle ${index} of width ${width}`);
  return { data: prefix, gzipped: false };
}
