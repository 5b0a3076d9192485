import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../demo/entityTypes.ts';
import { REGISTRATION_AUTHORITIES, checkCreditCode } from './creditCode.ts';
import { buildLicenseIdentifier, parseLicenseIdentifier } from './licenseIdentifier.ts';
import { shippedDefinitions, shippedLicenseType } from './licenseTypes.ts';
import { normalizeRegisteredCapital } from './normalisers.ts';
import { validateTypeDefinition } from './licenseType.ts';

// The shipped type documents (src/standards/types): the business license as it was in code before
// license types became data (issue 15), and the food business license.
const BUSINESS_LICENSE = shippedLicenseType('business-license');
const { dataSchema, metadataSchema } = BUSINESS_LICENSE;

// Strict Ajv: the schemas must compile without relying on lax mode; only our
// annotation keywords have to be declared.
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addVocabulary(['x-title-en', 'x-normalise']);
const validateData = ajv.compile({ ...dataSchema, $id: undefined });
const validateMetadata = ajv.compile(metadataSchema);

describe('the shipped type documents', () => {
  it('each validates as a definition, with a type code whose credit code is valid and keys that differ', () => {
    const definitions = shippedDefinitions();
    expect(definitions.map((d) => d.key).sort()).toEqual(['business-license', 'food-business-license']);
    for (const d of definitions) {
      const check = validateTypeDefinition(d);
      expect(check.ok, JSON.stringify(check)).toBe(true);
      expect(checkCreditCode(d.typeCode.slice(0, 18)).valid).toBe(true);
    }
    expect(new Set(definitions.map((d) => d.typeCode)).size).toBe(definitions.length);
  });
});

const sampleData = {
  name: '济南齐鲁示例科技有限公司',
  entityType: '有限责任公司（自然人投资或控股）',
  legalRepresentative: '张三',
  registeredCapital: '100万元人民币',
  establishedOn: '2019-03-15',
  businessTermFrom: '2019-03-15',
  businessTermTo: null,
  domicile: '山东省济南市历下区泉城路1号',
  businessScope: '一般项目：技术服务、技术开发、技术咨询。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  registrationAuthority: '济南市历下区市场监督管理局',
  issuedOn: '2024-05-20',
};

const holderCode = '91350100M000100Y43';
const issuerCode = '11100000MB0143028R';
const sampleMetadata = {
  identifier: buildLicenseIdentifier({ typeCode: BUSINESS_LICENSE.typeCode, issuerCode, serial: 1, version: 1 }),
  licenseTypeCode: BUSINESS_LICENSE.typeCode,
  licenseName: '营业执照',
  licenseNumber: holderCode,
  issuerName: '济南市历下区市场监督管理局',
  issuerCode,
  issuedOn: '2024-05-20',
  holderName: '济南齐鲁示例科技有限公司',
  holderCode,
  holderCodeType: '001',
  validFrom: '2019-03-15',
  validUntil: null,
  version: 1,
  sealInfo: { signatureAlgorithm: 'SM2-SM3', keyId: 'issuer-key-1' },
};

describe('BUSINESS_LICENSE', () => {
  it('has the fixed identity fields', () => {
    expect(BUSINESS_LICENSE).toMatchObject({
      key: 'business-license',
      version: '1.0.0',
      name: '营业执照',
      nameEn: 'Business license',
      vct: 'urn:certbridge:license-type:business-license',
    });
    expect(BUSINESS_LICENSE.holder.codeTypes).toEqual(['uscc']);
    expect(BUSINESS_LICENSE.number).toBeUndefined();
    expect(BUSINESS_LICENSE.validity).toEqual({ from: 'businessTermFrom', to: 'businessTermTo' });
  });

  it('has a 21-char type code: a valid credit code of the defining authority + 001', () => {
    const { typeCode } = BUSINESS_LICENSE;
    expect(typeCode).toMatch(/^[0-9A-Z]{21}$/);
    expect(typeCode).toBe('11100000MB0143028R001');
    expect(checkCreditCode(typeCode.slice(0, 18)).valid).toBe(true);
    expect(parseLicenseIdentifier(sampleMetadata.identifier).ok).toBe(true);
  });

  it('names its lifecycle 设立 变更 歇业 吊销 注销 with English names', () => {
    const { issue, amend, suspend, revoke, cancel } = BUSINESS_LICENSE.lifecycle;
    expect([issue, amend, suspend, revoke, cancel].map((e) => e.name)).toEqual(['设立', '变更', '歇业', '吊销', '注销']);
    for (const e of Object.values(BUSINESS_LICENSE.lifecycle)) expect(e.nameEn).toMatch(/^[A-Z][a-z ]+$/);
  });
});

describe('dataSchema', () => {
  it('is a closed draft 2020-12 object schema with exactly the business fields', () => {
    expect(dataSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(dataSchema.additionalProperties).toBe(false);
    expect(dataSchema.properties.registeredCapital['x-normalise']).toBe('registered-capital');
    expect(Object.keys(dataSchema.properties)).toEqual([
      'name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'businessTermFrom',
      'businessTermTo', 'domicile', 'businessScope', 'registrationAuthority', 'issuedOn',
    ]);
    expect(dataSchema.required).toEqual([
      'name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'domicile', 'businessScope',
    ]);
  });

  it('gives every field a zh title, an en title and a description', () => {
    for (const [key, prop] of Object.entries(dataSchema.properties) as [string, Record<string, unknown>][]) {
      expect(prop.title, key).toMatch(/\p{Script=Han}/u);
      expect(prop['x-title-en'], key).toMatch(/^[A-Z]/);
      expect(prop.description, key).toMatch(/\p{Script=Han}.* \/ [A-Z]/u);
    }
  });

  it('accepts complete data, and data with only the required fields', () => {
    expect(validateData(sampleData), JSON.stringify(validateData.errors)).toBe(true);
    const { businessTermFrom, businessTermTo, registrationAuthority, issuedOn, ...required } = sampleData;
    void businessTermFrom; void businessTermTo; void registrationAuthority; void issuedOn;
    expect(validateData(required)).toBe(true);
    expect(validateData({ ...sampleData, businessTermTo: '2049-03-14' })).toBe(true);
  });

  it.each(['name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'domicile', 'businessScope'])(
    'requires %s',
    (field) => {
      const data: Record<string, unknown> = { ...sampleData };
      delete data[field];
      expect(validateData(data)).toBe(false);
      expect(validateData.errors?.[0]).toMatchObject({ keyword: 'required', params: { missingProperty: field } });
    },
  );

  it('rejects unknown fields, bad dates, over-long text and wrong types', () => {
    expect(validateData({ ...sampleData, creditCode: holderCode })).toBe(false);
    for (const d of ['2019-3-15', '2019/03/15', '2019-02-30', '20190315', '']) {
      expect(validateData({ ...sampleData, establishedOn: d }), d).toBe(false);
    }
    expect(validateData({ ...sampleData, businessTermTo: '长期' })).toBe(false);
    expect(validateData({ ...sampleData, name: 'x'.repeat(201) })).toBe(false);
    expect(validateData({ ...sampleData, businessScope: '经'.repeat(4000) })).toBe(true);
    expect(validateData({ ...sampleData, businessScope: '经'.repeat(4001) })).toBe(false);
    expect(validateData({ ...sampleData, registeredCapital: 100 })).toBe(false);
    expect(validateData({ ...sampleData, name: '' })).toBe(false);
    expect(validateData({ ...sampleData, businessTermFrom: null })).toBe(false);
  });
});

describe('metadataSchema (GB/T 36903)', () => {
  it('accepts sample metadata, with and without an annotation', () => {
    expect(validateMetadata(sampleMetadata), JSON.stringify(validateMetadata.errors)).toBe(true);
    const annotated = {
      ...sampleMetadata,
      annotation: { purpose: '仅用于办理银行开户', annotatedBy: '中国工商银行济南分行', annotatedAt: '2024-06-01T10:00:00+08:00' },
    };
    expect(validateMetadata(annotated), JSON.stringify(validateMetadata.errors)).toBe(true);
    expect(validateMetadata({ ...sampleMetadata, validUntil: '2049-03-14' })).toBe(true);
    // A business license is held under a credit code (its definition's holder.codeTypes), never a citizen id.
    expect(validateMetadata({ ...sampleMetadata, holderCodeType: '111', holderCode: '11010519491231002X' })).toBe(false);
  });

  it('has every GB/T 36903 element', () => {
    expect(Object.keys(metadataSchema.properties as object).sort()).toEqual(
      [
        'identifier', 'licenseTypeCode', 'licenseName', 'licenseNumber', 'issuerName', 'issuerCode', 'issuedOn', 'holderName',
        'holderCode', 'holderCodeType', 'validFrom', 'validUntil', 'version', 'sealInfo', 'annotation',
      ].sort(),
    );
    expect((metadataSchema.required as string[])).not.toContain('annotation');
    expect((metadataSchema as { additionalProperties: unknown }).additionalProperties).toBe(false);
  });

  it('rejects malformed metadata', () => {
    const bad: Record<string, unknown>[] = [
      { identifier: '1.2.156.3005.2.X' },
      { licenseTypeCode: '11100000MB0143028R002' },
      { licenseNumber: '91350100M000100Y4' },
      { licenseNumber: '91350100M000100I43' },
      { issuerCode: 'abc' },
      { issuedOn: '2024-13-01' },
      { holderCodeType: '002' },
      { version: 0 },
      { version: '001' },
      { validUntil: 'forever' },
      { sealInfo: { keyId: 'k' } },
      { sealInfo: { signatureAlgorithm: 'SM2-SM3', keyId: 'k', extra: 1 } },
      { annotation: { purpose: '开户' } },
      { annotation: { purpose: '开户', annotatedBy: '银行', annotatedAt: '2024-06-01' } },
      { unknownElement: 1 },
    ];
    for (const patch of bad) expect(validateMetadata({ ...sampleMetadata, ...patch }), JSON.stringify(patch)).toBe(false);
    const { sealInfo, ...noSeal } = sampleMetadata;
    void sealInfo;
    expect(validateMetadata(noSeal)).toBe(false);
  });
});

describe('normalizeRegisteredCapital', () => {
  it.each([
    ['100万元人民币', '100万元人民币'],
    ['100万元', '100万元人民币'],
    ['100 万元', '100万元人民币'],
    ['100万人民币', '100万元人民币'],
    ['1000000元', '100万元人民币'],
    ['1,000,000元人民币', '100万元人民币'],
    ['100.00万元人民币', '100万元人民币'],
    ['0100万元', '100万元人民币'],
    ['50.5万元', '50.5万元人民币'],
    ['1234.5元', '0.12345万元人民币'],
    ['1.5亿元', '15000万元人民币'],
    ['１００万元', '100万元人民币'],
    ['100万元 人民币', '100万元人民币'],
    ['100万CNY', '100万元人民币'],
    ['100万美元', '100万美元'],
    ['100万元美元', '100万美元'],
    ['100万 USD', '100万美元'],
    ['50万港币', '50万港元'],
    ['20万欧元', '20万欧元'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeRegisteredCapital(input)).toEqual({ ok: true, value: expected });
  });

  it('reads numbers as 万元人民币', () => {
    expect(normalizeRegisteredCapital(100)).toEqual({ ok: true, value: '100万元人民币' });
    expect(normalizeRegisteredCapital(12.5)).toEqual({ ok: true, value: '12.5万元人民币' });
    expect(normalizeRegisteredCapital(0.01)).toEqual({ ok: true, value: '0.01万元人民币' });
  });

  it('is idempotent', () => {
    for (const input of ['100万元', '1000000元', '100万美元', '1.5亿元', 3]) {
      const once = normalizeRegisteredCapital(input);
      expect(once.ok).toBe(true);
      if (once.ok) expect(normalizeRegisteredCapital(once.value)).toEqual(once);
    }
  });

  it.each<[string | number]>([
    ['100'],
    [''],
    ['万元'],
    ['abc'],
    ['100万元比特币'],
    ['-100万元'],
    ['0万元'],
    ['1e3万元'],
    [0],
    [-5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [1e25],
  ])('rejects %j with a message', (input) => {
    const r = normalizeRegisteredCapital(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
  });

  it('produces values the data schema accepts', () => {
    const r = normalizeRegisteredCapital('1000000元');
    expect(r.ok && validateData({ ...sampleData, registeredCapital: r.value })).toBe(true);
  });
});

describe('ENTITY_TYPES', () => {
  it('lists common 企业类型 with en names', () => {
    expect(ENTITY_TYPES.length).toBeGreaterThanOrEqual(10);
    const names = ENTITY_TYPES.map((t) => t.name);
    for (const n of ['有限责任公司（自然人投资或控股）', '股份有限公司（非上市）', '个人独资企业', '个体工商户', '农民专业合作社']) {
      expect(names).toContain(n);
    }
    expect(names.some((n) => n.endsWith('合伙企业'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    for (const t of ENTITY_TYPES) {
      expect(t.nameEn).toMatch(/^[A-Z]/);
      expect(t.representativeTitle).toMatch(/\p{Script=Han}/u);
      expect(t.representativeTitleEn).toMatch(/^[A-Z]/);
      expect(validateData({ ...sampleData, entityType: t.name })).toBe(true);
    }
  });

  it('maps each type to a 工商 category of the credit code', () => {
    for (const t of ENTITY_TYPES) expect(Object.keys(REGISTRATION_AUTHORITIES['9'].categories)).toContain(t.creditCategory);
    expect(ENTITY_TYPES.find((t) => t.name === '个体工商户')?.creditCategory).toBe('2');
    expect(ENTITY_TYPES.find((t) => t.name === '农民专业合作社')?.creditCategory).toBe('3');
    expect(ENTITY_TYPES.find((t) => t.name === '个人独资企业')?.creditCategory).toBe('1');
  });
});
