import { describe, expect, it } from 'vitest';
import { HOLDER_CODE_TYPES, checkHolderCode } from './holderCodeTypes.ts';
import type { HolderCodeType } from './holderCodeTypes.ts';

const rules = (type: string, code: string) => checkHolderCode(type, code).map((p) => [p.rule, p.position]);

/** Appends the GB 11643 check character to 17 digits. */
function withCheck(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

describe('HOLDER_CODE_TYPES', () => {
  it('maps 001, 002 and 111 to zh/en names', () => {
    expect(HOLDER_CODE_TYPES['001']).toEqual({ name: '统一社会信用代码', nameEn: 'Unified social credit code' });
    expect(HOLDER_CODE_TYPES['002']).toEqual({ name: '组织机构代码', nameEn: 'Organisation code' });
    expect(HOLDER_CODE_TYPES['111']).toEqual({ name: '居民身份证', nameEn: 'Resident identity card' });
    const keys: HolderCodeType[] = ['001', '002', '111'];
    expect(Object.keys(HOLDER_CODE_TYPES).sort()).toEqual(keys);
  });
});

describe('checkHolderCode 002 (organisation code, GB 11714)', () => {
  it('accepts a valid organisation code and names a wrong check character', () => {
    // The organisation code inside a valid credit code (its characters 9–17).
    expect(checkHolderCode('002', 'M000100Y4')).toEqual([]);
    expect(rules('002', 'M000100Y5')).toEqual([['check-char', 9]]);
    expect(rules('002', 'm000100Y4')).toEqual([['charset', undefined]]);
    expect(rules('002', 'M000100Y')).toEqual([['charset', undefined]]);
  });
});

describe('checkHolderCode 001 (credit code)', () => {
  it('accepts a valid credit code', () => {
    expect(checkHolderCode('001', '91350100M000100Y43')).toEqual([]);
  });

  it('returns the credit code problems, strictly (legacy codes report check-char)', () => {
    expect(rules('001', '91350100M000100Y44')).toEqual([['check-char', 18]]);
    expect(rules('001', '9135')).toEqual([['length', undefined]]);
  });
});

describe('checkHolderCode 111 (GB 11643 citizen id)', () => {
  it('accepts the example from GB 11643 and ids ending in X', () => {
    expect(checkHolderCode('111', '11010519491231002X')).toEqual([]);
    expect(checkHolderCode('111', withCheck('37010219900307123'))).toEqual([]);
  });

  it('computes the MOD 11-2 check and detects every single-digit substitution', () => {
    const id = withCheck('37010219900307123');
    for (let i = 0; i < 18; i++) {
      for (const c of '0123456789X') {
        if (c === id[i] || (i < 17 && c === 'X')) continue;
        const changed = id.slice(0, i) + c + id.slice(i + 1);
        expect(checkHolderCode('111', changed).length, changed).toBeGreaterThan(0);
      }
    }
  });

  it('flags a wrong check character at position 18', () => {
    const r = checkHolderCode('111', '110105194912310021');
    expect(r).toEqual([expect.objectContaining({ rule: 'check-char', position: 18 })]);
    expect(r[0].message).toContain("'X'");
    expect(r[0].messageZh).toContain('第18位');
  });

  it('requires an upper-case X', () => {
    const r = checkHolderCode('111', '11010519491231002x');
    expect(r).toEqual([expect.objectContaining({ rule: 'charset', position: 18 })]);
    expect(r[0].message).toMatch(/upper-case/);
  });

  it('flags length and non-digits', () => {
    expect(rules('111', '11010519491231002')).toEqual([['length', undefined]]);
    expect(rules('111', '110105194912310020X')).toEqual([['length', undefined]]);
    expect(rules('111', '1101051949123100AX')).toEqual([['charset', 17]]);
    expect(rules('111', 'X10105194912310021')).toEqual([['charset', 1]]);
  });

  it('flags an unknown province prefix', () => {
    expect(rules('111', withCheck('99010519491231002'))).toEqual([['division-code', 1]]);
  });

  it('flags impossible birth dates', () => {
    for (const birth of ['19491331', '19490230', '20230229', '18991231', '19490000']) {
      expect(rules('111', withCheck(`110105${birth}002`)), birth).toEqual([['birth-date', 7]]);
    }
    expect(rules('111', withCheck('11010520000229002'))).toEqual([]); // 2000 is a leap year
  });
});

describe('checkHolderCode with an unknown type', () => {
  it('reports the type', () => {
    const r = checkHolderCode('999', '91350100M000100Y43');
    expect(r).toEqual([expect.objectContaining({ rule: 'holder-code-type' })]);
    expect(r[0].message).toContain('999');
    expect(r[0].messageZh).toContain('持证主体代码类型');
  });
});
