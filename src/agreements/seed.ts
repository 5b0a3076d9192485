import { seedDemoCatalog } from '../catalog/index.ts';
import type { ClientPrincipal } from '../policy/index.ts';
import { decideAgreement, submitAgreement, type SharingContext } from './agreements.ts';

/** A demo department as src/demo/seed.ts knows it. */
export interface DemoDepartment {
  key: string;
  code: string;
  roles: string[];
}

/**
 * The demo province's sharing: the catalog (src/catalog/seed.ts), an active agreement of human
 * resources and social security for the business license, and a request of housing awaiting
 * the market regulation administration's answer (so its inbox has something in it). The tax
 * bureau is left without one, to walk through asking for the business license itself.
 */
export async function seedDemoAgreements(ctx: SharingContext, departments: readonly DemoDepartment[], clientIdOf: (key: string) => string): Promise<void> {
  const principal = (key: string): ClientPrincipal => {
    const d = departments.find((x) => x.key === key);
    if (!d) throw new Error(`the demo has no department ${key}`);
    return { kind: 'client', clientId: clientIdOf(key), departmentCode: d.code, roles: d.roles };
  };
  const samr = principal('samr');
  await seedDemoCatalog(ctx, {
    samr: samr.departmentCode,
    tax: principal('tax').departmentCode,
    hrss: principal('hrss').departmentCode,
    police: principal('police').departmentCode,
  });
  const nextYearEnd = `${new Date().getUTCFullYear() + 1}-12-31`;
  const hrss = await submitAgreement(ctx, principal('hrss'), {
    resourceId: 'business-license',
    purpose: 'social-insurance',
    purposeDescription: '用人单位社会保险登记时核验营业执照信息，免于提交纸质复印件。',
    legalBasis: '《中华人民共和国社会保险法》第五十七条；《政务数据共享条例》',
    fields: ['name', 'entityType', 'legalRepresentative', 'domicile'],
    expectedDailyVolume: 2000,
    validUntil: nextYearEnd,
  });
  await decideAgreement(ctx, samr, hrss.id, { decision: 'approve', reason: '符合社会保险登记需要' });
  await submitAgreement(ctx, principal('housing'), {
    resourceId: 'business-license',
    purpose: 'housing-administration',
    purposeDescription: '建筑业企业资质审批中核验企业登记信息。',
    legalBasis: '《建筑业企业资质管理规定》；《政务数据共享条例》',
    fields: ['name', 'legalRepresentative', 'registeredCapital', 'businessScope'],
    expectedDailyVolume: 300,
    validUntil: nextYearEnd,
  });
}
