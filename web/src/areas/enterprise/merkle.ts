/**
 * Checking the audit log in the browser, trusting nothing the page was told but the log key:
 * - an entry's leaf hash is SHA-256(0x00 ‖ the RFC 8785 (JCS) bytes of the entry) (RFC 9162 §2.1.1);
 * - its inclusion proof leads from that leaf to the root of a tree size (RFC 9162 §2.1.3.2);
 * - the root is the signed tree head's, whose signature (a compact JWS, EdDSA/Ed25519, typ
 *   `tree-head+json`, payload the RFC 8785 bytes of {rootHash, timestamp, treeSize}) verifies with
 *   the log key the platform publishes in /.well-known/jwks.json.
 * Hashing and the signature are WebCrypto (SHA-256, Ed25519), in the browser as in Node.
 */
import { leafHashOf, rootFromInclusionProof, type InclusionProof, type SignedTreeHead } from '../../shared/merkleProof.ts';

// The hashing, the proof walk and the signature check are the shared ones (the coordination office's audit search uses them too).
export {
  bytesToHex,
  canonicalJson,
  checkTreeHeadSignature as verifyTreeHeadSignature,
  hexToBytes,
  rootFromInclusionProof,
  type InclusionProof,
  type PublicJwk,
  type SignatureCheck,
} from '../../shared/merkleProof.ts';

export type TreeHead = SignedTreeHead;

/** RFC 9162 leaf hash of a log entry (its RFC 8785 bytes), hex. */
export const entryLeafHash = leafHashOf;

/** Whether the proof leads from the leaf to `rootHash`. */
export async function verifyInclusion(leafHashHex: string, proof: InclusionProof, rootHash: string): Promise<boolean> {
  const root = await rootFromInclusionProof(proof.index, proof.treeSize, leafHashHex, proof.path);
  return root !== undefined && root === rootHash.toLowerCase();
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
