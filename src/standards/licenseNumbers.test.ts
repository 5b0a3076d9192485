import { describe, expect, it } from 'vitest';
import { checkLicenseNumber, normaliseNumber, numberCheckCharacter } from './licenseNumbers.ts';
import { shippedLicenseType } from './licenseTypes.ts';

// 食品经营许可证编号 (《食品经营许可和备案管理办法》2023, art. 27): JY + 14 digits — 主体业态 (1 食品销售经营者,
// 2 餐饮服务经营者, 3 单位食堂), a GB/T 2260 province, 4 digits of city and county, a 6-digit sequence,
// and a check digit by ISO 7064 MOD 11,10 (GB/T 17710) over digits 1–13.
const FOOD = shippedLicenseType('food-business-license').number!;
const make = (body13: string) => {
  const body = `JY${body13}`;
  return body + numberCheckCharacter(FOOD, body);
};
const valid = [make('1370102000017'), make('2370211123456'), make('3110108000001'), make('2440305987654')];

describe('the food business license number', () => {
  it('accepts numbers made by the rule, in every form of business and province', () => {
    for (const number of valid) expect(checkLicenseNumber(FOOD, number), number).toEqual({ valid: true, normalised: number, problems: [] });
  });

  it('refuses every single-digit error, naming the check character', () => {
    for (const number of valid) {
      for (let i = 2; i < 16; i++) {
        for (const d of '0123456789') {
          if (d === number[i]) continue;
          const wrong = number.slice(0, i) + d + number.slice(i + 1);
          const check = checkLicenseNumber(FOOD, wrong);
          expect(check.valid, wrong).toBe(false);
          // Digits 1–13 are all under the check (the form and province digits may also fail their own part).
          expect(check.problems.map((p) => p.code), wrong).toContain('check-character');
        }
      }
    }
  });

  it('names the form of business and the province when they are not ones the rule allows', () => {
    const badForm = checkLicenseNumber(FOOD, 'JY4370102000017' + '0');
    expect(badForm.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['pattern', 'part']));
    expect(badForm.problems.find((p) => p.code === 'part')).toMatchObject({ at: 2 });
    const badProvince = checkLicenseNumber(FOOD, make('1990102000017'));
    expect(badProvince.valid).toBe(false);
    expect(badProvince.problems).toEqual([expect.objectContaining({ code: 'division', at: 3 })]);
  });

  it('refuses wrong lengths and characters, saying why', () => {
    expect(checkLicenseNumber(FOOD, valid[0].slice(0, 15)).problems.map((p) => p.code)).toEqual(['length', 'pattern']);
    expect(checkLicenseNumber(FOOD, `${valid[0]}1`).problems.map((p) => p.code)).toEqual(['length', 'pattern']);
    expect(checkLicenseNumber(FOOD, `SC${valid[0].slice(2)}`).problems.map((p) => p.code)).toEqual(['pattern']);
    const letter = checkLicenseNumber(FOOD, `${valid[0].slice(0, 8)}A${valid[0].slice(9)}`);
    expect(letter.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'pattern' }), expect.objectContaining({ code: 'character', at: 8 })]));
    expect(checkLicenseNumber(FOOD, '   ').problems.map((p) => p.code)).toEqual(['empty']);
  });

  it('normalises what a clerk types: lower case, full-width characters and spaces', () => {
    const typed = `ｊｙ ${valid[1].slice(2, 8)}\u3000${valid[1].slice(8)}`;
    expect(normaliseNumber(typed)).toBe(valid[1]);
    expect(checkLicenseNumber(FOOD, typed)).toEqual({ valid: true, normalised: valid[1], problems: [] });
    expect(checkLicenseNumber(FOOD, valid[2].toLowerCase()).valid).toBe(true);
  });
});
