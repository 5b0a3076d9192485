import { describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, divisions, findDivision, isProvinceCode } from './divisions.ts';

describe('divisions (GB/T 2260, 山东省)', () => {
  it('has the demo province first', () => {
    expect(DEMO_PROVINCE).toEqual({ code: '370000', name: '山东省', nameEn: 'Shandong Province', level: 'province' });
    expect(divisions[0]).toBe(DEMO_PROVINCE);
  });

  it('lists the 16 current prefecture-level cities', () => {
    const prefectures = divisions.filter((d) => d.level === 'prefecture');
    expect(prefectures).toHaveLength(16);
    expect(prefectures.map((d) => d.code)).toEqual([
      '370100', '370200', '370300', '370400', '370500', '370600', '370700', '370800',
      '370900', '371000', '371100', '371300', '371400', '371500', '371600', '371700',
    ]);
    expect(findDivision('370100')?.name).toBe('济南市');
    expect(findDivision('370200')?.nameEn).toBe('Qingdao');
    expect(findDivision('371700')).toMatchObject({ name: '菏泽市', nameEn: 'Heze', level: 'prefecture' });
  });

  it('leaves out 371200 莱芜市 (merged into 济南市 in 2019)', () => {
    expect(findDivision('371200')).toBeUndefined();
    expect(divisions.some((d) => d.name === '莱芜市')).toBe(false);
  });

  it('has unique, well-formed codes and names in both languages', () => {
    expect(new Set(divisions.map((d) => d.code)).size).toBe(divisions.length);
    for (const d of divisions) {
      expect(d.code).toMatch(/^37\d{2}00$/);
      expect(d.name).toMatch(/^\p{Script=Han}+(市|省)$/u);
      expect(d.nameEn).toMatch(/^[A-Z][A-Za-z' ]+$/);
    }
  });

  it('finds nothing for unknown or malformed codes', () => {
    for (const code of ['', '37', '370101', '110000', '3701000']) expect(findDivision(code)).toBeUndefined();
  });
});

describe('isProvinceCode', () => {
  it('accepts all 34 GB/T 2260 province-level prefixes', () => {
    const all = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
      '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82'];
    expect(all).toHaveLength(34);
    for (const p of all) expect(isProvinceCode(p), p).toBe(true);
  });

  it('rejects everything else', () => {
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (isProvinceCode(String(i).padStart(2, '0'))) accepted++;
    expect(accepted).toBe(34);
    for (const p of ['10', '16', '20', '24', '30', '38', '47', '55', '60', '66', '70', '80', '83', '90', '1', '370', '']) {
      expect(isProvinceCode(p), p).toBe(false);
    }
  });
});
