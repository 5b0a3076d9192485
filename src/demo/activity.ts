/**
 * A month of activity in the demo province, so that a newcomer's console shows the evaluation, the
 * ledger, quality and objections with something in them — made through the facades, as the
 * departments' systems would: the coordination office prices the business license; the tax bureau
 * gets an agreement; tax and social security look licenses up; the tax bureau reports a name that
 * differs from the license (a consistency finding for the issuer) and objects to it (an open
 * objection in the issuer's queue, the license marked `underObjection` to its consumers).
 */
import { decideAgreement, submitAgreement } from '../agreements/index.ts';
import { exchangeRuntime, lookupBatch, present } from '../exchange/index.ts';
import { setPrice } from '../ledger/index.ts';
import { findCurrentLicense } from '../licenses/index.ts';
import { submitObjection } from '../objections/index.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import type { Platform } from '../platform/platform.ts';
import type { ClientPrincipal } from '../policy/index.ts';
import { reportHeldValues } from '../quality/index.ts';

export async function seedDemoActivity(
  platform: Platform,
  principal: (key: string) => ClientPrincipal,
  holders: readonly string[],
): Promise<void> {
  const type = 'business-license';
  await setPrice(platform, principal('coordinator'), {
    resourceId: 'business-license',
    fenPerRecord: 10,
    validFrom: `${chinaDate().slice(0, 4)}-01-01`,
    reason: '演示：年度共享补偿标准，每条 0.10 元（Demo: 0.10 yuan per record read）',
  });
  const tax = principal('tax');
  const request = await submitAgreement(platform, tax, {
    resourceId: 'business-license',
    purpose: 'tax-administration',
    purposeDescription: '纳税人登记及税务管理中核验营业执照信息，免于提交纸质复印件。',
    legalBasis: '《中华人民共和国税收征收管理法》第十五条；《政务数据共享条例》',
    fields: ['name', 'legalRepresentative', 'registeredCapital', 'domicile'],
    expectedDailyVolume: 5000,
    validUntil: `${Number(chinaDate().slice(0, 4)) + 1}-12-31`,
  });
  await decideAgreement(platform, principal('samr'), request.id, { decision: 'approve', reason: '符合税务登记需要' });
  const rt = exchangeRuntime(platform);
  await lookupBatch(rt, tax, { type, holders: holders.slice(0, 40), purpose: 'tax-administration' });
  await lookupBatch(rt, principal('hrss'), { type, holders: holders.slice(-25), purpose: 'social-insurance' });

  // The tax bureau holds another name for one enterprise: it reports it, and objects to the license.
  const disputed = holders[3];
  const license = await findCurrentLicense(platform.store, type, disputed);
  if (!license) return;
  const heldName = `${String(present(license, ['name']).fields.name)}（分公司）`;
  await reportHeldValues(platform, tax, { type, holderCode: disputed, fields: { name: heldName } });
  await submitObjection(platform, tax, {
    licenseIdentifier: license.identifier,
    fields: ['name'],
    reason: '税务登记信息中该企业名称与营业执照不一致，请核实。',
    evidence: '纳税人登记表（演示）',
    proposed: { name: heldName },
  });
}
