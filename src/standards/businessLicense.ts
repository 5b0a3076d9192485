// 营业执照 (business license) as a CertBridge license type, version 1.0.0.
// Business fields follow the printed license (市场主体登记管理条例 2021 / 营业执照式样);
// metadata follows GB/T 36903-2018 电子证照元数据规范.

/** 证照类型代码: the defining authority's credit code + 3-digit sequence (GB/T 36904). */
const DEFINING_AUTHORITY_CODE = '11100000MB0143028R'; // checked valid by businessLicense.test.ts
const TYPE_CODE = `${DEFINING_AUTHORITY_CODE}001`;

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const CREDIT_CODE_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{18}$';

export interface BusinessLicenseData {
  name: string;
  entityType: string;
  legalRepresentative: string;
  registeredCapital: string;
  establishedOn: string;
  businessTermFrom?: string;
  /** null = 长期 (no end date). */
  businessTermTo?: string | null;
  domicile: string;
  businessScope: string;
  registrationAuthority?: string;
  issuedOn?: string;
}

/** JSON Schema (2020-12) of the business fields printed on a 营业执照. */
export const dataSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:certbridge:schema:business-license:1.0.0:data',
  title: '营业执照信息',
  'x-title-en': 'Business license data',
  description: '营业执照登记事项 / Registered particulars printed on the business license',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'domicile', 'businessScope'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: '名称',
      'x-title-en': 'Name',
      description: '市场主体名称 / Registered name of the market entity',
    },
    entityType: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      title: '类型',
      'x-title-en': 'Entity type',
      description: '企业类型或主体类型，如“有限责任公司（自然人投资或控股）” / Type of entity as printed',
    },
    legalRepresentative: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: '法定代表人',
      'x-title-en': 'Legal representative',
      description:
        '法定代表人（或负责人、执行事务合伙人、投资人、经营者） / Legal representative (or person in charge, managing partner, investor, operator)',
    },
    registeredCapital: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      title: '注册资本',
      'x-title-en': 'Registered capital',
      description: '注册资本（出资额、资金数额）印刷文本，如“100万元人民币” / Registered capital as printed, e.g. 100万元人民币',
    },
    establishedOn: {
      type: 'string',
      format: 'date',
      pattern: DATE_PATTERN,
      title: '成立日期',
      'x-title-en': 'Date of establishment',
      description: '成立日期（YYYY-MM-DD） / Date of establishment',
    },
    businessTermFrom: {
      type: 'string',
      format: 'date',
      pattern: DATE_PATTERN,
      title: '营业期限自',
      'x-title-en': 'Business term from',
      description: '营业期限起始日期，缺省为成立日期 / Start of business term; defaults to the date of establishment',
    },
    businessTermTo: {
      type: ['string', 'null'],
      format: 'date',
      pattern: DATE_PATTERN,
      title: '营业期限至',
      'x-title-en': 'Business term to',
      description: '营业期限截止日期，null 表示长期 / End of business term; null means open-ended (长期)',
    },
    domicile: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      title: '住所',
      'x-title-en': 'Domicile',
      description: '住所（主要经营场所、经营场所） / Domicile (principal place of business)',
    },
    businessScope: {
      type: 'string',
      minLength: 1,
      maxLength: 4000,
      title: '经营范围',
      'x-title-en': 'Business scope',
      description: '经营范围 / Business scope',
    },
    registrationAuthority: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: '登记机关',
      'x-title-en': 'Registration authority',
      description: '登记机关名称，如“济南市市场监督管理局” / Name of the registration authority',
    },
    issuedOn: {
      type: 'string',
      format: 'date',
      pattern: DATE_PATTERN,
      title: '发照日期',
      'x-title-en': 'Date of issue',
      description: '核准（发照）日期 / Date the license was (re)issued',
    },
  },
};

export interface LicenseMetadata {
  identifier: string;
  licenseTypeCode: string;
  licenseName: string;
  licenseNumber: string;
  issuerName: string;
  issuerCode: string;
  issuedOn: string;
  holderName: string;
  holderCode: string;
  holderCodeType: '001' | '111';
  validFrom: string;
  /** null = 长期. */
  validUntil: string | null;
  version: number;
  sealInfo: { signatureAlgorithm: string; keyId: string; sealName?: string };
  annotation?: { purpose: string; annotatedBy: string; annotatedAt: string };
}

/** GB/T 36903 电子证照元数据 for a business license, as JSON Schema (2020-12). */
export const metadataSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:certbridge:schema:business-license:1.0.0:metadata',
  title: '电子证照元数据',
  'x-title-en': 'E-license metadata',
  description: '按 GB/T 36903-2018 的电子营业执照元数据 / E-business-license metadata per GB/T 36903-2018',
  type: 'object',
  additionalProperties: false,
  required: [
    'identifier',
    'licenseTypeCode',
    'licenseName',
    'licenseNumber',
    'issuerName',
    'issuerCode',
    'issuedOn',
    'holderName',
    'holderCode',
    'holderCodeType',
    'validFrom',
    'validUntil',
    'version',
    'sealInfo',
  ],
  properties: {
    identifier: {
      type: 'string',
      // Shape only; the MOD 37,36 check is verified by parseLicenseIdentifier.
      pattern: '^1\\.2\\.156\\.3005\\.2\\.[0-9A-Z]{1,32}\\.[0-9A-Z]{18}\\.[0-9A-Z]{1,32}\\.\\d{3}\\.[0-9A-Z]$',
      title: '电子证照标识',
      'x-title-en': 'E-license identifier',
      description: 'GB/T 36904 电子证照标识 / Identifier per GB/T 36904',
    },
    licenseTypeCode: {
      type: 'string',
      const: TYPE_CODE,
      title: '证照类型代码',
      'x-title-en': 'License type code',
      description: '营业执照的证照类型代码 / License type code of the business license',
    },
    licenseName: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      title: '证照名称',
      'x-title-en': 'License name',
      description: '证照名称，如“营业执照” / License name',
    },
    licenseNumber: {
      type: 'string',
      pattern: CREDIT_CODE_PATTERN,
      title: '证照编号',
      'x-title-en': 'License number',
      description: '营业执照的证照编号即统一社会信用代码 / For a business license, the unified social credit code',
    },
    issuerName: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: '证照颁发机构',
      'x-title-en': 'Issuer',
      description: '颁发机构名称（登记机关） / Name of the issuing department',
    },
    issuerCode: {
      type: 'string',
      pattern: CREDIT_CODE_PATTERN,
      title: '证照颁发机构代码',
      'x-title-en': 'Issuer code',
      description: '颁发机构的统一社会信用代码 / Unified social credit code of the issuing department',
    },
    issuedOn: {
      type: 'string',
      format: 'date',
      pattern: DATE_PATTERN,
      title: '证照颁发日期',
      'x-title-en': 'Date of issue',
      description: '颁发日期（YYYY-MM-DD） / Date of issue',
    },
    holderName: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: '持证主体',
      'x-title-en': 'Holder',
      description: '持证主体名称 / Name of the holder',
    },
    holderCode: {
      type: 'string',
      pattern: '^[0-9A-Z]{18}$',
      title: '持证主体代码',
      'x-title-en': 'Holder code',
      description: '统一社会信用代码或公民身份号码 / Credit code or citizen id number of the holder',
    },
    holderCodeType: {
      type: 'string',
      enum: ['001', '111'],
      title: '持证主体代码类型',
      'x-title-en': 'Holder code type',
      description: '001 统一社会信用代码，111 居民身份证 / 001 credit code, 111 resident identity card',
    },
    validFrom: {
      type: 'string',
      format: 'date',
      pattern: DATE_PATTERN,
      title: '有效期起始日期',
      'x-title-en': 'Valid from',
      description: '有效期起始日期 / Start of validity',
    },
    validUntil: {
      type: ['string', 'null'],
      format: 'date',
      pattern: DATE_PATTERN,
      title: '有效期截止日期',
      'x-title-en': 'Valid until',
      description: '有效期截止日期，null 表示长期 / End of validity; null means open-ended (长期)',
    },
    version: {
      type: 'integer',
      minimum: 1,
      maximum: 999,
      title: '版本号',
      'x-title-en': 'Version',
      description: '电子证照版本号，与标识中的三位版本号一致 / Version, equal to the 3-digit version in the identifier',
    },
    sealInfo: {
      type: 'object',
      additionalProperties: false,
      required: ['signatureAlgorithm', 'keyId'],
      title: '签章信息',
      'x-title-en': 'Seal / signature',
      description: '电子印章与签名信息 / Electronic seal and signature information',
      properties: {
        signatureAlgorithm: {
          type: 'string',
          minLength: 1,
          maxLength: 64,
          title: '签名算法',
          'x-title-en': 'Signature algorithm',
          description: '如 SM2-SM3、EdDSA / e.g. SM2-SM3, EdDSA',
        },
        keyId: {
          type: 'string',
          minLength: 1,
          maxLength: 256,
          title: '密钥标识',
          'x-title-en': 'Key id',
          description: '签名密钥或证书标识 / Identifier of the signing key or certificate',
        },
        sealName: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          title: '印章名称',
          'x-title-en': 'Seal name',
          description: '电子印章名称 / Name of the electronic seal',
        },
      },
    },
    annotation: {
      type: 'object',
      additionalProperties: false,
      required: ['purpose', 'annotatedBy', 'annotatedAt'],
      title: '加注信息',
      'x-title-en': 'Annotation',
      description: '加注件信息：用途、加注单位、加注时间 / Annotated-copy (加注件) fields: purpose, annotating party, time',
      properties: {
        purpose: {
          type: 'string',
          minLength: 1,
          maxLength: 500,
          title: '加注用途',
          'x-title-en': 'Purpose',
          description: '加注用途，如“仅用于办理银行开户” / Purpose of the annotated copy',
        },
        annotatedBy: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          title: '加注单位',
          'x-title-en': 'Annotated by',
          description: '加注单位或人员 / Department or person that made the annotation',
        },
        annotatedAt: {
          type: 'string',
          format: 'date-time',
          title: '加注时间',
          'x-title-en': 'Annotated at',
          description: '加注时间（RFC 3339） / Time of annotation',
        },
      },
    },
  },
};

export interface LifecycleEvent {
  key: 'establish' | 'change' | 'deregister' | 'revoke' | 'suspend';
  name: string;
  nameEn: string;
}

/** 设立、变更、注销、吊销 and 歇业 (suspension, since the 2022 市场主体登记管理条例). */
const LIFECYCLE: LifecycleEvent[] = [
  { key: 'establish', name: '设立', nameEn: 'Establishment' },
  { key: 'change', name: '变更', nameEn: 'Change' },
  { key: 'deregister', name: '注销', nameEn: 'Deregistration' },
  { key: 'revoke', name: '吊销', nameEn: 'Revocation' },
  { key: 'suspend', name: '歇业', nameEn: 'Suspension of business' },
];

/** What every license type definition provides; other license types follow the same shape. */
export interface LicenseTypeStandard {
  /** Stable key used in APIs and URLs. */
  key: string;
  /** Version of this definition (semver); schemas change only with a new version. */
  version: string;
  name: string;
  nameEn: string;
  /** SD-JWT VC type of credentials of this license type. */
  vct: string;
  /** GB/T 36904 证照类型代码. */
  typeCode: string;
  dataSchema: Record<string, unknown>;
  metadataSchema: Record<string, unknown>;
  lifecycle: LifecycleEvent[];
  /**
   * The business fields anyone may see who holds the license's verification code (the public
   * verification page); every other field is shared only under an agreement or the holder's
   * authorisation.
   */
  publicFields: readonly string[];
}

/**
 * What the national enterprise credit publicity system (国家企业信用信息公示系统) shows of a market
 * entity's registration, less the two fields that are personal information of a natural person
 * (《个人信息保护法》): the legal representative's name, and the domicile, which for an individual
 * business (个体工商户) is often a home. Those stay behind agreements, as the catalog marks them.
 */
const PUBLIC_FIELDS = ['name', 'entityType', 'registeredCapital', 'establishedOn', 'businessTermFrom', 'businessTermTo', 'businessScope', 'registrationAuthority', 'issuedOn'] as const;

export const BUSINESS_LICENSE: LicenseTypeStandard = {
  key: 'business-license',
  version: '1.0.0',
  name: '营业执照',
  nameEn: 'Business license',
  vct: 'urn:certbridge:license-type:business-license',
  typeCode: TYPE_CODE,
  dataSchema,
  metadataSchema,
  lifecycle: LIFECYCLE,
  publicFields: PUBLIC_FIELDS,
};

export interface EntityType {
  name: string;
  nameEn: string;
  /** 机构类别代码 under registration authority 9 (工商): 1 企业, 2 个体工商户, 3 农民专业合作社. */
  creditCategory: '1' | '2' | '3';
  /** Title printed for the legalRepresentative field (法定代表人 / 执行事务合伙人 / 投资人 / 经营者). */
  representativeTitle: string;
  representativeTitleEn: string;
}

const LEGAL_REP = { representativeTitle: '法定代表人', representativeTitleEn: 'Legal representative' } as const;

/** Common 企业类型 / 主体类型 strings as printed on licenses, for demo data. */
export const ENTITY_TYPES: readonly EntityType[] = [
  { name: '有限责任公司（自然人投资或控股）', nameEn: 'Limited liability company (invested or controlled by natural persons)', creditCategory: '1', ...LEGAL_REP },
  { name: '有限责任公司（自然人独资）', nameEn: 'Limited liability company (wholly owned by a natural person)', creditCategory: '1', ...LEGAL_REP },
  { name: '有限责任公司（非自然人投资或控股的法人独资）', nameEn: 'Limited liability company (wholly owned by a legal person)', creditCategory: '1', ...LEGAL_REP },
  { name: '有限责任公司（国有独资）', nameEn: 'Limited liability company (wholly state-owned)', creditCategory: '1', ...LEGAL_REP },
  { name: '其他有限责任公司', nameEn: 'Other limited liability company', creditCategory: '1', ...LEGAL_REP },
  { name: '股份有限公司（非上市）', nameEn: 'Joint-stock company (unlisted)', creditCategory: '1', ...LEGAL_REP },
  { name: '股份有限公司（上市）', nameEn: 'Joint-stock company (listed)', creditCategory: '1', ...LEGAL_REP },
  { name: '有限责任公司（外国法人独资）', nameEn: 'Limited liability company (wholly owned by a foreign legal person)', creditCategory: '1', ...LEGAL_REP },
  { name: '个人独资企业', nameEn: 'Sole proprietorship', creditCategory: '1', representativeTitle: '投资人', representativeTitleEn: 'Investor' },
  { name: '普通合伙企业', nameEn: 'General partnership', creditCategory: '1', representativeTitle: '执行事务合伙人', representativeTitleEn: 'Managing partner' },
  { name: '有限合伙企业', nameEn: 'Limited partnership', creditCategory: '1', representativeTitle: '执行事务合伙人', representativeTitleEn: 'Managing partner' },
  { name: '个体工商户', nameEn: 'Individual business', creditCategory: '2', representativeTitle: '经营者', representativeTitleEn: 'Operator' },
  { name: '农民专业合作社', nameEn: 'Farmers’ specialised cooperative', creditCategory: '3', ...LEGAL_REP },
];

// Currency words as they follow 万 in canonical text. 人民币 is written 万元人民币;
// foreign currencies whose name already ends in 元 are written 万美元, 万欧元, …
const CURRENCIES: ReadonlyArray<{ canonical: string; aliases: readonly string[] }> = [
  { canonical: '人民币', aliases: ['人民币', 'RMB', 'CNY'] },
  { canonical: '美元', aliases: ['美元', 'USD', 'US$'] },
  { canonical: '欧元', aliases: ['欧元', 'EUR'] },
  { canonical: '港元', aliases: ['港元', '港币', 'HKD'] },
  { canonical: '日元', aliases: ['日元', 'JPY'] },
  { canonical: '英镑', aliases: ['英镑', 'GBP'] },
];

function canonicalCapital(amount: string, currency: string): string {
  return currency === '人民币' ? `${amount}万元人民币` : `${amount}万${currency}`;
}

/** Multiply a plain decimal string by 10^shift exactly (no floating point), normalised. */
function shiftDecimal(value: string, shift: number): string {
  const [intPart, fracPart = ''] = value.split('.');
  let digits = intPart + fracPart;
  let point = intPart.length + shift;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const i = digits.slice(0, point).replace(/^0+/, '') || '0';
  const f = digits.slice(point).replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Canonical registered-capital text: '<amount>万元人民币' (or '<amount>万美元' etc.).
 * A number means 万元人民币, the unit used by registration systems. A string must carry
 * its unit (万/亿/元): a bare '100' is ambiguous between 元 and 万元, so it is rejected.
 */
export function normalizeRegisteredCapital(
  input: string | number,
): { ok: true; value: string } | { ok: false; message: string } {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input <= 0) return { ok: false, message: `registered capital must be a positive number, got ${input}` };
    const text = String(input);
    if (/e/i.test(text)) return { ok: false, message: `registered capital ${input} is out of range` };
    return { ok: true, value: canonicalCapital(shiftDecimal(text, 0), '人民币') };
  }
  const s = toHalfWidth(input)
    .replace(/[\s\u3000]/g, '')
    .replace(/[,，]/g, '')
    .replace(/。/g, '.');
  const m = /^(\d+(?:\.\d+)?)(万|亿)?(元)?(.*)$/.exec(s);
  if (!m) return { ok: false, message: `cannot read registered capital '${input}'` };
  const [, amount, magnitude, yuan, rest] = m;
  let currency: string | undefined;
  if (rest === '') {
    currency = '人民币';
  } else {
    currency = CURRENCIES.find((c) => c.aliases.some((a) => a.toUpperCase() === rest.toUpperCase()))?.canonical;
  }
  if (!currency) return { ok: false, message: `unknown currency '${rest}' in registered capital '${input}'` };
  // A bare number without any unit is ambiguous (元 or 万元?). '100万元美元' is not how
  // licenses print it, but its meaning is clear, so it is read as 100万美元.
  if (!magnitude && !yuan && currency === '人民币') {
    return { ok: false, message: `registered capital '${input}' has no unit (万元 or 元)` };
  }
  const shift = magnitude === '万' ? 0 : magnitude === '亿' ? 4 : -4; // to 万
  const wan = shiftDecimal(amount, shift);
  if (!/[1-9]/.test(wan)) return { ok: false, message: `registered capital must be positive, got '${input}'` };
  return { ok: true, value: canonicalCapital(wan, currency) };
}
