/**
 * Example bodies of the API, by operationId: a request body for every operation that takes JSON,
 * and the answer of the main ones, added to the OpenAPI document's media types as `examples`.
 * The values are those of the demo (S Province, Shandong's division codes): the departments' and
 * enterprises' unified social credit codes carry valid check characters, the license identifier
 * is a GB/T 36904 one. A test validates each example against its operation's schema
 * (test/platform/apiReference.test.ts).
 */
import type { OpenApiDocumentation } from '../platform/http/openapi.ts';

/** 山东省市场监督管理局, 国家税务总局山东省税务局, 中国工商银行股份有限公司山东省分行. */
const SAMR = '11370000E2T1JPBR60';
const TAX = '113700009XPAHWDU9N';
const BANK = '913701008RCEP94AXL';
/** 青岛华信农业发展有限公司 and 滨州凯晟贸易经营部 (synthetic enterprises of the demo). */
const ENTERPRISE = '91370200DYBRU6QQ1M';
const OTHER_ENTERPRISE = '91371600GE3AHN1209';
const LICENSE = '1.2.156.3005.2.11100000MB0143028R001.11370000E2T1JPBR60.00001024.001.B';
const CREDENTIAL = 'eyJhbGciOiJTTTIiLCJ0eXAiOiJkYytzZC1qd3QiLCJraWQiOiJzYW1yLTEifQ.eyJ2Y3QiOiJidXNpbmVzcy1saWNlbnNlIn0.c2lnbmF0dXJl~WyJzYWx0IiwibmFtZSIsIumdkuWym-WNjuS_oeWGnOS4muWPkeWxleaciemZkOWFrOWPuCJd~';

const BUSINESS_LICENSE_DATA = {
  name: '青岛华信农业发展有限公司',
  entityType: '有限责任公司（非自然人投资或控股的法人独资）',
  legalRepresentative: '夏强',
  registeredCapital: '500万元人民币',
  establishedOn: '2022-01-06',
  businessTermFrom: '2022-01-06',
  businessTermTo: '2042-01-05',
  domicile: '山东省青岛市城阳区文化路470号',
  businessScope: '一般项目：谷物种植；蔬菜种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  registrationAuthority: '青岛市市场监督管理局',
  issuedOn: '2022-01-06',
};

const LICENSE_VIEW = {
  identifier: LICENSE,
  version: 1,
  status: 'valid',
  credential: CREDENTIAL,
  type: 'business-license',
  typeCode: '11100000MB0143028R001',
  issuer: { code: SAMR, name: '山东省市场监督管理局' },
  holder: { code: ENTERPRISE, codeType: '001', name: '青岛华信农业发展有限公司' },
  validFrom: '2022-01-06',
  validUntil: '2042-01-05',
  data: BUSINESS_LICENSE_DATA,
  issuedAt: '2026-11-26T09:30:00+08:00',
  updatedAt: '2026-11-26T09:30:00+08:00',
  verificationUrl: `https://certbridge.example.gov.cn/api/v1/verify/${LICENSE}`,
};

const reason = (summary: string, text: string) => ({ request: { summary, value: { reason: text } } });

const RESOURCE = {
  title: '纳税信用等级',
  titleEn: 'Tax credit rating',
  description: '纳税人的年度纳税信用评价结果（A、B、M、C、D 级）。',
  descriptionEn: "Taxpayers' annual tax credit evaluation (grades A, B, M, C, D).",
  dataset: 'tax-credit-rating',
  fields: [
    { name: 'creditCode', sensitivity: 'public', title: '统一社会信用代码', titleEn: 'Unified social credit code' },
    { name: 'name', sensitivity: 'public', title: '纳税人名称', titleEn: 'Taxpayer name' },
    { name: 'rating', sensitivity: 'internal', title: '纳税信用级别', titleEn: 'Tax credit grade' },
    { name: 'evaluationYear', sensitivity: 'public', title: '评价年度', titleEn: 'Evaluation year' },
  ],
  sharingClass: 'unconditional',
  legalBasis: '《纳税信用管理办法（试行）》',
  updateCycle: 'annual',
  accessModes: ['query', 'bulk'],
  serviceLevel: { availability: '99.5%' },
};

export const EXAMPLES: OpenApiDocumentation['examples'] = {
  postOauthToken: {
    request: { summary: 'Client credentials (the client id and secret in HTTP Basic)', value: { grant_type: 'client_credentials' } },
    response: { status: '200', summary: 'A token for an hour', value: { access_token: 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ0YXgtZ29sZGVuLXRheCJ9.c2lnbmF0dXJl', token_type: 'Bearer', expires_in: 3600, scope: '' } },
  },
  postDepartments: {
    request: { summary: '济南市历下区行政审批服务局', value: { code: '11370102K4PCA0XF4A', name: '济南市历下区行政审批服务局', nameEn: 'Lixia District Administrative Approval Service Bureau, Jinan', level: 'county', region: '370102' } },
  },
  postDepartmentsByCodeClients: { request: { summary: '市场主体登记系统', value: { name: '市场主体登记系统', roles: ['issuer', 'consumer'] } } },
  postDepartmentsByCodeClientsByClientIdDisable: reason('Disable a system', '系统已下线，停止接入'),
  postStandardsLicenseTypesByTypeIssuers: {
    request: { summary: 'Authorise the market regulator', value: { department: SAMR, legalBasis: '《中华人民共和国市场主体登记管理条例》第五条', validFrom: '2020-01-01' } },
  },
  postStandardsLicenseTypesByTypeIssuersByDepartmentWithdraw: {
    request: { summary: 'The function moved to another department', value: { reason: '职能划转至省行政审批服务局', validUntil: '2026-12-31' } },
  },
  postLicenseTypes: {
    request: {
      summary: 'A new license type (a small one)',
      value: {
        key: 'pharmacy-license',
        version: '1.0.0',
        name: '药品经营许可证',
        nameEn: 'Pharmaceutical trading license',
        typeCode: '11100000MB0143028R003',
        holder: { codeTypes: ['uscc'], nameField: 'enterpriseName' },
        dataSchema: {
          type: 'object',
          required: ['enterpriseName', 'licenseNumber', 'address'],
          properties: {
            enterpriseName: { type: 'string', title: '企业名称', 'x-title-en': 'Enterprise name' },
            licenseNumber: { type: 'string', title: '许可证编号', 'x-title-en': 'License number' },
            address: { type: 'string', title: '经营地址', 'x-title-en': 'Business address' },
            validUntil: { type: 'string', format: 'date', title: '有效期至', 'x-title-en': 'Valid until' },
          },
        },
        publicFields: ['enterpriseName', 'licenseNumber'],
        issuers: [{ department: SAMR, legalBasis: '《中华人民共和国药品管理法》第五十一条' }],
      },
    },
  },
  postLicenses: {
    request: { summary: 'A business license (营业执照)', value: { type: 'business-license', holder: { code: ENTERPRISE, codeType: '001', name: '青岛华信农业发展有限公司' }, data: BUSINESS_LICENSE_DATA } },
    response: { status: '201', summary: 'The license issued: version 1, signed', value: LICENSE_VIEW },
  },
  getLicensesByIdentifier: { response: { status: '200', summary: 'A valid business license', value: LICENSE_VIEW } },
  postLicensesByIdentifierAmend: {
    request: { summary: 'A new domicile (住所变更)', value: { data: { domicile: '山东省青岛市城阳区正阳路188号' }, reason: '住所变更' } },
  },
  postLicensesByIdentifierSuspend: reason('Suspended while the business pauses', '企业申请歇业'),
  postLicensesByIdentifierReinstate: reason('Business resumed', '歇业期满，恢复经营'),
  postLicensesByIdentifierRevoke: reason('Revoked by an administrative penalty', '依据行政处罚决定书 青市监罚〔2026〕118号 吊销'),
  postLicensesByIdentifierCancel: reason('The enterprise is deregistered', '企业已办理注销登记'),
  postVerify: {
    request: { summary: 'A credential as a holder presents it', value: { credential: CREDENTIAL } },
    response: {
      status: '200',
      summary: 'Valid: signature, issuer and status checked',
      value: {
        valid: true,
        status: 'valid',
        disclosure: 'credential',
        checks: [
          { check: 'signature', passed: true, code: 'signature-valid', params: { alg: 'ES256', disclosures: '13' }, detail: 'ES256 signature and 13 disclosures verified' },
          { check: 'issuer-authorised', passed: true, code: 'issuer-authorised', detail: 'the issuer is authorised for business-license' },
          { check: 'status-list', passed: true, code: 'status-valid', detail: 'status list says valid' },
        ],
        license: { identifier: LICENSE, type: 'business-license', name: '青岛华信农业发展有限公司' },
      },
    },
  },
  postKeysRotate: { request: { summary: 'Rotate a department’s license key', value: { purpose: 'license', department: SAMR } } },
  postHoldersAccounts: { request: { summary: 'An enterprise’s account', value: { holderCode: ENTERPRISE, password: 'Qd-huaxin-2026!' } } },
  postHoldersLogin: { request: { summary: 'An enterprise signs in', value: { holderCode: ENTERPRISE, password: 'Qd-huaxin-2026!' } } },
  postHoldersByHolderCodeAuthorisations: {
    request: {
      summary: 'The enterprise lets the bank read its business license to open an account',
      value: { grantee: { department: BANK }, purpose: 'bank-account-opening', type: 'business-license', fields: ['name', 'legalRepresentative', 'domicile'], validUntil: '2026-12-31' },
    },
  },
  postHoldersByHolderCodeAuthorisationsByIdRevoke: reason('The account is open', '开户手续已办结'),
  postSession: { request: { summary: 'Staff sign in', value: { username: 'samr-zhangwei', password: 'Jn-shichang-2026!' } } },
  postDepartmentsByCodePeople: { request: { summary: 'An issuing clerk', value: { role: 'issuer', name: '张伟', username: 'samr-zhangwei' } } },
  postPeopleByUsernameDisable: reason('Left the department', '工作调动'),
  postPeopleByUsernamePasswordReset: { request: { summary: 'No body fields', value: {} } },
  postHoldersByHolderCodePassword: { request: { summary: 'A new password', value: { currentPassword: 'Qd-huaxin-2026!', newPassword: 'Qd-huaxin-2027#' } } },
  postPeopleByUsernameEnable: { request: { summary: 'No body fields', value: {} } },
  postCatalog: { request: { summary: 'The tax office’s tax credit rating', value: { id: 'tax-credit-rating', ...RESOURCE } } },
  putCatalogById: { request: { summary: 'The resource, monthly from now on', value: { ...RESOURCE, updateCycle: 'monthly' } } },
  patchCatalogById: { request: { summary: 'Shared on conditions from now on', value: { sharingClass: 'conditional', conditions: '仅限税收征管、信用监管用途', conditionsEn: 'Only for tax administration and credit supervision' } } },
  postAgreements: {
    request: {
      summary: 'The tax office asks for business licenses',
      value: {
        resourceId: 'business-license',
        purpose: 'tax-administration',
        purposeDescription: '办理新办纳税人涉税事项时核验营业执照信息',
        legalBasis: '《中华人民共和国税收征收管理法》第十五条',
        fields: ['name', 'legalRepresentative', 'domicile', 'registeredCapital'],
        expectedDailyVolume: 2000,
        validUntil: '2027-12-31',
      },
    },
  },
  postAgreementsByIdDecision: { request: { summary: 'Approved with fewer fields', value: { decision: 'approve', reason: '注册资本不在共享范围内', fields: ['name', 'legalRepresentative', 'domicile'] } } },
  postAgreementsByIdAppeal: reason('Appeal a rejection', '该字段为办理涉税事项所必需，依据《税收征收管理法》第十五条'),
  postAgreementsByIdAppealDecision: { request: { summary: 'The rejection is overturned', value: { decision: 'approve', reason: '申请用途明确、依据充分，予以共享' } } },
  postAgreementsByIdRevoke: reason('Revoke an agreement', '使用部门超出约定用途使用数据'),
  postAgreementsByIdSuspend: reason('Suspend an agreement', '系统安全整改期间暂停共享'),
  postAgreementsByIdReinstate: reason('Reinstate an agreement', '安全整改已完成'),
  postAgreementsByIdComments: { request: { summary: 'A question to the owner', value: { body: '请问是否可以增加“经营范围”字段？' } } },
  postObjections: {
    request: {
      summary: 'The holder objects to its domicile',
      value: { licenseIdentifier: LICENSE, fields: ['domicile'], reason: '住所已于2026年10月变更，证照未同步更新', proposed: { domicile: '山东省青岛市城阳区正阳路188号' } },
    },
  },
  postObjectionsByIdDecision: { request: { summary: 'Accepted, with the corrected data', value: { decision: 'accept', reason: '经核实，住所信息有误，予以更正', data: { domicile: '山东省青岛市城阳区正阳路188号' } } } },
  postObjectionsByIdEscalation: reason('Escalate a rejected objection', '发证部门未说明不予更正的理由'),
  postExchangeLicensesBatch: { request: { summary: 'Two enterprises’ business licenses', value: { type: 'business-license', holders: [ENTERPRISE, OTHER_ENTERPRISE] } } },
  getExchangeLicensesByHolderCode: {
    response: {
      status: '200',
      summary: 'The fields the agreement grants',
      value: {
        holderCode: ENTERPRISE,
        type: 'business-license',
        identifier: LICENSE,
        version: 1,
        status: 'valid',
        credential: CREDENTIAL,
        fields: { name: '青岛华信农业发展有限公司', legalRepresentative: '夏强', domicile: '山东省青岛市城阳区文化路470号' },
        underObjection: false,
        purpose: 'tax-administration',
        basis: { kind: 'agreement', ids: ['agr-2026-000318'] },
        accessId: '01JDQ7X3K9V2M4N8P6R5T0W1YZ',
      },
    },
  },
  postSubscriptions: {
    request: { summary: 'Lifecycle events of business licenses', value: { resourceId: 'business-license', callbackUrl: 'https://tax.example.gov.cn/certbridge/events', purpose: 'tax-administration' } },
  },
  putDepartmentsByCodeWebhook: { request: { summary: 'The department’s endpoint', value: { url: 'https://tax.example.gov.cn/certbridge/notifications' } } },
  postLedgerPrices: { request: { summary: 'Two fen per record read from 2027', value: { resourceId: 'business-license', fenPerRecord: 2, validFrom: '2027-01-01', validUntil: null, reason: '依据省财政厅核定的数据服务收费标准' } } },
  postLedgerCorrections: {
    request: { summary: 'Reverse records billed twice', value: { debitDepartment: SAMR, creditDepartment: TAX, fen: 1200, reason: '2026年11月重复计费冲正', month: '2026-11', resourceId: 'business-license', records: 600 } },
  },
  postQualityReports: {
    request: { summary: 'What the tax office holds for an enterprise', value: { type: 'business-license', holderCode: ENTERPRISE, fields: { name: '青岛华信农业发展有限公司', legalRepresentative: '夏强' } } },
  },
  postQualityFindingsByIdConfirm: { request: { summary: 'No body fields', value: {} } },
  postQualityReportsDismissals: { request: { summary: 'Dismiss one department’s reports', value: { department: TAX, reason: '该部门报送数据为历史快照，已与其核对' } } },
  postQualityFindingsByIdNote: { request: { summary: 'Explain a duplicate', value: { note: '两户为同一法定代表人设立的不同企业，名称相同属正常情况' } } },
  postEvaluationWeights: {
    request: {
      summary: 'Weights from January 2027',
      value: {
        weights: { catalogPublished: 15, catalogOpenness: 10, requestsOnTime: 20, lookupsServed: 15, lookupsConsumed: 10, quality: 15, objectionsOnTime: 10, deliverySuccess: 5 },
        validFrom: '2027-01',
        reason: '依据《2027年度政务数据共享考核办法》调整指标权重',
      },
    },
  },
  postSessionPractice: { request: { summary: 'Practice mode on', value: { on: true } } },
  postSessionPracticeReset: { request: { summary: 'No body fields', value: {} } },
};
