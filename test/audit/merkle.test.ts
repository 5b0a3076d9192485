import { describe, expect, it } from 'vitest';
import { canonicalJson, columnsOf, entriesOf, prepareEntry } from '../../src/audit/entries.ts';
import {
  consistencyExprs,
  EMPTY_ROOT,
  evaluate,
  Frontier,
  frontierIds,
  inclusionExprs,
  isStoredLevel,
  leafHash,
  rootExpr,
  storedNodesOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkle.ts';
import {
  hashLeaf,
  independentlyVerifyConsistency,
  independentlyVerifyInclusion,
  mth,
  referenceConsistency,
  referencePath,
  sha256,
  unhex,
} from './verifier.ts';

// RFC 6962 test vectors, as published with Certificate Transparency's Merkle tree tests
// (google/certificate-transparency, now transparency-dev/merkle proof/verify_test.go).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// { leaf (1-based), tree size, path }
const INCLUSION = [
  { leaf: 1, size: 1, path: [] as string[] },
  {
    leaf: 1,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 6,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 3, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 2,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  { first: 1, second: 1, path: [] as string[] },
  {
    first: 1,
    second: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    path: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'],
  },
  {
    first: 6,
    second: 7,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** What the database would hold: the nodes at stored levels only, as the sequencer writes them. */
function storedTree(leafHashes: readonly Buffer[]): Map<string, Buffer> {
  const stored = new Map<string, Buffer>();
  const frontier = Frontier.empty();
  for (const h of leafHashes) {
    frontier.append(h, (level, index, hash) => {
      if (isStoredLevel(level)) stored.set(`${level}:${index}`, hash);
    });
  }
  return stored;
}

const hexes = (bufs: Buffer[]) => bufs.map((b) => b.toString('hex'));

describe('the Merkle tree against the RFC 6962 test vectors', () => {
  const leafHashes = LEAVES.map((l) => leafHash(l));
  const stored = storedTree(leafHashes);

  it('hashes leaves and computes the root of every size 1–8, incrementally and from stored nodes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHashes.map((h, i) => h.equals(hashLeaf(LEAVES[i])))).toEqual(LEAVES.map(() => true));
    const frontier = Frontier.empty();
    for (let size = 1; size <= 8; size++) {
      frontier.append(leafHashes[size - 1]);
      expect(frontier.root().toString('hex')).toBe(ROOTS[size - 1]);
      expect(evaluate(rootExpr(size)!, stored).toString('hex')).toBe(ROOTS[size - 1]);
      expect(mth(leafHashes.slice(0, size)).toString('hex')).toBe(ROOTS[size - 1]);
    }
  });

  it('gives the published inclusion proofs, which both verifiers accept', () => {
    for (const v of INCLUSION) {
      const path = inclusionExprs(v.leaf - 1, v.size).map((e) => evaluate(e, stored));
      expect(hexes(path)).toEqual(v.path);
      const root = unhex(ROOTS[v.size - 1]);
      expect(verifyInclusion(v.leaf - 1, v.size, leafHashes[v.leaf - 1], path, root)).toBe(true);
      expect(independentlyVerifyInclusion(v.leaf - 1, v.size, leafHashes[v.leaf - 1], path, root)).toBe(true);
    }
  });

  it('gives the published consistency proofs, which both verifiers accept', () => {
    for (const v of CONSISTENCY) {
      const path = consistencyExprs(v.first, v.second).map((e) => evaluate(e, stored));
      expect(hexes(path)).toEqual(v.path);
      const [r1, r2] = [unhex(ROOTS[v.first - 1]), unhex(ROOTS[v.second - 1])];
      expect(verifyConsistency(v.first, v.second, r1, r2, path)).toBe(true);
      expect(independentlyVerifyConsistency(v.first, v.second, r1, r2, path)).toBe(true);
    }
  });
});

/** The tiles (C2SP tlog-tiles: level L holds the hashes of height 8·L) that stored nodes lie in. */
const tilesOf = (nodes: Map<string, { level: number; index: number }>) => new Set([...nodes.values()].map((n) => `${n.level / 8}/${Math.floor(n.index / 256)}`));

describe('proofs for every index and size up to 70, from tile-level storage only', () => {
  const leafHashes = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const stored = storedTree(leafHashes);

  it('stores the leaves and every eighth level only (below 256 leaves: the leaves)', () => {
    expect([...stored.keys()].every((k) => Number(k.split(':')[0]) % 8 === 0)).toBe(true);
    expect(stored.size).toBe(70);
  });

  it('inclusion: equals RFC 9162 PATH computed from the leaves, verifies independently, and fails when corrupted', () => {
    for (let size = 1; size <= 70; size++) {
      const root = mth(leafHashes.slice(0, size));
      for (let index = 0; index < size; index++) {
        const exprs = inclusionExprs(index, size);
        // What a proof needs lies in one tile here (a tree of fewer than 256 leaves has one).
        expect(tilesOf(storedNodesOf(exprs)).size).toBeLessThanOrEqual(1);
        const path = exprs.map((e) => evaluate(e, stored));
        expect(hexes(path)).toEqual(hexes(referencePath(index, leafHashes.slice(0, size))));
        expect(independentlyVerifyInclusion(index, size, leafHashes[index], path, root)).toBe(true);
        expect(verifyInclusion(index, size, leafHashes[index], path, root)).toBe(true);
        if (path.length > 0) {
          const flipped = path.map((p, i) => (i === path.length - 1 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
          expect(verifyInclusion(index, size, leafHashes[index], flipped, root)).toBe(false);
          expect(verifyInclusion(index, size, leafHashes[index], path.slice(1), root)).toBe(false);
          expect(verifyInclusion(index, size, leafHashes[index], [...path, root], root)).toBe(false);
        }
        if (size > 1) expect(verifyInclusion(index, size, leafHashes[(index + 1) % size], path, root)).toBe(false);
      }
    }
  });

  it('consistency: equals RFC 9162 PROOF computed from the leaves, verifies independently, and fails when corrupted', () => {
    for (let second = 1; second <= 70; second++) {
      const r2 = mth(leafHashes.slice(0, second));
      for (let first = 1; first <= second; first++) {
        const r1 = mth(leafHashes.slice(0, first));
        const path = consistencyExprs(first, second).map((e) => evaluate(e, stored));
        expect(hexes(path)).toEqual(hexes(referenceConsistency(first, leafHashes.slice(0, second))));
        expect(independentlyVerifyConsistency(first, second, r1, r2, path)).toBe(true);
        expect(verifyConsistency(first, second, r1, r2, path)).toBe(true);
        if (path.length > 0) {
          expect(verifyConsistency(first, second, r1, r2, path.slice(0, -1))).toBe(false);
          expect(verifyConsistency(first, second, r2, r1, path)).toBe(false);
          const flipped = path.map((p, i) => (i === 0 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 16 : b))) : p));
          expect(verifyConsistency(first, second, r1, r2, flipped)).toBe(false);
        }
      }
    }
  });

  it('the frontier of a size names the perfect subtrees of its binary decomposition', () => {
    expect(frontierIds(0)).toEqual([]);
    expect(frontierIds(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(frontierIds(2 ** 40 + 3).map((n) => n.level)).toEqual([40, 1, 0]);
    // Far beyond 32 bits: indexes stay exact.
    expect(inclusionExprs(5, 2 ** 40 + 3).length).toBe(41);
    const right = inclusionExprs(2 ** 40 + 1, 2 ** 40 + 3);
    expect(right).toEqual([{ node: { level: 0, index: 2 ** 40 } }, { node: { level: 0, index: 2 ** 40 + 2 } }, { node: { level: 40, index: 0 } }]);
  });
});

describe('proofs across tile boundaries (256 and 65,536 leaves), from tile-level storage only', () => {
  const leafHashes = Array.from({ length: 65_600 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const stored = storedTree(leafHashes);

  it('stores the leaves, one hash per 256 leaves at level 8 and one per 65,536 at level 16', () => {
    const perLevel = new Map<number, number>();
    for (const k of stored.keys()) perLevel.set(Number(k.split(':')[0]), (perLevel.get(Number(k.split(':')[0])) ?? 0) + 1);
    expect(Object.fromEntries(perLevel)).toEqual({ 0: 65_600, 8: 256, 16: 1 });
  });

  it('gives RFC 9162 paths and consistency proofs at sizes around the boundaries, reading at most two tiles per level', () => {
    for (const size of [255, 256, 257, 511, 512, 513, 65_536, 65_600]) {
      const tree = leafHashes.slice(0, size);
      const root = mth(tree);
      // The reference paths walk all leaves: a few indexes on the big trees.
      const indexes = size > 1000 ? [0, 65_535, size - 1] : [0, 1, 254, 255, 256, Math.floor(size / 2), size - 2, size - 1];
      for (const index of indexes.filter((i) => i >= 0 && i < size)) {
        const exprs = inclusionExprs(index, size);
        expect(tilesOf(storedNodesOf(exprs)).size).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size) / 8) + 1);
        const path = exprs.map((e) => evaluate(e, stored));
        expect(hexes(path), `${index} in ${size}`).toEqual(hexes(referencePath(index, tree)));
        expect(verifyInclusion(index, size, leafHashes[index], path, root)).toBe(true);
      }
      for (const first of (size > 1000 ? [257, 65_536] : [1, 255, 256, 257]).filter((f) => f <= size)) {
        const path = consistencyExprs(first, size).map((e) => evaluate(e, stored));
        expect(hexes(path), `${first} → ${size}`).toEqual(hexes(referenceConsistency(first, tree)));
        expect(independentlyVerifyConsistency(first, size, mth(leafHashes.slice(0, first)), root, path)).toBe(true);
      }
    }
  });
});

describe('RFC 8785 canonical JSON (the canonicalize package)', () => {
  it('serialises numbers as RFC 8785 Appendix B says', () => {
    const samples: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, expected] of samples) {
      const value = Buffer.from(bits, 'hex').readDoubleBE(0);
      expect(canonicalJson({ n: value })).toBe(`{"n":${expected}}`);
    }
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3) and escapes as JSON.stringify does', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ b: [1, 'x', null, true], a: { d: 1e21, c: '\u001f' } })).toBe('{"a":{"c":"\\u001f","d":1e+21},"b":[1,"x",null,true]}');
  });

  it('never fails the change it logs: NaN becomes null, a BigInt its digits, lone surrogates U+FFFD', () => {
    expect(canonicalJson({ a: NaN, b: Infinity })).toBe('{"a":null,"b":null}');
    expect(canonicalJson({ a: 10n, b: [1] })).toBe('{"a":"10","b":[1]}');
    expect(canonicalJson({ a: 'x\ud800y' })).toBe('{"a":"x\ufffdy"}');
    expect(canonicalJson({ a: '\ud83d\ude00' })).toBe('{"a":"\ud83d\ude00"}');
  });
});

describe('entries', () => {
  const at = new Date('2025-03-01T08:00:00.000Z');

  it('keeps a digest of the license data instead of the data', () => {
    const [entry] = entriesOf({
      type: 'license.amended',
      subject: 'id-2',
      actor: 'samr-system',
      at,
      facts: { department: 'D1', clientId: 'samr-system', holderCodes: ['H1'] },
      data: { identifier: 'id-2', holderCode: 'H1', issuerCode: 'D1', data: { name: '甲公司', capital: 100 } },
    });
    expect(entry.data).toEqual({
      identifier: 'id-2',
      holderCode: 'H1',
      issuerCode: 'D1',
      dataSha256: sha256(Buffer.from('{"capital":100,"name":"甲公司"}', 'utf8')).toString('hex'),
    });
    const prepared = prepareEntry(entry);
    expect(prepared.columns).toMatchObject({ type: 'license.amended', department: 'D1', clientId: 'samr-system', holderCode: 'H1' });
    expect(prepared.text).toBe(canonicalJson(entry));
    expect(leafHash(prepared.text).equals(hashLeaf(Buffer.from(prepared.text, 'utf8')))).toBe(true);
  });

  it('reads the columns of an entry written before entries declared their facts as they were derived then', () => {
    const legacy = { type: 'license.revoked', subject: 'id-3', actor: 'samr-system', at: at.toISOString(), data: { identifier: 'id-3', holderCode: 'H9', issuerCode: 'D9', status: 'revoked' } };
    expect(columnsOf(legacy)).toMatchObject({ department: 'D9', clientId: 'samr-system', holderCode: 'H9', licenseType: null });
    const [declared] = entriesOf({ type: 'license.revoked', subject: 'id-3', actor: 'samr-system', at, facts: { department: 'D9', clientId: 'samr-system', holderCodes: ['H9'], licenseType: 'business-license' }, data: {} });
    expect(declared.v).toBe(2);
    expect(columnsOf(declared)).toMatchObject({ department: 'D9', holderCode: 'H9', licenseType: 'business-license' });
  });

  it('splits an access to several holders into one entry per holder', () => {
    const entries = entriesOf({
      type: 'exchange.accessed',
      subject: 'a-1',
      actor: 'tax-system',
      at,
      facts: { department: 'TAX', clientId: 'tax-system', holderCodes: ['H1', 'H2', 'H3'], purpose: 'tax-administration', outcome: 'allowed', agreementId: 'ag-1' },
      data: { accessId: 'a-1', department: 'TAX', client: 'tax-system', purpose: 'tax-administration', fields: ['name'], outcome: 'allowed', basis: 'agreement', basisIds: ['ag-1'] },
    });
    expect(entries.map((e) => e.facts?.holderCode)).toEqual(['H1', 'H2', 'H3']);
    expect(entries.every((e) => !JSON.stringify(e).includes('H2') || e.facts?.holderCode === 'H2')).toBe(true);
    expect(entries[1].data).toMatchObject({ batchSize: 3, batchPosition: 1, fields: ['name'] });
    const prepared = prepareEntry(entries[0]);
    expect(prepared.columns).toEqual({
      type: 'exchange.accessed',
      at: at.toISOString(),
      department: 'TAX',
      clientId: 'tax-system',
      purpose: 'tax-administration',
      outcome: 'allowed',
      holderCode: 'H1',
      agreementId: 'ag-1',
      licenseType: null,
    });
  });
});
