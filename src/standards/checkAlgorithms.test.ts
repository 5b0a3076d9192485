import { describe, expect, it } from 'vitest';
import { CHECK_ALGORITHMS, checkCharacterOf, type CheckAlgorithm } from './checkAlgorithms.ts';

const expected = (algorithm: CheckAlgorithm, body: string) => {
  const outcome = checkCharacterOf(algorithm, body);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.expected;
};

describe('check algorithms, against their standards’ own examples', () => {
  it('gb32100: the credit code 91350100M000100Y43 (GB 32100-2015)', () => {
    expect(expected('gb32100', '91350100M000100Y4')).toBe('3');
  });

  it('gb11714: the organisation code D2143569-X (GB 11714-1997, 10 → X)', () => {
    expect(expected('gb11714', 'D2143569')).toBe('X');
  });

  it('gb11643: the citizen id 11010519491231002X (GB 11643-1999)', () => {
    expect(expected('gb11643', '11010519491231002')).toBe('X');
  });

  it('iso7064-mod11-2: 0794 → 07940 and 079 → 079X (ISO/IEC 7064)', () => {
    expect(expected('iso7064-mod11-2', '0794')).toBe('0');
    expect(expected('iso7064-mod11-2', '079')).toBe('X');
  });

  it('iso7064-mod11-10: 0794 → 07945 (ISO/IEC 7064, GB/T 17710)', () => {
    expect(expected('iso7064-mod11-10', '0794')).toBe('5');
  });

  it('iso7064-mod37-36: A12425GABC1234002 → …M (ISO/IEC 7064)', () => {
    expect(expected('iso7064-mod37-36', 'A12425GABC1234002')).toBe('M');
  });

  it('luhn: 7992739871 → 79927398713 (ISO/IEC 7812-1 Annex B)', () => {
    expect(expected('luhn', '7992739871')).toBe('3');
  });

  it('none expects no check character', () => {
    expect(checkCharacterOf('none', 'anything')).toEqual({ ok: true, expected: undefined });
  });

  it('names the first character an algorithm cannot read, and a length it is not defined on', () => {
    expect(checkCharacterOf('iso7064-mod11-10', '07A4')).toMatchObject({ ok: false, at: 2 });
    expect(checkCharacterOf('luhn', '12 4')).toMatchObject({ ok: false, at: 2 });
    expect(checkCharacterOf('gb32100', '91350100M000100Y')).toMatchObject({ ok: false, at: 16 });
    expect(checkCharacterOf('gb32100', '9135010OM000100Y4')).toMatchObject({ ok: false, at: 7 });
  });

  it('every algorithm detects every single-character substitution of a digit (the reason to have a check)', () => {
    const bodies: Partial<Record<CheckAlgorithm, string>> = {
      gb32100: '91350100M000100Y4',
      gb11714: 'D2143569',
      gb11643: '11010519491231002',
      'iso7064-mod11-2': '0794',
      'iso7064-mod11-10': '1370102000017',
      'iso7064-mod37-36': 'A12425GABC1234002',
      luhn: '7992739871',
    };
    for (const algorithm of CHECK_ALGORITHMS) {
      const body = bodies[algorithm];
      if (!body) continue;
      const right = expected(algorithm, body);
      for (let i = 0; i < body.length; i++) {
        if (!/\d/.test(body[i])) continue;
        for (const d of '0123456789') {
          if (d === body[i]) continue;
          const changed = body.slice(0, i) + d + body.slice(i + 1);
          expect(expected(algorithm, changed), `${algorithm} ${changed}`).not.toBe(right);
        }
      }
    }
  });
});
