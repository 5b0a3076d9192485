/**
 * Checking an audit log entry's inclusion proof in the browser (RFC 9162 §2.1.3.2), with
 * WebCrypto only: no server is trusted for the verdict.
 *
 *   leaf hash = SHA-256(0x00 ‖ RFC 8785 bytes of the entry)
 *   node hash = SHA-256(0x01 ‖ left ‖ right)
 *
 * The root the path leads to is compared with the signed tree head's `rootHash`, and the tree
 * head's signature (a compact JWS, EdDSA/Ed25519, typ "tree-head+json", payload = RFC 8785 of
 * {rootHash, timestamp, treeSize}) is checked against the log key in /.well-known/jwks.json.
 *
 * Shared by the coordination office's audit search and the enterprise portal's "who used my
 * data": one implementation, pinned against the server's own Merkle code in merkleProof.test.ts.
 */

export interface InclusionProof {
  index: number;
  treeSize: number;
  /** Hex hashes from the leaf upwards. */
  path: readonly string[];
}

export interface SignedTreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: number;
  signature: string;
  keyId: string;
}

export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
  alg?: string;
  use?: string;
}

export interface Jwks {
  keys: readonly PublicJwk[];
}

/** What failed first, when a check fails. */
export type ProofFailure =
  | 'leaf-mismatch' // the entry's bytes do not hash to the leaf hash the server gave
  | 'proof-shape' // the path is too short or too long for (index, treeSize)
  | 'size-mismatch' // the proof is for another tree size than the tree head
  | 'root-mismatch' // the path leads to another root than the tree head's
  | 'signature-invalid' // the tree head's signature does not verify with the log key
  | 'unknown-key' // no key in the JWKS has the tree head's keyId
  | 'unsupported'; // this browser's WebCrypto lacks Ed25519

export interface ProofCheck {
  /** True when the entry is in the tree the signed head commits to (and the signature verifies, when a JWKS was given). */
  valid: boolean;
  failure?: ProofFailure;
  /** Hex leaf hash recomputed from the entry (or the given leaf hash when no entry was given). */
  leafHash: string;
  /** Hex root the path leads to; undefined when the path has the wrong shape. */
  computedRoot?: string;
  rootHash: string;
  /** 'unchecked' when no JWKS was given. */
  signature: 'valid' | 'invalid' | 'unchecked';
}

// ---------------------------------------------------------------------------------------------
// RFC 8785 (JCS) canonical JSON
// ---------------------------------------------------------------------------------------------

/**
 * RFC 8785 canonical JSON: members sorted by UTF-16 code units, numbers and strings as
 * ECMAScript's JSON.stringify writes them (which is what §3.2.2 prescribes).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

function subtle(): SubtleCrypto {
  const crypto = globalThis.crypto;
  if (!crypto?.subtle) throw new Error('WebCrypto is not available (the page must be served over HTTPS or from localhost)');
  return crypto.subtle;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not a hex string: ${hex.slice(0, 16)}`);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const input = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    input.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await subtle().digest('SHA-256', input));
}

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

/** Hex SHA-256(0x00 ‖ RFC 8785 bytes of the entry): the entry's leaf hash. */
export async function leafHashOf(entry: unknown): Promise<string> {
  return bytesToHex(await sha256(LEAF_PREFIX, new TextEncoder().encode(canonicalJson(entry))));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * RFC 9162 §2.1.3.2: the root an inclusion path leads to from leaf `index` of a tree of
 * `treeSize` leaves; undefined when the path has the wrong length for that position.
 */
export async function rootFromInclusionProof(index: number, treeSize: number, leafHash: string, path: readonly string[]): Promise<string | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return undefined;
  let fn = index;
  let sn = treeSize - 1;
  let r = hexToBytes(leafHash);
  for (const hex of path) {
    if (sn === 0) return undefined;
    const p = hexToBytes(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? bytesToHex(r) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The tree head's signature
// ---------------------------------------------------------------------------------------------

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The RFC 8785 bytes a tree head's JWS signs. */
export function treeHeadPayload(head: Pick<SignedTreeHead, 'rootHash' | 'timestamp' | 'treeSize'>): string {
  return canonicalJson({ rootHash: head.rootHash, timestamp: head.timestamp, treeSize: head.treeSize });
}

/** A tree head's signature checked, with why it failed (`detail` in words for whoever asks). */
export type SignatureCheck =
  | { ok: true }
  /** `unsupported`: this browser's WebCrypto has no Ed25519 (the proofs still check against the head's root). */
  | { ok: false; reason: 'unsupported' | 'unknown-key' | 'malformed' | 'mismatch' | 'bad-signature'; detail: string };

/**
 * Checks a tree head's signature with the log key among `keys` (the JWKS): the JWS header
 * (alg EdDSA, typ tree-head+json, kid = keyId), that the signed payload is exactly the RFC 8785
 * bytes of the head's {rootHash, timestamp, treeSize}, and the Ed25519 signature.
 */
export async function checkTreeHeadSignature(head: SignedTreeHead, keys: readonly PublicJwk[]): Promise<SignatureCheck> {
  const parts = head.signature.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return { ok: false, reason: 'malformed', detail: 'the signature is not a compact JWS' };
  let header: { alg?: unknown; kid?: unknown; typ?: unknown };
  let payload: string;
  try {
    header = JSON.parse(new TextDecoder().decode(base64UrlToBytes(parts[0]))) as typeof header;
    payload = new TextDecoder().decode(base64UrlToBytes(parts[1]));
  } catch {
    return { ok: false, reason: 'malformed', detail: 'the JWS header cannot be read' };
  }
  if (header.alg !== 'EdDSA' || header.typ !== 'tree-head+json' || header.kid !== head.keyId) {
    return { ok: false, reason: 'malformed', detail: `unexpected JWS header ${JSON.stringify(header)}` };
  }
  if (payload !== treeHeadPayload(head)) return { ok: false, reason: 'mismatch', detail: `the signed payload ${payload} is not this tree head` };
  const jwk = keys.find((key) => key.kid === head.keyId && key.kty === 'OKP' && key.crv === 'Ed25519');
  if (!jwk?.x) return { ok: false, reason: 'unknown-key', detail: `no Ed25519 log key ${head.keyId} is published` };
  let key: CryptoKey;
  try {
    key = await subtle().importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    return { ok: false, reason: 'unsupported', detail: `this browser cannot check Ed25519 signatures (${(error as Error).message})` };
  }
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  return (await subtle().verify({ name: 'Ed25519' }, key, base64UrlToBytes(parts[2]), signed))
    ? { ok: true }
    : { ok: false, reason: 'bad-signature', detail: 'the signature does not verify with the log key' };
}

/**
 * Whether the tree head's signature verifies with its key in the JWKS and signs exactly its
 * fields. 'unknown-key' when the JWKS lacks the key, 'unsupported' when WebCrypto lacks Ed25519.
 */
export async function verifyTreeHead(head: SignedTreeHead, jwks: Jwks): Promise<'valid' | 'invalid' | 'unknown-key' | 'unsupported'> {
  const check = await checkTreeHeadSignature(head, jwks.keys);
  if (check.ok) return 'valid';
  return check.reason === 'unknown-key' || check.reason === 'unsupported' ? check.reason : 'invalid';
}

// ---------------------------------------------------------------------------------------------
// The whole check
// ---------------------------------------------------------------------------------------------

export interface InclusionCheckInput {
  /** The log entry as the API returned it; its leaf hash is recomputed from it. */
  entry?: unknown;
  /** The leaf hash the API gave; compared with the recomputed one (or used as is when no entry is given). */
  leafHash?: string;
  proof: InclusionProof;
  treeHead: SignedTreeHead;
  /** The platform's /.well-known/jwks.json; without it the signature is left unchecked. */
  jwks?: Jwks;
}

/** Checks that an entry is in the log the signed tree head commits to. */
export async function checkInclusion(input: InclusionCheckInput): Promise<ProofCheck> {
  const { proof, treeHead } = input;
  const recomputed = input.entry !== undefined ? await leafHashOf(input.entry) : undefined;
  const leafHash = recomputed ?? input.leafHash;
  if (!leafHash) throw new Error('checkInclusion needs the entry or its leaf hash');
  const base = { leafHash, rootHash: treeHead.rootHash } as const;
  let signature: ProofCheck['signature'] = 'unchecked';
  let signatureFailure: ProofFailure | undefined;
  if (input.jwks) {
    const verdict = await verifyTreeHead(treeHead, input.jwks);
    signature = verdict === 'valid' ? 'valid' : 'invalid';
    if (verdict !== 'valid') signatureFailure = verdict === 'invalid' ? 'signature-invalid' : verdict;
  }
  if (recomputed && input.leafHash && recomputed.toLowerCase() !== input.leafHash.toLowerCase()) {
    return { ...base, valid: false, failure: 'leaf-mismatch', signature };
  }
  let computedRoot: string | undefined;
  try {
    computedRoot = await rootFromInclusionProof(proof.index, proof.treeSize, leafHash, proof.path);
  } catch {
    computedRoot = undefined;
  }
  if (computedRoot === undefined) return { ...base, valid: false, failure: 'proof-shape', signature };
  if (proof.treeSize !== treeHead.treeSize) return { ...base, valid: false, failure: 'size-mismatch', computedRoot, signature };
  if (computedRoot !== treeHead.rootHash.toLowerCase()) return { ...base, valid: false, failure: 'root-mismatch', computedRoot, signature };
  if (signatureFailure) return { ...base, valid: false, failure: signatureFailure, computedRoot, signature };
  return { ...base, valid: true, computedRoot, signature };
}
