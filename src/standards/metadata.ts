// GB/T 36903-2018 电子证照元数据: what every credential states about its license, whatever the type.
import { HOLDER_KINDS, type HolderKind } from './holderCodeTypes.ts';

/**
 * Claims every credential states in its signed payload (the SD-JWT VC's own and the GB/T 36903
 * metadata): a business field of one of these names would collide with them (or, for _sd and ...,
 * break the format), so a type definition may not name a field so.
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'iss', 'sub', 'iat', 'nbf', 'exp', 'vct', 'vct#integrity', 'cnf', 'status', '_sd', '_sd_alg', '...',
  'identifier', 'version', 'licenseTypeCode', 'licenseName', 'issuerCode', 'issuerName',
  'holderCode', 'holderCodeType', 'validFrom', 'validUntil', '__proto__',
]);

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const CREDIT_CODE_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{18}$';

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
  holderCodeType: string;
  validFrom: string;
  /** null = 长期. */
  validUntil: string | null;
  version: number;
  sealInfo: { signatureAlgorithm: string; keyId: string; sealName?: string };
  annotation?: { purpose: string; annotatedBy: string; annotatedAt: string };
}

/** GB/T 36903 电子证照元数据 of a license type's credentials, as JSON Schema (2020-12). */
/** `numberPattern`: the type's own number's pattern; a type numbered by its holder's code takes the holder code's. */
export function metadataSchemaOf(key: string, version: string, typeCode: string, holderKinds: readonly HolderKind[], numberPattern: string | undefined): Record<string, unknown> {
  const holderPattern = holderKinds.length === 1 && holderKinds[0] === 'uscc' ? CREDIT_CODE_PATTERN : '^[0-9A-Z]{9,18}$';
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:certbridge:schema:${key}:${version}:metadata`,
    title: '电子证照元数据',
    'x-title-en': 'E-license metadata',
    description: '按 GB/T 36903-2018 的电子证照元数据 / E-license metadata per GB/T 36903-2018',
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
        const: typeCode,
        title: '证照类型代码',
        'x-title-en': 'License type code',
        description: '证照类型代码（GB/T 36902） / License type code',
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
        pattern: numberPattern ?? holderPattern,
        maxLength: 64,
        title: '证照编号',
        'x-title-en': 'License number',
        description: '证照编号；没有自身编号的证照为持证主体代码 / The license number; for types without one, the holder code',
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
        pattern: holderPattern,
        title: '持证主体代码',
        'x-title-en': 'Holder code',
        description: '统一社会信用代码或公民身份号码 / Credit code or citizen id number of the holder',
      },
      holderCodeType: {
        type: 'string',
        enum: holderKinds.map((kind) => HOLDER_KINDS[kind]),
        title: '持证主体代码类型',
        'x-title-en': 'Holder code type',
        description: '001 统一社会信用代码，002 组织机构代码，111 居民身份证 / 001 credit code, 002 organisation code, 111 resident identity card',
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
}
