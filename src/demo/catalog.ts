import { seedResources, type ResourceInput } from '../catalog/index.ts';
import type { Platform } from '../platform/platform.ts';

/** The credit codes of the demo departments that own resources. */
export interface DemoCatalogDepartments {
  tax: string;
  hrss: string;
  police: string;
}

type DemoResource = ResourceInput & { id: string; ownerDepartment: string };

/**
 * The demo province's datasets besides its license types (whose resources come from their
 * definitions): one resource of each sharing class from other departments.
 */
export function demoCatalog(d: DemoCatalogDepartments): DemoResource[] {
  return [
    {
      id: 'tax-credit-rating',
      ownerDepartment: d.tax,
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
    },
    {
      id: 'social-insurance-registration',
      ownerDepartment: d.hrss,
      title: '社会保险参保登记信息',
      titleEn: 'Social insurance registration',
      description: '用人单位的社会保险登记、参保人数与缴费状态。',
      descriptionEn: "Employers' social insurance registration, number of insured staff and contribution status.",
      dataset: 'social-insurance-registration',
      fields: [
        { name: 'creditCode', sensitivity: 'public', title: '统一社会信用代码', titleEn: 'Unified social credit code' },
        { name: 'registrationNumber', sensitivity: 'internal', title: '社会保险登记编号', titleEn: 'Registration number' },
        { name: 'insuredCount', sensitivity: 'internal', title: '参保人数', titleEn: 'Number of insured staff' },
        { name: 'contributionStatus', sensitivity: 'sensitive', title: '缴费状态', titleEn: 'Contribution status' },
      ],
      sharingClass: 'conditional',
      conditions: '仅限社会保险、税收征管与信用监管用途；不含个人参保明细。',
      conditionsEn: 'Only for social insurance, tax administration and credit supervision; no individual contribution details.',
      legalBasis: '《中华人民共和国社会保险法》；《政务数据共享条例》',
      updateCycle: 'monthly',
      accessModes: ['query'],
      serviceLevel: { availability: '99.5%', responseWorkingDays: 10 },
    },
    {
      id: 'household-registration',
      ownerDepartment: d.police,
      title: '户籍信息',
      titleEn: 'Household registration (hukou)',
      description: '居民户籍登记信息。涉及公民个人信息，不予整体共享；确需核验身份的，通过人口基础信息库按法定程序核验。',
      descriptionEn: "Residents' household registration. Personal information: not shared as such; identity checks go through the population base registry under statutory procedure.",
      dataset: 'household-registration',
      fields: [
        { name: 'citizenId', sensitivity: 'sensitive', title: '公民身份号码', titleEn: 'Citizen identity number' },
        { name: 'name', sensitivity: 'sensitive', title: '姓名', titleEn: 'Name' },
        { name: 'address', sensitivity: 'sensitive', title: '户籍地址', titleEn: 'Registered address' },
        { name: 'householdHead', sensitivity: 'sensitive', title: '户主', titleEn: 'Head of household' },
      ],
      sharingClass: 'not-shared',
      legalBasis: '《中华人民共和国个人信息保护法》；《中华人民共和国居民身份证法》；《中华人民共和国户口登记条例》',
      updateCycle: 'daily',
      accessModes: ['query'],
    },
  ];
}

/** Registers the demo datasets; resources already there are left as they are. */
export async function seedDemoCatalog(platform: Platform, departments: DemoCatalogDepartments): Promise<void> {
  await seedResources(platform, demoCatalog(departments), 'demo-seed');
}
