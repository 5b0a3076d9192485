import type { CatalogContext, ResourceInput } from './catalog.ts';
import { createResource } from './catalog.ts';

/** The credit codes of the demo departments that own resources. */
export interface DemoCatalogDepartments {
  samr: string;
  tax: string;
  hrss: string;
  police: string;
}

type DemoResource = ResourceInput & { id: string; ownerDepartment: string };

/**
 * The demo province's catalog: the business license as a conditional resource of the market
 * regulation administration, and one resource of each sharing class from other departments.
 */
export function demoCatalog(d: DemoCatalogDepartments): DemoResource[] {
  return [
    {
      id: 'business-license',
      ownerDepartment: d.samr,
      title: '营业执照（电子营业执照）',
      titleEn: 'Business license (electronic)',
      description: '市场主体登记的营业执照登记事项，以发证机关签名的电子证照提供，按共享协议授予的字段披露。',
      descriptionEn: 'The registered particulars of market entities, served as issuer-signed electronic licenses disclosing only the fields an agreement grants.',
      licenseType: 'business-license',
      fields: [
        { name: 'name', sensitivity: 'public' },
        { name: 'entityType', sensitivity: 'public' },
        { name: 'legalRepresentative', sensitivity: 'internal' },
        { name: 'registeredCapital', sensitivity: 'public' },
        { name: 'establishedOn', sensitivity: 'public' },
        { name: 'businessTermFrom', sensitivity: 'public' },
        { name: 'businessTermTo', sensitivity: 'public' },
        { name: 'domicile', sensitivity: 'internal' },
        { name: 'businessScope', sensitivity: 'public' },
        { name: 'registrationAuthority', sensitivity: 'public' },
        { name: 'issuedOn', sensitivity: 'public' },
      ],
      sharingClass: 'conditional',
      conditions:
        '仅限申请部门依法履行职责所需；只使用协议授予的字段，用于协议载明的用途；不得向第三方提供。 / Only for the statutory duties of the requesting department; only the granted fields, only for the stated purpose; no onward sharing.',
      legalBasis: '《政务数据共享条例》；《中华人民共和国市场主体登记管理条例》',
      updateCycle: 'realtime',
      accessModes: ['query', 'subscription', 'bulk'],
      serviceLevel: { availability: '99.9%', responseWorkingDays: 10, maxBatchSize: 1000 },
    },
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
      conditions: '仅限社会保险、税收征管与信用监管用途；不含个人参保明细。 / For social insurance, tax administration and credit supervision only; no individual records.',
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

/** Registers the demo catalog; resources already there are left as they are. */
export async function seedDemoCatalog(ctx: CatalogContext, departments: DemoCatalogDepartments): Promise<void> {
  for (const resource of demoCatalog(departments)) {
    const exists = await ctx.store.query('select 1 from catalog_resources where id = $1', [resource.id]);
    if (exists.rowCount === 0) await createResource(ctx, resource, 'demo-seed');
  }
}
