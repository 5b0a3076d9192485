/**
 * The controlled list of purposes (共享用途) a department may ask for data for. ASCII codes, so
 * a purpose travels in a header (X-Purpose) and can be counted; each agreement binds one purpose.
 */
export interface Purpose {
  code: string;
  name: string;
  nameEn: string;
}

export const PURPOSES: readonly Purpose[] = [
  { code: 'tax-administration', name: '税收征管', nameEn: 'Tax administration' },
  { code: 'social-insurance', name: '社会保险经办', nameEn: 'Social insurance administration' },
  { code: 'public-security', name: '公安管理', nameEn: 'Public security administration' },
  { code: 'housing-administration', name: '住房和城乡建设管理', nameEn: 'Housing and construction administration' },
  { code: 'real-estate-registration', name: '不动产登记', nameEn: 'Real estate registration' },
  { code: 'judicial-proceedings', name: '司法审判与执行', nameEn: 'Judicial proceedings and enforcement' },
  { code: 'bank-account-opening', name: '银行开户审核', nameEn: 'Bank account opening (customer due diligence)' },
  { code: 'credit-supervision', name: '信用监管', nameEn: 'Credit supervision' },
  { code: 'government-procurement', name: '政府采购', nameEn: 'Government procurement' },
  { code: 'public-resource-trading', name: '公共资源交易', nameEn: 'Public resource trading' },
  { code: 'market-supervision', name: '市场监管', nameEn: 'Market supervision' },
  { code: 'administrative-licensing', name: '行政许可审批', nameEn: 'Administrative licensing' },
  { code: 'enterprise-subsidies', name: '惠企政策兑现', nameEn: 'Business support and subsidies' },
  { code: 'customs-clearance', name: '海关通关', nameEn: 'Customs clearance' },
  { code: 'financial-supervision', name: '金融监管', nameEn: 'Financial supervision' },
  { code: 'statistics', name: '统计调查', nameEn: 'Statistical surveys' },
  { code: 'integrated-online-services', name: '一网通办', nameEn: 'Integrated online government services' },
  { code: 'food-safety', name: '食品安全风险监测与卫生监督', nameEn: 'Food safety risk monitoring and health supervision' },
  { code: 'school-food-safety', name: '学校食堂食品安全管理', nameEn: 'Food safety of school canteens' },
];

const byCode = new Map(PURPOSES.map((p) => [p.code, p]));

/** Whether `code` is a purpose code of GET /api/v1/purposes. */
export const isPurpose = (code: string): boolean => findPurpose(code) !== undefined;

export function findPurpose(code: string): Purpose | undefined {
  return byCode.get(code);
}
