/**
 * The log's checkpoint: a C2SP signed note (c2sp.org/signed-note) whose text is a C2SP
 * tlog-checkpoint — the origin, the tree size and the base64 root hash, a line each — signed with
 * the log's Ed25519 key. This is what tlog-tiles clients and witnesses read at `<prefix>/checkpoint`.
 *
 *     certbridge.example.gov.cn/api/v1/audit
 *     20852163
 *     CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 *
 *     — certbridge.example.gov.cn/api/v1/audit Az3grlgt…
 *
 * The key name is the origin; the key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]; the
 * signature line carries key ID ‖ Ed25519 signature of the note text, base64.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { PublicJwk, SigningKey } from '../platform/crypto/keys.ts';

export interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** The origin of a log served under `publicUrl`: the scheme-less URL prefix of its tlog-tiles paths. */
export function originOf(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/api/v1/audit`;
}

export function checkpointText(body: CheckpointBody): string {
  return `${body.origin}\n${body.treeSize}\n${body.rootHash.toString('base64')}\n`;
}

/** The raw Ed25519 public key of a JWK (the key's `x`). */
export const ed25519PublicKey = (jwk: PublicJwk): Buffer => Buffer.from(String(jwk.x), 'base64url');

/** The signed-note key ID of an Ed25519 key under a name. */
export function noteKeyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([0x01]), publicKey])).digest().subarray(0, 4);
}

/** The verifier key (vkey) clients are configured with: `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`. */
export function verifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([0x01]), publicKey]).toString('base64')}`;
}

/** Signs a checkpoint with the log's (Ed25519) key: the whole signed note. */
export function signCheckpoint(key: SigningKey, body: CheckpointBody): string {
  if (key.alg !== 'EdDSA') throw new Error('the log signs its checkpoints with Ed25519');
  const text = checkpointText(body);
  const signature = key.sign(Buffer.from(text, 'utf8'));
  const id = noteKeyId(body.origin, ed25519PublicKey(key.publicJwk));
  return `${text}\n\u2014 ${body.origin} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

export interface ParsedCheckpoint extends CheckpointBody {
  /** The note text that was signed. */
  text: string;
  signatures: { name: string; keyId: Buffer; signature: Buffer }[];
}

/** Splits a signed note into its checkpoint and signature lines; undefined when it is not one. */
export function parseCheckpoint(note: string): ParsedCheckpoint | undefined {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) return undefined;
  const rootHash = Buffer.from(lines[2], 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== lines[2]) return undefined;
  const signatures: ParsedCheckpoint['signatures'] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) return undefined;
    const bytes = Buffer.from(m[2], 'base64');
    if (bytes.length < 5) return undefined;
    signatures.push({ name: m[1], keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  return { origin: lines[0], treeSize: Number(lines[1]), rootHash, text, signatures };
}

/** Why a checkpoint note does not verify with the log's key, or undefined when it does. */
export function checkpointProblem(note: string, publicKey: Buffer): string | undefined {
  const parsed = parseCheckpoint(note);
  if (!parsed) return 'it is not a signed checkpoint note';
  const id = noteKeyId(parsed.origin, publicKey);
  const ours = parsed.signatures.find((s) => s.name === parsed.origin && s.keyId.equals(id));
  if (!ours) return `it carries no signature by the log key ${parsed.origin}+${id.toString('hex')}`;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  if (!verify(null, Buffer.from(parsed.text, 'utf8'), key, ours.signature)) return 'its signature does not verify';
  return undefined;
}
