// 企业类型 / 主体类型 as printed on business licenses: the demo's synthetic enterprises and tests draw from these.

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
