/**
 * The Chinese summary of every operation of the API, by operationId: added to the OpenAPI document
 * as `x-summary-zh` and shown as the operation's title on the Chinese reference page
 * (/api/reference/zh). Kept here, in one place, rather than in the route files; a test fails on an
 * operation without one and on an entry for an operation that no longer exists
 * (test/platform/apiReference.test.ts).
 */
export const SUMMARIES_ZH: Readonly<Record<string, string>> = {
  // 运行与运维
  getHealthLive: '进程存活检查',
  getHealthReady: '就绪检查（存储可用、迁移已执行、后台任务正常，否则返回 503）',
  getMetrics: '运行指标（Prometheus 文本格式，仅限本机或持指标令牌）',
  getBackup: '下载内置存储的一致性备份（gzip 压缩的 tar 包，限运维人员）',
  postOauthToken: '获取访问令牌（客户端凭证模式，HTTP Basic 认证）',

  // 部门与系统
  getDepartments: '查询平台上的部门列表',
  postDepartments: '登记部门（统筹协调部门）',
  getDepartmentsByCode: '查询部门详情',
  getDepartmentsByCodeClients: '查询部门的接入系统',
  postDepartmentsByCodeClients: '登记部门接入系统（统筹协调部门，密钥仅显示一次）',
  postDepartmentsByCodeClientsByClientIdDisable: '停用接入系统（其令牌在所有服务进程中立即失效）',
  postDepartmentsByCodeClientsByClientIdEnable: '重新启用已停用的接入系统',
  postDepartmentsByCodeClientsByClientIdRotateSecret: '重置接入系统密钥（新密钥仅显示一次，旧密钥及其令牌立即失效）',
  getClientsByClientId: '查询接入系统详情（含已停用的）',

  // 标准与证照类型
  getStandardsLicenseTypes: '查询证照类型及其标准版本',
  getStandardsLicenseTypesByKey: '查询证照类型的数据结构和元数据规范（GB/T 36903）',
  getStandardsDivisions: '查询本省行政区划代码（GB/T 2260）',
  getStandardsHolderCodeTypes: '查询持证主体代码类型（001 统一社会信用代码、111 居民身份证号码）',
  getStandardsLicenseTypesByTypeIssuers: '查询证照类型的发证机关名录及法定依据（公开）',
  postStandardsLicenseTypesByTypeIssuers: '授权部门颁发某类证照（统筹协调部门，记入审计日志）',
  postStandardsLicenseTypesByTypeIssuersByDepartmentWithdraw: '终止部门的发证授权（此前颁发的证照继续有效）',
  getLicenseTypesDefinitionSchema: '查询证照类型定义的 JSON Schema',
  getLicenseTypes: '查询平台提供的证照类型（各类型最新发布版本，公开）',
  postLicenseTypes: '起草证照类型版本（统筹协调部门）',
  postLicenseTypesByKeyVersionsByVersionPublish: '发布证照类型版本（统筹协调部门）',
  getLicenseTypesByKey: '查询证照类型的现行定义及版本历史',
  getLicenseTypesByKeyVersionsByVersion: '查询证照类型的某一版本',
  getLicenseTypesByKeyNumbersByNumber: '按类型规则校验证照编号（不颁发，公开，限流）',

  // 消息
  getInbox: '查询本部门消息（按时间倒序）',
  postInboxByIdRead: '标记消息已读',

  // 证照
  postLicensesImports: '批量导入证照文件（CSV、JSON、NDJSON、XML，后台处理）',
  getLicensesImports: '查询导入任务列表',
  getLicensesImportsById: '查询导入任务进度和结果',
  getLicensesImportsByIdRejectedCsv: '下载导入的退回明细（CSV）',
  postLicenses: '颁发证照',
  getLicenses: '查询证照目录（按颁发日期倒序）',
  getHoldersByHolderCodeLicenses: '我的证照：查询持证主体持有的证照',
  getLicensesByIdentifier: '查询证照当前版本及状态',
  getLicensesByIdentifierPrintPdf: '打印证照（A4 版式 PDF，含二维码和核验码）',
  getLicensesByIdentifierVersions: '查询证照的全部版本',
  getLicensesByIdentifierEvents: '查询证照的生命周期事件',
  postLicensesByIdentifierAmend: '变更证照（生成新的签名版本）',
  postLicensesByIdentifierSuspend: '暂停证照（如歇业）',
  postLicensesByIdentifierReinstate: '恢复已暂停的证照',
  postLicensesByIdentifierRevoke: '吊销证照',
  postLicensesByIdentifierCancel: '注销证照',
  getLicensesByIdentifierQrPng: '获取证照核验二维码（PNG）',
  getLicensesByIdentifierQrSvg: '获取证照核验二维码（SVG）',

  // 核验与密钥
  postVerify: '核验证照凭证（公开，无需账号）',
  getVerifyByIdentifier: '按证照标识核验证照（扫码核验，公开，无需账号）',
  getVerifyHoldersByCreditCode: '按统一社会信用代码查询主体现行证照的核验结论（公开，只含状态，不含证照内容）',
  getStatusListsById: '获取证照状态列表令牌',
  getWellKnownJwksJson: '获取发证机关、状态列表和事件推送的公钥（JWKS）',
  getWellKnownJwtVcIssuer: '获取 SD-JWT VC 签发方元数据',
  postKeysRotate: '轮换签名密钥（统筹协调部门）',

  // 持证主体与授权
  postHoldersAccounts: '开设持证主体账号',
  postHoldersLogin: '持证主体登录，获取短期访问令牌',
  postHoldersByHolderCodeAuthorisations: '持证主体授权部门或系统查询其证照',
  getHoldersByHolderCodeAuthorisations: '查询持证主体的授权记录',
  getHoldersByHolderCodeAuthorisationsById: '查询授权详情',
  deleteHoldersByHolderCodeAuthorisationsById: '撤销授权',
  postHoldersByHolderCodeAuthorisationsByIdRevoke: '持证主体撤销授权（立即停止共享）',

  // 会话与人员
  postSession: '登录（工作人员用用户名，企业用统一社会信用代码）',
  getSession: '查询当前登录信息及 CSRF 令牌',
  deleteSession: '退出登录',
  getSessionOptions: '查询可用的登录方式',
  getSessionOidc: '通过统一身份认证（OpenID Connect）登录',
  getSessionOidcCallback: '统一身份认证登录回调',
  postDepartmentsByCodePeople: '开设部门工作人员账号（初始密码仅显示一次）',
  getDepartmentsByCodePeople: '查询部门工作人员账号',
  getPeopleByUsername: '查询工作人员账号详情',
  postPeopleByUsernameDisable: '停用工作人员账号',
  postPeopleByUsernamePasswordReset: '重置工作人员密码（新密码仅显示一次）',
  postHoldersByHolderCodePassword: '持证主体修改密码',
  postPeopleByUsernameEnable: '重新启用工作人员账号',

  // 资源目录
  getCatalog: '检索政务数据资源目录',
  postCatalog: '登记本部门数据资源',
  getCatalogJsonld: '以 DCAT-AP JSON-LD 格式导出资源目录',
  getCatalogById: '查询数据资源详情',
  putCatalogById: '更新数据资源（整体替换，生成新版本）',
  patchCatalogById: '修改数据资源的部分属性（生成新版本）',
  getCatalogByIdVersions: '查询数据资源的全部版本',
  getPurposes: '查询共享用途代码表',

  // 共享申请
  postAgreements: '提出共享申请',
  getAgreements: '查询共享申请和协议',
  getAgreementsStatistics: '共享情况统计（统筹协调部门）',
  getAgreementsById: '查询共享协议详情及办理记录',
  postAgreementsByIdDecision: '审核共享申请（同意或不同意）',
  postAgreementsByIdAppeal: '对不予共享提出申诉',
  postAgreementsByIdAppealDecision: '统筹协调部门对申诉作出最终决定',
  postAgreementsByIdRevoke: '撤销共享协议（立即停止共享）',
  postAgreementsByIdSuspend: '暂停共享协议',
  postAgreementsByIdReinstate: '恢复已暂停的共享协议',
  getAgreementsByIdComments: '查询共享申请的留言',
  postAgreementsByIdComments: '发表留言（通知其他相关方）',

  // 数据异议
  postObjections: '对证照数据提出异议',
  getObjections: '查询数据异议（按办理期限排序）',
  getObjectionsById: '查询数据异议详情、证明材料和办理记录',
  postObjectionsByIdDecision: '答复数据异议',
  postObjectionsByIdEscalation: '将未被采纳的异议提交统筹协调部门',
  getObjectionsByIdEvidenceByN: '下载异议证明材料',
  postObjectionsByIdEvidence: '上传异议证明材料（不超过 5 MiB）',

  // 共享交换
  getExchangeLicensesByHolderCode: '按统一社会信用代码查询证照（按授权字段）',
  postExchangeLicensesBatch: '批量查询证照（最多 1000 个主体，按授权字段）',
  getExchangeUsage: '证照调用量统计（按日、部门、证照类型）',

  // 订阅与推送
  postSubscriptions: '订阅证照变动事件',
  getSubscriptions: '查询本部门的订阅',
  getSubscriptionsById: '查询订阅详情',
  deleteSubscriptionsById: '取消订阅',
  getSubscriptionsByIdDeliveries: '查询订阅的推送记录',
  getSubscriptionsByIdDeliveriesByDeliveryId: '查询推送详情及每次尝试',
  postSubscriptionsByIdDeliveriesByDeliveryIdRedeliver: '重新推送',
  putDepartmentsByCodeWebhook: '设置部门消息推送地址',
  getDepartmentsByCodeWebhook: '查询部门消息推送地址',
  deleteDepartmentsByCodeWebhook: '删除部门消息推送地址',
  getDepartmentsByCodeWebhookDeliveries: '查询部门消息的推送记录',
  getDepartmentsByCodeWebhookDeliveriesByDeliveryId: '查询部门消息推送详情',
  postDepartmentsByCodeWebhookDeliveriesByDeliveryIdRedeliver: '重新推送部门消息',

  // 结算
  postLedgerPrices: '设定数据资源的调用单价（统筹协调部门）',
  getLedgerPrices: '查询调用单价历史',
  postLedgerCorrections: '录入调账凭证（统筹协调部门）',
  getLedgerStatements: '查询部门月度对账单',

  // 数据质量
  postQualityReports: '报送使用部门掌握的主体数据（跨部门一致性核查）',
  getQualityScores: '查询月度数据质量评分',
  getQualityFindings: '查询数据质量问题',
  postQualityFindingsByIdConfirm: '确认疑似数据质量问题（发证部门）',
  postQualityReportsDismissals: '一次性驳回某部门报送引起的问题（发证部门）',
  getQualityReporters: '查询报送部门及其报送情况（统筹协调部门）',
  postQualityFindingsByIdNote: '对数据质量问题作出说明（发证部门）',

  // 考核与报告
  getEvaluationScoreboard: '查询月度考核排名',
  getEvaluationTrend: '查询近几个月的考核得分和排名',
  getEvaluationWeights: '查询考核指标权重',
  postEvaluationWeights: '设定考核指标权重（统筹协调部门）',
  getReportsMonthly: '下载月度报告（PDF 或 CSV）',

  // 审计日志
  getAuditTreeHead: '获取审计日志最新签名树头（公开，无需账号）',
  getAuditCheckpoint: '获取审计日志最新检查点（公开，无需账号）',
  getAuditVerifierKey: '获取审计日志验证公钥（公开）',
  getAuditTileByPath: '获取审计日志瓦片（tlog-tiles）',
  getAuditTreeHeads: '查询审计日志签名树头（公开，无需账号）',
  getAuditEntriesByIndex: '查询审计日志条目',
  getAuditEntries: '检索审计日志（统筹协调部门）',
  getAuditProofsInclusion: '获取审计日志包含证明（RFC 9162）',
  getAuditProofsConsistency: '获取审计日志一致性证明（RFC 9162）',
  getAuditAlerts: '查询异常访问预警',
  getHoldersByHolderCodeAccessLog: '数据使用记录：查询谁使用了本主体的数据',

  // 练习模式
  getSessionPractice: '查询练习模式状态',
  postSessionPractice: '开启或关闭练习模式',
  postSessionPracticeReset: '重置练习数据',
};
