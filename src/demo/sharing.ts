import { decideAgreement, submitAgreement, type SharingContext } from '../agreements/index.ts';
import type { Platform } from '../platform/platform.ts';
import type { ClientPrincipal } from '../policy/index.ts';
import { seedDemoCatalog } from './catalog.ts';

/** A demo department as src/demo/seed.ts knows it. */
export interface DemoDepartment {
  key: string;
  code: string;
  roles: string[];
}

/**
 * The demo province's sharing: the datasets of the catalog (./catalog.ts; the license types' own
 * resources come from their definitions), an active agreement of human resources and social
 * security for the business license, and a request of housing awaiting the market regulation
 * administration's answer (so its inbox has something in it); the health commission and the
 * education department receive food business licenses under agreements. The tax bureau is left
 * without one, to walk through asking for the business license itself.
 */
export async function seedDemoAgreements(ctx: Platform & SharingContext, departments: readonly DemoDepartment[], clientIdOf: (key: string) => string): Promise<void> {
  const principal = (key: string): ClientPrincipal => {
    const d = departments.find((x) => x.key === key);
    if (!d) throw new Error(`the demo has no department ${key}`);
    return { kind: 'client', clientId: clientIdOf(key), departmentCode: d.code, roles: d.roles };
  };
  const samr = principal('samr');
  await seedDemoCatalog(ctx, {
    tax: principal('tax').departmentCode,
    hrss: principal('hrss').departmentCode,
    police: principal('police').departmentCode,
  });
  const nextYearEnd = `${new Date().getUTCFullYear() + 1}-12-31`;
  const approve = async (key: string, request: Parameters<typeof submitAgreement>[2], reason: string) => {
    const submitted = await submitAgreement(ctx, principal(key), request);
    if (submitted.status === 'submitted') await decideAgreement(ctx, samr, submitted.id, { decision: 'approve', reason });
  };
  await approve(
    'hrss',
    {
      resourceId: 'business-license',
      purpose: 'social-insurance',
      purposeDescription: '用人单位社会保险登记时核验营业执照信息，免于提交纸质复印件。',
      legalBasis: '《中华人民共和国社会保险法》第五十七条；《政务数据共享条例》',
      fields: ['name', 'entityType', 'legalRepresentative', 'domicile'],
      expectedDailyVolume: 2000,
      validUntil: nextYearEnd,
    },
    '符合社会保险登记需要',
  );
  await submitAgreement(ctx, principal('housing'), {
    resourceId: 'business-license',
    purpose: 'housing-administration',
    purposeDescription: '建筑业企业资质审批中核验企业登记信息。',
    legalBasis: '《建筑业企业资质管理规定》；《政务数据共享条例》',
    fields: ['name', 'legalRepresentative', 'registeredCapital', 'businessScope'],
    expectedDailyVolume: 300,
    validUntil: nextYearEnd,
  });
  await approve(
    'health',
    {
      resourceId: 'food-business-license',
      purpose: 'food-safety',
      purposeDescription: '食源性疾病流行病学调查和食品安全风险监测中核验食品经营者的许可信息，免于向经营者索要纸质许可证。',
      legalBasis: '《中华人民共和国食品安全法》第十四条、第一百零五条；《政务数据共享条例》',
      fields: ['operatorName', 'licenseNumber', 'businessForm', 'premises', 'businessItems', 'validThrough', 'legalRepresentative'],
      expectedDailyVolume: 500,
      validUntil: nextYearEnd,
    },
    '符合食品安全风险监测需要',
  );
  await approve(
    'education',
    {
      resourceId: 'food-business-license',
      purpose: 'school-food-safety',
      purposeDescription: '核验学校食堂和校外供餐单位的食品经营许可证（单位食堂、餐饮服务），落实学校食品安全校长（园长）负责制。',
      legalBasis: '《学校食品安全与营养健康管理规定》第十三条、第四十条；《政务数据共享条例》',
      fields: ['operatorName', 'licenseNumber', 'businessForm', 'premises', 'businessItems', 'validThrough'],
      expectedDailyVolume: 200,
      validUntil: nextYearEnd,
    },
    '符合学校食堂食品安全管理需要',
  );
}
