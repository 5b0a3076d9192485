/**
 * An independent RFC 9162 verifier for the tests, sharing no code with src/audit: it checks a
 * proof by mirroring the recursive definitions of RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1
 * (PROOF/SUBPROOF) instead of the bit-walking algorithms of §2.1.3.2 / §2.1.4.2 that the
 * platform's own verifier uses, and it recomputes roots straight from the definition of MTH.
 */
import { createHash } from 'node:crypto';

export const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const hashLeaf = (data: Buffer) => sha256(Buffer.from([0]), data);
export const hashChildren = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);

/** The largest power of two smaller than n (n > 1), as RFC 9162 §2.1.1 defines k. */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]) from leaf hashes, by the definition. */
export function mth(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return leafHashes[0];
  const split = k(leafHashes.length);
  return hashChildren(mth(leafHashes.slice(0, split)), mth(leafHashes.slice(split)));
}

/** PATH(m, D[n]) by the definition. */
export function referencePath(m: number, leafHashes: readonly Buffer[]): Buffer[] {
  const n = leafHashes.length;
  if (n <= 1) return [];
  const split = k(n);
  return m < split
    ? [...referencePath(m, leafHashes.slice(0, split)), mth(leafHashes.slice(split))]
    : [...referencePath(m - split, leafHashes.slice(split)), mth(leafHashes.slice(0, split))];
}

/** PROOF(m, D[n]) by the definition. */
export function referenceConsistency(m: number, leafHashes: readonly Buffer[]): Buffer[] {
  const sub = (m: number, d: readonly Buffer[], b: boolean): Buffer[] => {
    if (m === d.length) return b ? [] : [mth(d)];
    const split = k(d.length);
    return m <= split ? [...sub(m, d.slice(0, split), b), mth(d.slice(split))] : [...sub(m - split, d.slice(split), false), mth(d.slice(0, split))];
  };
  return m === 0 ? [] : sub(m, leafHashes, true);
}

/** The root an inclusion proof leads to, undoing PATH's recursion from its last element; null if malformed. */
function rootFromPath(m: number, n: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (n === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0 || m >= n) return null;
  const split = k(n);
  const top = path[path.length - 1];
  const rest = path.slice(0, -1);
  if (m < split) {
    const left = rootFromPath(m, split, leaf, rest);
    return left && hashChildren(left, top);
  }
  const right = rootFromPath(m - split, n - split, leaf, rest);
  return right && hashChildren(top, right);
}

export function independentlyVerifyInclusion(index: number, size: number, leaf: Buffer, path: readonly Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size || path.some((p) => p.length !== 32)) return false;
  const computed = rootFromPath(index, size, leaf, path);
  return computed !== null && computed.equals(root);
}

/** Both roots a consistency proof implies, undoing SUBPROOF's recursion; null if malformed. */
function rootsFromConsistency(m: number, n: number, complete: boolean, proof: readonly Buffer[], firstRoot: Buffer): { first: Buffer; second: Buffer } | null {
  if (m === n) {
    if (complete) return proof.length === 0 ? { first: firstRoot, second: firstRoot } : null;
    return proof.length === 1 ? { first: proof[0], second: proof[0] } : null;
  }
  if (proof.length === 0) return null;
  const split = k(n);
  const top = proof[proof.length - 1];
  const rest = proof.slice(0, -1);
  if (m <= split) {
    const r = rootsFromConsistency(m, split, complete, rest, firstRoot);
    return r && { first: r.first, second: hashChildren(r.second, top) };
  }
  const r = rootsFromConsistency(m - split, n - split, false, rest, firstRoot);
  return r && { first: hashChildren(top, r.first), second: hashChildren(top, r.second) };
}

export function independentlyVerifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (first < 0 || first > second || proof.some((p) => p.length !== 32)) return false;
  if (first === 0) return proof.length === 0;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  const roots = rootsFromConsistency(first, second, true, proof, firstRoot);
  return roots !== null && roots.first.equals(firstRoot) && roots.second.equals(secondRoot);
}

export const hex = (b: Buffer) => b.toString('hex');
export const unhex = (s: string) => Buffer.from(s, 'hex');
