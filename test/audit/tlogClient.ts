/**
 * A tlog-tiles client written from the C2SP specifications alone (c2sp.org/tlog-tiles,
 * c2sp.org/tlog-checkpoint, c2sp.org/signed-note) and RFC 6962 — independently of src/audit: it
 * uses only node:crypto and fetch. It verifies the checkpoint with a verifier key, fetches tiles and
 * entry bundles at their paths, recomputes roots and inclusion proofs from the tiles, and checks
 * every entry of a bundle against the leaf hashes of its tile.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const interior = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);
export const entryLeafHash = (entry: Buffer) => sha256(Buffer.from([0]), entry);

/** `<N>`: zero-padded groups of three digits, every group but the last prefixed with x. */
function indexPath(n: number): string {
  const digits = String(n).padStart(Math.ceil(String(n).length / 3) * 3, '0');
  const groups = digits.match(/.{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** The verifier key (`name+hexid+base64(0x01 ‖ key)`) of an Ed25519 public key under a name. */
export function vkeyOf(name: string, publicKey: Buffer): string {
  const id = sha256(Buffer.from(`${name}\n`), Buffer.from([0x01]), publicKey).subarray(0, 4);
  return `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), publicKey]).toString('base64')}`;
}

export class TlogClient {
  readonly fetched = { tiles: 0, bundles: 0 };
  private readonly tiles = new Map<string, Buffer>();

  constructor(
    private readonly prefix: string,
    private readonly vkey: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private async get(path: string): Promise<Response> {
    return fetch(`${this.prefix}/${path}`, { headers: { 'accept-encoding': 'gzip, identity', ...this.headers } });
  }

  /** Fetches and verifies the checkpoint: the note must carry a valid signature by the vkey's key. */
  async checkpoint(): Promise<Checkpoint> {
    const response = await this.get('checkpoint');
    if (response.status !== 200) throw new Error(`checkpoint: HTTP ${response.status}`);
    if (!String(response.headers.get('content-type')).startsWith('text/plain')) throw new Error('checkpoint: not text/plain');
    const note = await response.text();
    // <name>+<hex id>+<base64 key>: names hold no '+', base64 may.
    const [name, hexId, ...rest] = this.vkey.split('+');
    const key = rest.join('+');
    const material = Buffer.from(key, 'base64');
    if (material[0] !== 0x01) throw new Error('vkey: not an Ed25519 key');
    const split = note.lastIndexOf('\n\n');
    const text = note.slice(0, split + 1);
    const signed = note
      .slice(split + 2)
      .split('\n')
      .filter(Boolean)
      .map((line) => /^\u2014 (\S+) (\S+)$/.exec(line))
      .find((m) => m && m[1] === name && Buffer.from(m[2], 'base64').subarray(0, 4).toString('hex') === hexId);
    if (!signed) throw new Error('checkpoint: no signature by the verifier key');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: material.subarray(1).toString('base64url') }, format: 'jwk' });
    if (!verify(null, Buffer.from(text), publicKey, Buffer.from(signed[2], 'base64').subarray(4))) throw new Error('checkpoint: bad signature');
    const [origin, size, root] = text.split('\n');
    if (origin !== name) throw new Error('checkpoint: origin is not the key name');
    return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
  }

  /** The hashes of tile (level, n) as the tree of `size` has it (partial when the tree ends inside it). */
  async tile(level: number, n: number, size: number): Promise<Buffer[]> {
    const full = Math.floor(size / 256 ** (level + 1)) > n;
    const width = full ? 256 : Math.floor(size / 256 ** level) % 256;
    const key = `${level}/${n}/${width}`;
    let data = this.tiles.get(key);
    if (!data) {
      const response = await this.get(`tile/${level}/${indexPath(n)}${full ? '' : `.p/${width}`}`);
      if (response.status !== 200) throw new Error(`tile ${key}: HTTP ${response.status}`);
      data = Buffer.from(await response.arrayBuffer());
      if (data.length !== width * 32) throw new Error(`tile ${key}: ${data.length} bytes`);
      this.tiles.set(key, data);
      this.fetched.tiles++;
    }
    return Array.from({ length: width }, (_, i) => data.subarray(i * 32, i * 32 + 32));
  }

  /** The entries of bundle n as the tree of `size` has it. */
  async bundle(n: number, size: number): Promise<Buffer[]> {
    const full = Math.floor(size / 256) > n;
    const width = full ? 256 : size % 256;
    const response = await this.get(`tile/entries/${indexPath(n)}${full ? '' : `.p/${width}`}`);
    if (response.status !== 200) throw new Error(`bundle ${n}: HTTP ${response.status}`);
    const data = Buffer.from(await response.arrayBuffer());
    this.fetched.bundles++;
    const entries: Buffer[] = [];
    for (let at = 0; at < data.length; ) {
      const length = data.readUInt16BE(at);
      entries.push(data.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    if (entries.length !== width) throw new Error(`bundle ${n}: ${entries.length} entries, ${width} expected`);
    return entries;
  }

  /** MTH of the perfect subtree of height h at index i, from the tiles of the tree of `size`. */
  private async perfect(h: number, i: number, size: number): Promise<Buffer> {
    const level = Math.floor(h / 8);
    const span = 2 ** (h % 8);
    const first = i * span;
    const hashes = (await this.tile(level, Math.floor(first / 256), size)).slice(first % 256, (first % 256) + span);
    let row = hashes;
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, k) => interior(row[2 * k], row[2 * k + 1]));
    return row[0];
  }

  /** MTH(D[start : start + n]) (RFC 6962 §2.1), from tiles. */
  async subtree(start: number, n: number, size: number): Promise<Buffer> {
    if (n === 0) return sha256();
    const h = Math.log2(n);
    if (Number.isInteger(h) && start % n === 0) return this.perfect(h, start / n, size);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return interior(await this.subtree(start, k, size), await this.subtree(start + k, n - k, size));
  }

  /** RFC 6962 §2.1.1 PATH(m, D[0:size]), from the tiles of the tree of `size`. */
  inclusion(m: number, size: number): Promise<Buffer[]> {
    const path = async (m: number, start: number, n: number): Promise<Buffer[]> => {
      if (n <= 1) return [];
      let k = 1;
      while (k * 2 < n) k *= 2;
      return m < k
        ? [...(await path(m, start, k)), await this.subtree(start + k, n - k, size)]
        : [...(await path(m - k, start + k, n - k)), await this.subtree(start, k, size)];
    };
    return path(m, 0, size);
  }
}
