import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, generateCreditCode } from './creditCode.ts';
import { LICENSE_ID_ROOT, buildLicenseIdentifier, mod37_36CheckChar, parseLicenseIdentifier } from './licenseIdentifier.ts';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TYPE_CODE = '11100000MB0143028R001';
const ISSUER = '91350100M000100Y43';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Verifies a string whose last char is its MOD 37,36 check char. */
const verifies = (s: string) => mod37_36CheckChar(s.slice(0, -1)) === s.slice(-1);

describe('mod37_36CheckChar (ISO/IEC 7064 MOD 37,36, hybrid)', () => {
  it.each([
    // Published MOD 37,36 test vectors (ISAN / GRid style strings, check char last).
    ['A12425GABC1234002', 'M'],
    ['B159D8FA01240000', 'K'],
    ['188166C734200000', '3'],
  ])('check char of %s is %s', (body, check) => {
    expect(mod37_36CheckChar(body)).toBe(check);
  });

  it('yields a single char from 0-9A-Z (hybrid: no supplementary "*")', () => {
    const random = seeded(36);
    const seen = new Set<string>();
    for (let k = 0; k < 5000; k++) {
      let s = '';
      for (let i = 0; i < 20; i++) s += ALNUM[Math.floor(random() * 36)];
      const c = mod37_36CheckChar(s);
      expect(c).toMatch(/^[0-9A-Z]$/);
      seen.add(c);
    }
    expect(seen.size).toBe(36);
  });

  it('rejects characters outside 0-9A-Z', () => {
    expect(() => mod37_36CheckChar('abc')).toThrow(RangeError);
    expect(() => mod37_36CheckChar('1.2')).toThrow(RangeError);
  });

  describe('error detection on a sample of identifiers', () => {
    const random = seeded(36904);
    const bodies = Array.from({ length: 40 }, (_, k) => {
      const type = generateCreditCode({ random }) + String(k % 1000).padStart(3, '0');
      const issuer = generateCreditCode({ random });
      const serial = String(Math.floor(random() * 1e8)).padStart(8, '0');
      return type + issuer + serial + String(1 + (k % 999)).padStart(3, '0');
    });
    const samples = bodies.map((b) => b + mod37_36CheckChar(b));

    it('detects every single-character substitution', () => {
      const undetected: string[] = [];
      let tried = 0;
      for (const s of samples) {
        for (let i = 0; i < s.length; i++) {
          for (const c of ALNUM) {
            if (c === s[i]) continue;
            const changed = s.slice(0, i) + c + s.slice(i + 1);
            tried++;
            if (verifies(changed)) undetected.push(changed);
          }
        }
      }
      expect(tried).toBe(40 * 51 * 35);
      expect(undetected).toEqual([]);
    });

    it('detects every adjacent transposition of characters whose values are not neighbours', () => {
      // A hybrid M,M+1 system provably misses some swaps of values a, a±1 (mod 36):
      // when 2·(S mod 36) wraps past 37 the two orders can coincide. Everything else is caught.
      let swaps = 0;
      let missed = 0;
      for (const s of samples) {
        for (let i = 0; i + 1 < s.length; i++) {
          if (s[i] === s[i + 1]) continue;
          const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
          const d = Math.abs(ALNUM.indexOf(s[i]) - ALNUM.indexOf(s[i + 1]));
          swaps++;
          if (verifies(swapped)) {
            missed++;
            expect(d === 1 || d === 35, `${s} swap at ${i}`).toBe(true);
          }
        }
      }
      expect(swaps).toBeGreaterThan(1500);
      expect(missed / swaps).toBeLessThan(0.01);
    });
  });
});

describe('buildLicenseIdentifier', () => {
  it('joins root, segments and check with dots', () => {
    const id = buildLicenseIdentifier({ typeCode: TYPE_CODE, issuerCode: ISSUER, serial: '00000042', version: 1 });
    const body = TYPE_CODE + ISSUER + '00000042' + '001';
    expect(id).toBe(`${LICENSE_ID_ROOT}.${TYPE_CODE}.${ISSUER}.00000042.001.${mod37_36CheckChar(body)}`);
  });

  it('pads numeric serials to 8 digits and versions to 3', () => {
    const id = buildLicenseIdentifier({ typeCode: TYPE_CODE, issuerCode: ISSUER, serial: 42, version: 7 });
    expect(id.split('.').slice(5, 9)).toEqual([TYPE_CODE, ISSUER, '00000042', '007']);
    const long = buildLicenseIdentifier({ typeCode: TYPE_CODE, issuerCode: ISSUER, serial: 1234567890, version: 999 });
    expect(long.split('.')[7]).toBe('1234567890');
  });

  it('keeps string serials as given', () => {
    const id = buildLicenseIdentifier({ typeCode: 'A1', issuerCode: ISSUER, serial: '2024SD0001', version: 12 });
    expect(id.split('.').slice(5, 9)).toEqual(['A1', ISSUER, '2024SD0001', '012']);
  });

  it('round-trips through parseLicenseIdentifier', () => {
    const random = seeded(99);
    for (let k = 0; k < 200; k++) {
      const p = {
        typeCode: generateCreditCode({ random }) + '001',
        issuerCode: generateCreditCode({ random }),
        serial: Math.floor(random() * 1e9),
        version: 1 + Math.floor(random() * 999),
      };
      const id = buildLicenseIdentifier(p);
      const parsed = parseLicenseIdentifier(id);
      expect(parsed).toEqual({
        ok: true,
        parts: {
          typeCode: p.typeCode,
          issuerCode: p.issuerCode,
          serial: String(p.serial).padStart(8, '0'),
          version: p.version,
          check: id.slice(-1),
        },
      });
    }
  });

  it('accepts a legacy issuer code (only its final check char is off)', () => {
    const legacy = ISSUER.slice(0, 17) + '4';
    const id = buildLicenseIdentifier({ typeCode: TYPE_CODE, issuerCode: legacy, serial: 1, version: 1 });
    expect(parseLicenseIdentifier(id).ok).toBe(true);
  });

  it('throws on input it could not parse back', () => {
    const ok = { typeCode: TYPE_CODE, issuerCode: ISSUER, serial: 1, version: 1 };
    expect(() => buildLicenseIdentifier({ ...ok, typeCode: 'abc' })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, typeCode: 'A'.repeat(33) })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, issuerCode: '94350100M000100Y43' })).toThrow(/issuerCode/);
    expect(() => buildLicenseIdentifier({ ...ok, serial: -1 })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, serial: 1.5 })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, serial: '00-1' })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, serial: '' })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, version: 0 })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, version: 1000 })).toThrow(RangeError);
    expect(() => buildLicenseIdentifier({ ...ok, version: 1.5 })).toThrow(RangeError);
  });
});

describe('parseLicenseIdentifier', () => {
  const good = buildLicenseIdentifier({ typeCode: TYPE_CODE, issuerCode: ISSUER, serial: 42, version: 1 });
  const segs = good.split('.').slice(5); // [type, issuer, serial, version, check]
  const withSegs = (s: string[]) => `${LICENSE_ID_ROOT}.${s.join('.')}`;
  /** Rebuild with a correct check char so only the tested segment is wrong. */
  const rechecked = (s: string[]) => {
    const body = s.slice(0, 4).join('');
    return withSegs([...s.slice(0, 4), /^[0-9A-Z]+$/.test(body) ? mod37_36CheckChar(body) : '0']);
  };
  const rules = (id: string) => {
    const r = parseLicenseIdentifier(id);
    return r.ok ? [] : r.problems.map((p) => p.rule);
  };

  it('parses a valid identifier', () => {
    expect(parseLicenseIdentifier(good)).toEqual({
      ok: true,
      parts: { typeCode: TYPE_CODE, issuerCode: ISSUER, serial: '00000042', version: 1, check: segs[4] },
    });
  });

  it('flags a wrong root', () => {
    for (const id of [good.replace('1.2.156.3005.2', '1.2.156.3005.3'), good.slice(2), '', 'x']) {
      expect(rules(id)).toEqual(['root']);
    }
    const r = parseLicenseIdentifier('2.2.156.3005.2.A.B.C.001.D');
    expect(!r.ok && r.problems[0]).toMatchObject({ rule: 'root', position: 1 });
  });

  it('flags a wrong number of segments', () => {
    expect(rules(withSegs(segs.slice(0, 4)))).toEqual(['segments']);
    expect(rules(withSegs([...segs, 'X']))).toEqual(['segments']);
    expect(rules(`${LICENSE_ID_ROOT}.`)).toEqual(['segments']);
  });

  it('flags a bad type code', () => {
    expect(rules(rechecked(['', ...segs.slice(1)]))).toEqual(['type-code']);
    expect(rules(rechecked(['A'.repeat(33), ...segs.slice(1)]))).toEqual(['type-code']);
    expect(rules(rechecked(['abc', ...segs.slice(1)]))).toEqual(['type-code']);
  });

  it('flags a bad issuer code, including its credit-code problems', () => {
    const r = parseLicenseIdentifier(rechecked([segs[0], '94350100M000100Y43', ...segs.slice(2)]));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.rule)).toEqual(['issuer-code']);
      expect(r.problems[0].message).toContain('category');
      expect(r.problems[0].messageZh).toContain('机构类别代码');
      expect(r.problems[0].position).toBe(LICENSE_ID_ROOT.length + 2 + TYPE_CODE.length + 1);
    }
    expect(rules(rechecked([segs[0], ISSUER.slice(0, 17), ...segs.slice(2)]))).toEqual(['issuer-code']);
  });

  it('accepts an issuer code that only fails its final check char (legacy)', () => {
    const legacy = ISSUER.slice(0, 17) + (creditCodeCheckChar(ISSUER.slice(0, 17)) === '4' ? '5' : '4');
    expect(rules(rechecked([segs[0], legacy, ...segs.slice(2)]))).toEqual([]);
  });

  it('flags a bad serial', () => {
    expect(rules(rechecked([segs[0], segs[1], '', segs[3]]))).toEqual(['serial']);
    expect(rules(rechecked([segs[0], segs[1], '1'.repeat(33), segs[3]]))).toEqual(['serial']);
    expect(rules(rechecked([segs[0], segs[1], '00-42', segs[3]]))).toEqual(['serial']);
  });

  it('flags a bad version', () => {
    for (const v of ['000', '01', '0001', 'A01', '']) {
      expect(rules(rechecked([segs[0], segs[1], segs[2], v])), v).toEqual(['version']);
    }
    expect(rules(rechecked([segs[0], segs[1], segs[2], '999']))).toEqual([]);
  });

  it('flags a wrong or malformed check char', () => {
    const wrong = segs[4] === 'A' ? 'B' : 'A';
    const r = parseLicenseIdentifier(withSegs([...segs.slice(0, 4), wrong]));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual([expect.objectContaining({ rule: 'check-char', position: good.length })]);
      expect(r.problems[0].message).toContain(`'${segs[4]}'`);
      expect(r.problems[0].messageZh).toContain('校验位');
    }
    for (const c of ['', 'AB', 'a', '*']) expect(rules(withSegs([...segs.slice(0, 4), c])), c).toEqual(['check-char']);
  });

  it('reports every bad segment at once, each at its start position', () => {
    const id = withSegs(['abc', 'X', '!', '000', 'Q']);
    const r = parseLicenseIdentifier(id);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.rule)).toEqual(['type-code', 'issuer-code', 'serial', 'version']);
      for (const p of r.problems) {
        const start = p.position! - 1;
        expect(id[start - 1]).toBe('.');
        expect(p.message).toContain(p.rule);
        expect(p.messageZh).toContain(`第${p.position}位`);
      }
    }
  });

  it('detects any single substitution in the segments', () => {
    const chars = [...good];
    const undetected: string[] = [];
    for (let i = LICENSE_ID_ROOT.length + 1; i < chars.length; i++) {
      if (chars[i] === '.') continue;
      for (const c of ALNUM) {
        if (c === chars[i]) continue;
        const changed = good.slice(0, i) + c + good.slice(i + 1);
        if (parseLicenseIdentifier(changed).ok) undetected.push(changed);
      }
    }
    expect(undetected).toEqual([]);
  });
});
