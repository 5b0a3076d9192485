import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_ALPHABET,
  REGISTRATION_AUTHORITIES,
  checkCreditCode,
  creditCodeCheckChar,
  generateCreditCode,
  organizationCodeCheckChar,
} from './creditCode.ts';
import { divisions } from './divisions.ts';

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
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

function rulesOf(code: string): string[] {
  return checkCreditCode(code).problems.map((p) => p.rule);
}

describe('CREDIT_CODE_ALPHABET', () => {
  it('has 31 characters and leaves out I, O, Z, S, V', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(CREDIT_CODE_ALPHABET).size).toBe(31);
    for (const c of 'IOZSV') expect(CREDIT_CODE_ALPHABET).not.toContain(c);
  });
});

describe('REGISTRATION_AUTHORITIES (GB 32100 table)', () => {
  it('lists the 12 registration authority codes', () => {
    expect(Object.keys(REGISTRATION_AUTHORITIES).sort()).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'N', 'Y'].sort(),
    );
  });

  it.each([
    ['1', ['1', '2', '3', '9']],
    ['2', ['1', '9']],
    ['3', ['1', '2', '3', '4', '5', '9']],
    ['4', ['1', '9']],
    ['5', ['1', '2', '3', '9']],
    ['6', ['1', '2', '9']],
    ['7', ['1', '2', '9']],
    ['8', ['1', '9']],
    ['9', ['1', '2', '3']],
    ['A', ['1', '9']],
    ['N', ['1', '2', '3', '9']],
    ['Y', ['1']],
  ])('authority %s allows categories %j', (authority, categories) => {
    expect(Object.keys(REGISTRATION_AUTHORITIES[authority].categories).sort()).toEqual(categories);
  });

  it('has zh and en names throughout', () => {
    for (const a of Object.values(REGISTRATION_AUTHORITIES)) {
      expect(a.name).toMatch(/\p{Script=Han}/u);
      expect(a.nameEn).toMatch(/^[A-Z]/);
      for (const c of Object.values(a.categories)) {
        expect(c.name).toMatch(/\p{Script=Han}/u);
        expect(c.nameEn).toMatch(/^[A-Z]/);
      }
    }
    expect(REGISTRATION_AUTHORITIES['9'].name).toBe('工商');
    expect(REGISTRATION_AUTHORITIES['9'].categories['2'].name).toBe('个体工商户');
  });
});

describe('creditCodeCheckChar (ISO 7064 MOD 31-3)', () => {
  it('computes the check char of known codes', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91440300192203821')).toBe('6');
    expect(creditCodeCheckChar('11100000MB0143028')).toBe('R');
  });

  it('uses weights 3^(i-1) mod 31', () => {
    // A single 1 at position i contributes exactly weight w_i, so the check is (31 - w_i mod 31) mod 31.
    const expectedWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    expectedWeights.forEach((w, i) => {
      const s = '0'.repeat(i) + '1' + '0'.repeat(16 - i);
      expect(creditCodeCheckChar(s)).toBe(CREDIT_CODE_ALPHABET[(31 - (w % 31)) % 31]);
    });
  });

  it('rejects wrong length or characters outside the alphabet', () => {
    expect(() => creditCodeCheckChar('91350100M000100Y')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('91350100M000100I4')).toThrow(/position 16/);
  });
});

describe('organizationCodeCheckChar (GB 11714)', () => {
  it('computes check chars of known organisation codes', () => {
    expect(organizationCodeCheckChar('M000100Y')).toBe('4');
    expect(organizationCodeCheckChar('19220382')).toBe('1');
    expect(organizationCodeCheckChar('MB014302')).toBe('8');
  });

  it('maps remainder 10 to X and 11 to 0', () => {
    // weights 3 7 9 10 5 8 4 2; a single digit d at position 8 gives sum 2d.
    expect(organizationCodeCheckChar('00000000')).toBe('0'); // 11 - 0 = 11 → '0'
    expect(organizationCodeCheckChar('00000001')).toBe('9'); // 11 - 2 = 9
    expect(organizationCodeCheckChar('00000010')).toBe('7'); // weight 4: 11 - 4 = 7
    expect(organizationCodeCheckChar('10000000')).toBe('8'); // weight 3: 11 - 3 = 8
    expect(organizationCodeCheckChar('00000006')).toBe('X'); // 12 mod 11 = 1: 11 - 1 = 10 → 'X'
  });

  it('values letters A=10 … Z=35, including letters the credit code alphabet excludes', () => {
    // 'A' at position 1: 10 * 3 = 30, 30 mod 11 = 8, 11 - 8 = 3
    expect(organizationCodeCheckChar('A0000000')).toBe('3');
    // 'Z' at position 1: 35 * 3 = 105, 105 mod 11 = 6, 11 - 6 = 5
    expect(organizationCodeCheckChar('Z0000000')).toBe('5');
  });

  it('rejects bad input', () => {
    expect(() => organizationCodeCheckChar('1234567')).toThrow(RangeError);
    expect(() => organizationCodeCheckChar('1234567a')).toThrow(RangeError);
  });
});

describe('checkCreditCode', () => {
  it.each([
    ['91350100M000100Y43', 'commonly cited example (福州)'],
    ['914403001922038216', '华为技术有限公司 (public record)'],
    ['11100000MB0143028R', 'national-level 机关 (division 100000)'],
  ])('accepts %s (%s)', (code) => {
    const r = checkCreditCode(code);
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.legacy).toBe(false);
    expect(r.code).toBe(code);
  });

  it('splits a valid code into its parts', () => {
    expect(checkCreditCode('91350100M000100Y43').parts).toEqual({
      registrationAuthority: '9',
      category: '1',
      divisionCode: '350100',
      organizationCode: 'M000100Y4',
      checkChar: '3',
    });
  });

  it('flags a wrong length', () => {
    const r = checkCreditCode('91350100M000100Y4');
    expect(r.valid).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ rule: 'length' });
    expect(r.problems[0].message).toContain('18');
    expect(r.problems[0].messageZh).toContain('18位');
    expect(r.parts).toBeUndefined();
    expect(checkCreditCode('').problems.map((p) => p.rule)).toEqual(['length']);
  });

  it.each(['I', 'O', 'Z', 'S', 'V', '-', ' ', '中'])('flags forbidden character %j with its position', (ch) => {
    const code = '91350100M000100Y43'.slice(0, 10) + ch + '91350100M000100Y43'.slice(11);
    const r = checkCreditCode(code);
    expect(r.valid).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'charset', position: 11 })]);
    expect(r.problems[0].message).toMatch(/charset at position 11/);
    expect(r.problems[0].messageZh).toMatch(/第11位/);
  });

  it('requires upper case and does not trim', () => {
    const lower = checkCreditCode('91350100m000100y43');
    expect(lower.problems.map((p) => [p.rule, p.position])).toEqual([
      ['charset', 9],
      ['charset', 16],
    ]);
    expect(lower.problems[0].message).toMatch(/upper-case/);
    expect(lower.problems[0].messageZh).toMatch(/大写/);
    expect(rulesOf(' 91350100M000100Y43')).toContain('length');
    expect(rulesOf('91350100M000100Y43 ')).toEqual(['length', 'charset']);
  });

  /** Re-computes both check chars so that only the rule under test is violated. */
  function withChecks(first16: string): string {
    const org = organizationCodeCheckChar(first16.slice(8, 16));
    const first17 = first16 + org;
    return first17 + creditCodeCheckChar(first17);
  }

  it('flags an unknown registration authority (position 1)', () => {
    const code = withChecks('B1350100M000100Y');
    const r = checkCreditCode(code);
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'registration-authority', position: 1 })]);
    expect(r.problems[0].messageZh).toContain('登记管理部门代码（第1位）');
    expect(r.legacy).toBe(false);
  });

  it('flags a category the authority does not use (position 2)', () => {
    for (const bad of ['94', '99', 'Y2', '14', '1A', '23', 'N4'].map((p) => p + '350100M000100Y')) {
      const r = checkCreditCode(withChecks(bad));
      expect(r.problems).toEqual([expect.objectContaining({ rule: 'category', position: 2 })]);
    }
    expect(checkCreditCode(withChecks('12350100M000100Y')).valid).toBe(true);
    expect(checkCreditCode(withChecks('93350100M000100Y')).valid).toBe(true);
    expect(checkCreditCode(withChecks('N2350100M000100Y')).valid).toBe(true);
    expect(checkCreditCode(withChecks('A1100000M000100Y')).valid).toBe(true);
  });

  it('flags a non-digit division code at the offending position', () => {
    const r = checkCreditCode(withChecks('9135A100M000100Y'));
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'division-code', position: 5 })]);
  });

  it('flags an implausible division code (unknown province prefix)', () => {
    for (const division of ['000000', '990000', '100001', '200100', '380100']) {
      const r = checkCreditCode(withChecks(`91${division}M000100Y`));
      expect(r.problems, division).toEqual([expect.objectContaining({ rule: 'division-code', position: 3 })]);
    }
  });

  it('accepts every GB/T 2260 province prefix and national-level 100000', () => {
    for (const prefix of ['11', '15', '23', '37', '46', '54', '65', '71', '81', '82']) {
      expect(checkCreditCode(withChecks(`91${prefix}0000M000100Y`)).valid, prefix).toBe(true);
    }
    expect(checkCreditCode(withChecks('11100000MB014302')).valid).toBe(true);
  });

  it('flags a wrong organisation code check char (position 17)', () => {
    // organisation code check should be 4; use 5 and recompute the final check so only this rule fails
    const first17 = '91350100M000100Y5';
    const code = first17 + creditCodeCheckChar(first17);
    const r = checkCreditCode(code);
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'organization-code-check', position: 17 })]);
    expect(r.problems[0].message).toContain("'4'");
    expect(r.legacy).toBe(false);
  });

  it('flags a wrong final check char (position 18) and marks it legacy', () => {
    const r = checkCreditCode('91350100M000100Y44');
    expect(r.valid).toBe(false);
    expect(r.legacy).toBe(true);
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'check-char', position: 18 })]);
    expect(r.problems[0].message).toBe("check-char at position 18: check character should be '3', found '4'");
    expect(r.problems[0].messageZh).toBe('校验码（第18位）：应为“3”，实为“4”');
    // parts are still reported so an importer can store the code it accepted with a warning
    expect(r.parts?.checkChar).toBe('4');
  });

  it('is not legacy when the check char is wrong together with anything else', () => {
    const r = checkCreditCode('94350100M000100Y44');
    expect(r.problems.map((p) => p.rule)).toEqual(['category', 'check-char']);
    expect(r.legacy).toBe(false);
  });

  it('names rule and position in every message, in both languages', () => {
    const codes = ['91350100M000100Y4', '91350100M00010OY43', 'B1350100M000100Y43', '9135A100M000100Y43', '91350100M000100Y53'];
    for (const code of codes) {
      for (const p of checkCreditCode(code).problems) {
        expect(p.message.startsWith(p.rule)).toBe(true);
        if (p.position !== undefined) {
          expect(p.message).toContain(`position ${p.position}`);
          expect(p.messageZh).toContain(`第${p.position}位`);
        }
        expect(p.messageZh).toMatch(/\p{Script=Han}/u);
      }
    }
  });

  it('detects every single-character substitution in a valid code', () => {
    const code = '914403001922038216';
    for (let i = 0; i < 18; i++) {
      for (const c of CREDIT_CODE_ALPHABET) {
        if (c === code[i]) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        expect(checkCreditCode(changed).valid, changed).toBe(false);
      }
    }
  });
});

describe('generateCreditCode', () => {
  it('always produces valid codes (1000 random)', () => {
    const random = seeded(2015);
    for (let i = 0; i < 1000; i++) {
      const code = generateCreditCode({ random });
      const r = checkCreditCode(code);
      expect(r.problems, code).toEqual([]);
      expect(code.slice(0, 2)).toBe('91');
      expect(divisions.map((d) => d.code)).toContain(code.slice(2, 8));
    }
  });

  it('is valid with Math.random too', () => {
    for (let i = 0; i < 200; i++) expect(checkCreditCode(generateCreditCode()).valid).toBe(true);
  });

  it('is reproducible with a seeded random', () => {
    expect(generateCreditCode({ random: seeded(7) })).toBe(generateCreditCode({ random: seeded(7) }));
  });

  it('honours authority, category and division', () => {
    const code = generateCreditCode({ registrationAuthority: '5', category: '3', divisionCode: '370100', random: seeded(1) });
    expect(code.slice(0, 8)).toBe('53370100');
    expect(checkCreditCode(code).valid).toBe(true);
    for (const [authority, def] of Object.entries(REGISTRATION_AUTHORITIES)) {
      for (const category of Object.keys(def.categories)) {
        const c = generateCreditCode({ registrationAuthority: authority, category, random: seeded(3) });
        expect(checkCreditCode(c).valid, c).toBe(true);
      }
    }
  });

  it('survives a random() that returns the upper bound', () => {
    const code = generateCreditCode({ random: () => 0.9999999999999999 });
    expect(checkCreditCode(code).valid).toBe(true);
    expect(checkCreditCode(generateCreditCode({ random: () => 0 })).valid).toBe(true);
  });

  it('refuses combinations the standard does not allow', () => {
    expect(() => generateCreditCode({ registrationAuthority: 'B' })).toThrow(RangeError);
    expect(() => generateCreditCode({ registrationAuthority: '9', category: '9' })).toThrow(RangeError);
    expect(() => generateCreditCode({ divisionCode: '990000' })).toThrow(RangeError);
    expect(() => generateCreditCode({ divisionCode: '37010' })).toThrow(RangeError);
  });
});
