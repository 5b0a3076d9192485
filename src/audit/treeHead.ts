/**
 * Signed tree heads. The signature is a compact JWS (RFC 7515, EdDSA/Ed25519) with header
 * `{"alg":"EdDSA","kid":<keyId>,"typ":"tree-head+json"}` whose payload is exactly the RFC 8785
 * bytes of `{"rootHash":<hex>,"timestamp":<ms>,"treeSize":<n>}` — for a hex string and two
 * integers that is also what `jq -cS` prints. Any JOSE library verifies it against the log key
 * published in /.well-known/jwks.json; the witness then compares the payload with the fields.
 */
import { decodeCompactJws, encodeJsonSegment, signEncodedJws, verifyDecodedJws } from '../platform/crypto/jws.ts';
import type { SigningKey, VerificationKey } from '../platform/crypto/keys.ts';
import { canonicalJson } from './entries.ts';

export const TREE_HEAD_TYP = 'tree-head+json';

export interface TreeHead {
  treeSize: number;
  /** Hex SHA-256 root of the tree of `treeSize` entries. */
  rootHash: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Compact JWS over the three fields above. */
  signature: string;
  keyId: string;
}

export type TreeHeadFields = Pick<TreeHead, 'treeSize' | 'rootHash' | 'timestamp'>;

/** The signed bytes: RFC 8785 canonical JSON of the three fields. */
export function treeHeadPayload(fields: TreeHeadFields): string {
  return canonicalJson({ rootHash: fields.rootHash, timestamp: fields.timestamp, treeSize: fields.treeSize });
}

export function signTreeHead(key: SigningKey, fields: TreeHeadFields): TreeHead {
  const header = encodeJsonSegment({ alg: key.alg, kid: key.kid, typ: TREE_HEAD_TYP });
  const payload = Buffer.from(treeHeadPayload(fields), 'utf8').toString('base64url');
  return { ...fields, signature: signEncodedJws(key, header, payload), keyId: key.kid };
}

/** Why a tree head does not verify with `key`, or undefined when it does. */
export function treeHeadProblem(head: TreeHead, key: VerificationKey | undefined): string | undefined {
  if (!key) return `its key ${head.keyId} is not a known log key`;
  let decoded;
  try {
    decoded = decodeCompactJws(head.signature);
  } catch (error) {
    return `its signature is not a compact JWS (${(error as Error).message})`;
  }
  if (decoded.header.typ !== TREE_HEAD_TYP) return `its JWS typ is ${String(decoded.header.typ)}, not ${TREE_HEAD_TYP}`;
  if (decoded.header.kid !== head.keyId) return `its JWS kid ${String(decoded.header.kid)} differs from keyId ${head.keyId}`;
  try {
    verifyDecodedJws(decoded, (kid) => (kid === key.kid ? key : undefined));
  } catch (error) {
    return `its signature does not verify (${(error as Error).message})`;
  }
  const signed = Buffer.from(head.signature.split('.')[1], 'base64url').toString('utf8');
  if (signed !== treeHeadPayload(head)) return `the signed payload ${signed} does not match size ${head.treeSize}, root ${head.rootHash}, timestamp ${head.timestamp}`;
  return undefined;
}
