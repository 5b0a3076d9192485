/**
 * Checking the audit log in the browser, trusting nothing the page was told but the log key:
 * - an entry's leaf hash is SHA-256(0x00 ‖ the RFC 8785 (JCS) bytes of the entry) (RFC 9162 §2.1.1);
 * - its inclusion proof leads from that leaf to the root of a tree size (RFC 9162 §2.1.3.2);
 * - the root is the signed tree head's, whose signature (a compact JWS, EdDSA/Ed25519, typ
 *   `tree-head+json`, payload the RFC 8785 bytes of {rootHash, timestamp, treeSize}) verifies with
 *   the log key the platform publishes in /.well-known/jwks.json.
 * Hashing and the signature are WebCrypto (SHA-256, Ed25519), in the browser as in Node.
 */
import { canonicalJson, leafHashOf, rootFromInclusionProof } from '../../shared/merkleProof.ts';

// The hashing and the proof walk are the shared ones (the coordination office's audit search uses them too).
export { bytesToHex, canonicalJson, hexToBytes, rootFromInclusionProof } from '../../shared/merkleProof.ts';

export interface TreeHead {
  treeSize: number;
  /** Hex SHA-256. */
  rootHash: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Compact JWS. */
  signature: string;
  keyId: string;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  /** Hex hashes, from the leaf upwards. */
  path: string[];
}

export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
  alg?: string;
}

const subtle = () => globalThis.crypto.subtle;

/** RFC 9162 leaf hash of a log entry (its RFC 8785 bytes), hex. */
export const entryLeafHash = leafHashOf;

/** Whether the proof leads from the leaf to `rootHash`. */
export async function verifyInclusion(leafHashHex: string, proof: InclusionProof, rootHash: string): Promise<boolean> {
  const root = await rootFromInclusionProof(proof.index, proof.treeSize, leafHashHex, proof.path);
  return root !== undefined && root === rootHash.toLowerCase();
}

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const decodeSegment = (segment: string): unknown => JSON.parse(new TextDecoder().decode(base64UrlToBytes(segment)));

export type SignatureCheck =
  | { ok: true }
  /** `unsupported`: this browser's WebCrypto has no Ed25519 (the proofs still check against the head's root). */
  | { ok: false; reason: 'unsupported' | 'unknown-key' | 'malformed' | 'mismatch' | 'bad-signature'; detail: string };

/**
 * Verifies a tree head's signature with the log key among `keys` (the JWKS): the JWS header
 * (alg EdDSA, typ tree-head+json, kid = keyId), the Ed25519 signature, and that the signed payload
 * is exactly the RFC 8785 bytes of the head's {rootHash, timestamp, treeSize}.
 */
export async function verifyTreeHeadSignature(head: TreeHead, keys: readonly PublicJwk[]): Promise<SignatureCheck> {
  const parts = head.signature.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed', detail: 'the signature is not a compact JWS' };
  let header: { alg?: string; kid?: string; typ?: string };
  try {
    header = decodeSegment(parts[0]) as typeof header;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'the JWS header cannot be read' };
  }
  if (header.alg !== 'EdDSA' || header.typ !== 'tree-head+json' || header.kid !== head.keyId) {
    return { ok: false, reason: 'malformed', detail: `unexpected JWS header ${JSON.stringify(header)}` };
  }
  const signed = new TextDecoder().decode(base64UrlToBytes(parts[1]));
  const expected = canonicalJson({ rootHash: head.rootHash, timestamp: head.timestamp, treeSize: head.treeSize });
  if (signed !== expected) return { ok: false, reason: 'mismatch', detail: `the signed payload ${signed} is not this tree head` };
  const jwk = keys.find((k) => k.kid === head.keyId);
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) return { ok: false, reason: 'unknown-key', detail: `no Ed25519 log key ${head.keyId} is published` };
  let key: CryptoKey;
  try {
    key = await subtle().importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    return { ok: false, reason: 'unsupported', detail: `this browser cannot check Ed25519 signatures (${(error as Error).message})` };
  }
  const valid = await subtle().verify({ name: 'Ed25519' }, key, base64UrlToBytes(parts[2]), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  return valid ? { ok: true } : { ok: false, reason: 'bad-signature', detail: 'the signature does not verify with the log key' };
}

export type EntryCheck =
  /** The leaf hash is the entry's, and the proof leads to the signed head's root. */
  | { state: 'valid'; leafHash: string }
  /** The entry is newer than the tree head (the log sequences entries within seconds). */
  | { state: 'pending' }
  | { state: 'invalid'; why: 'leaf-hash' | 'proof'; leafHash: string };

/**
 * Checks one entry against a tree head, given the proof the platform answered for it: the leaf
 * hash recomputed from the entry (and compared with the one the platform claims, when given),
 * then the proof walked to the head's root.
 */
export async function checkEntry(entry: unknown, index: number, head: Pick<TreeHead, 'treeSize' | 'rootHash'>, proof: InclusionProof | undefined, claimedLeafHash?: string): Promise<EntryCheck> {
  if (index >= head.treeSize) return { state: 'pending' };
  const leafHash = await entryLeafHash(entry);
  if (claimedLeafHash !== undefined && claimedLeafHash.toLowerCase() !== leafHash) return { state: 'invalid', why: 'leaf-hash', leafHash };
  if (!proof || proof.index !== index || proof.treeSize !== head.treeSize) return { state: 'invalid', why: 'proof', leafHash };
  return (await verifyInclusion(leafHash, proof, head.rootHash)) ? { state: 'valid', leafHash } : { state: 'invalid', why: 'proof', leafHash };
}
