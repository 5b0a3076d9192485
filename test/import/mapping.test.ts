import { describe, expect, it } from 'vitest';
import { RecordMapper, normalizeDate, validateMapping } from '../../src/licenses/import/mapping.ts';
import { shippedLicenseType } from '../../src/standards/index.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');

describe('dates', () => {
  it('reads the usual formats and writes YYYY-MM-DD', () => {
    expect(normalizeDate('2020-01-05')).toBe('2020-01-05');
    expect(normalizeDate('2020/1/5')).toBe('2020-01-05');
    expect(normalizeDate('20200105')).toBe('2020-01-05');
    expect(normalizeDate('2020年1月5日')).toBe('2020-01-05');
    expect(normalizeDate('2020-02-30')).toBeUndefined();
    expect(normalizeDate('05/01/2020')).toBeUndefined();
  });

  it('reads only the declared format when the mapping declares one', () => {
    expect(normalizeDate('20200105', 'YYYYMMDD')).toBe('2020-01-05');
    expect(normalizeDate('2020-01-05', 'YYYYMMDD')).toBeUndefined();
  });
});

describe('mapping files', () => {
  it('name the entry at fault', () => {
    const check = (m: unknown) => () => validateMapping(m, BUSINESS_LICENSE);
    expect(check({ feilds: {} })).toThrow(/unknown entry "feilds"/);
    expect(check({ fields: { 名称: 'nmae' } })).toThrow(/fields\["名称"\]: "nmae" is not a field of business-license/);
    expect(check({ fields: { a: 'name', b: 'name' } })).toThrow(/fields\["a"\] and fields\["b"\] both map onto name/);
    expect(check({ values: { kind: {} } })).toThrow(/values\["kind"\]/);
    expect(check({ values: { entityType: { '1': 3 } } })).toThrow(/values\["entityType"\]\["1"\]/);
    expect(check({ dateFormat: 'DD.MM.YYYY' })).toThrow(/dateFormat must be one of/);
    expect(check({ defaults: { creditCode: 'x' } })).toThrow(/every row must carry its own holder code/);
    expect(check({ fields: { a: 'name', b: null }, dateFormat: 'YYYYMMDD' })).not.toThrow();
  });
});

describe('the record mapper', () => {
  const mapper = new RecordMapper(
    BUSINESS_LICENSE,
    validateMapping(
      {
        fields: { 代码: 'creditCode', 名称: 'name', 类型: 'entityType', 营业期限至: 'businessTermTo', 备注: null },
        values: { entityType: { '1110': '有限责任公司（自然人投资或控股）' } },
        defaults: { registrationAuthority: '济南市市场监督管理局' },
      },
      BUSINESS_LICENSE,
    ),
  );

  it('maps columns, code values (or their text), 长期, empties and defaults', () => {
    expect(mapper.map({ 代码: ' 91370100X ', 名称: '甲', 类型: '1110', 营业期限至: '长期', 备注: 'x', domicile: '' })).toEqual({
      holderCode: '91370100X',
      data: { name: '甲', entityType: '有限责任公司（自然人投资或控股）', businessTermTo: null, registrationAuthority: '济南市市场监督管理局' },
      problems: [],
    });
    expect(mapper.map({ 类型: '有限责任公司（自然人投资或控股）' }).problems).toEqual([]);
    expect(mapper.map({ 类型: '9' }).problems[0]).toMatchObject({ field: 'entityType', column: '类型', code: 'unknown-code-value' });
    expect(mapper.map({ other: '1' }).problems[0]).toMatchObject({ code: 'unknown-field', column: 'other' });
    // A JSON number has lost the last digits of an 18-digit code already.
    expect(mapper.map(JSON.parse('{"代码": 913701001234567890}')).problems[0]).toMatchObject({ field: 'creditCode', code: 'invalid-credit-code' });
  });

  it('checks columns up front', () => {
    const required = ['creditCode', 'name'];
    expect(() => mapper.checkColumns(['代码', '名称', '备注', 'domicile'], { complete: true, required })).not.toThrow();
    expect(() => mapper.checkColumns(['代码', '名称', '附件'], { complete: true, required })).toThrow(/unknown column\(s\) 附件.*null to ignore/);
    expect(() => mapper.checkColumns(['代码', '名称', 'name'], { complete: true, required })).toThrow(/columns 名称 and name both give name/);
    expect(() => mapper.checkColumns(['代码'], { complete: true, required })).toThrow(/no column for the required field\(s\) name \(名称\)/);
    expect(() => mapper.checkColumns(['代码'], { complete: false, required })).not.toThrow();
  });
});
