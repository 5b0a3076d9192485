/**
 * Seeds a practice copy: its three departments (the person's own, named after their real one, and
 * two partners), the copy's issuer authorised for the practised license type, synthetic enterprises with
 * licenses (and some without, to issue to), two catalog resources of the issuer and a request of
 * the consumer awaiting the issuer's answer. Everything goes through the capabilities' facades, as
 * the operator of the installation or the copy's own systems would do it — in the practice range.
 * A coordination office's copy has the request refused and appealed, for the office to decide.
 */
import { appealAgreement, decideAgreement, submitAgreement } from '../agreements/index.ts';
import { registerResource, type CatalogField } from '../catalog/index.ts';
import { findDepartment, registerDepartment } from '../departments/index.ts';
import { issueMany } from '../licenses/index.ts';
import type { ClientPrincipal, OperatorPrincipal } from '../platform/auth/principal.ts';
import type { Platform } from '../platform/platform.ts';
import { authoriseIssuer, findLicenseType } from '../standards/index.ts';
import { codeDivision, departmentCode, enterpriseCode, SLOTS, type CopyRole, type Slot } from './codes.ts';

/**
 * What practice copies are made of (given by the composition root from the demo: a capability does
 * not import the demo): the license type practised on, synthetic holders with their license data,
 * and the fields the copy's consumer asks for.
 */
export interface PracticeKit {
  licenseType: string;
  /** A synthetic holder: its credit code (whose third character the copy keeps), and data named as practice (练习), issued by `issuerName`. */
  enterprise: (random: () => number, serial: number, issuerName: string) => { creditCode: string; name: string; data: Record<string, unknown> };
  requestedFields: readonly string[];
}

export interface PracticeEnterprise {
  holderCode: string;
  name: string;
  /** Whether the copy was seeded with a license of it (the others are there to issue to). */
  seededLicense: boolean;
}

export interface SeededCopy {
  departments: string[];
  enterprises: PracticeEnterprise[];
}

const SEEDER: OperatorPrincipal = { kind: 'operator', name: 'practice-seed' };
const LICENSED = 12;
const UNLICENSED = 8;

/** Deterministic per copy (mulberry32), like the demo's. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTNER_NAMES: Record<Slot, { name: string; nameEn: string }> = {
  issuer: { name: '练习·市场监督管理局', nameEn: 'Practice: Administration for Market Regulation' },
  consumer: { name: '练习·税务局', nameEn: 'Practice: Tax Service' },
  coordinator: { name: '练习·大数据局（协调办）', nameEn: 'Practice: Big Data Bureau (coordination office)' },
};

const REPORT_FIELDS: CatalogField[] = [
  { name: 'creditCode', sensitivity: 'public', title: '统一社会信用代码', titleEn: 'Unified social credit code' },
  { name: 'reportYear', sensitivity: 'public', title: '年报年度', titleEn: 'Report year' },
  { name: 'employees', sensitivity: 'internal', title: '从业人数', titleEn: 'Employees' },
  { name: 'revenue', sensitivity: 'sensitive', title: '营业总收入', titleEn: 'Total revenue' },
];

/** The catalog ids of a copy's resources (unique across copies: they carry the serial). */
export const resourceIds = (serial: number, licenseType: string) => ({ licenses: `practice-${serial}-${licenseType}`.slice(0, 64), reports: `practice-${serial}-annual-report` });

/** Seeds copy `serial` for a person of `role` in the real department `real` (an enterprise's: all three departments are partners, in its province). */
export async function seedCopy(platform: Platform, kit: PracticeKit, serial: number, role: CopyRole, real: { code: string; name: string; nameEn: string; region: string }): Promise<SeededCopy> {
  const division = codeDivision(real.region);
  const region = /^\d{6}$/.test(real.region) ? real.region : '370000';
  const codes = Object.fromEntries(SLOTS.map((slot) => [slot, departmentCode(serial, slot, division)])) as Record<Slot, string>;
  for (const slot of SLOTS) {
    if (await findDepartment(platform.store, codes[slot])) continue;
    const names = slot === role ? { name: `${real.name}（练习）`, nameEn: `${real.nameEn} (practice)` } : PARTNER_NAMES[slot];
    await registerDepartment(platform, SEEDER, { code: codes[slot], ...names, level: 'province', region });
  }
  const system = (slot: Slot): ClientPrincipal => ({ kind: 'client', clientId: 'practice-seed', departmentCode: codes[slot], roles: [slot] });
  await authoriseIssuer(platform, SEEDER, kit.licenseType, { department: codes.issuer, legalBasis: '练习模式：非真实授权 (practice mode: not a real authorisation)', validFrom: '2020-01-01' });

  const random = seededRandom(serial * 7919 + 17);
  const issuerName = role === 'issuer' ? `${real.name}（练习）` : PARTNER_NAMES.issuer.name;
  const enterprises: (PracticeEnterprise & { data: Record<string, unknown> })[] = [];
  for (let n = 0; n < LICENSED + UNLICENSED; n++) {
    const made = kit.enterprise(random, n + 1, issuerName);
    const holderCode = enterpriseCode(serial, n, made.creditCode[1], division);
    enterprises.push({ holderCode, name: made.name, seededLicense: n < LICENSED, data: made.data });
  }
  await issueMany(platform, SEEDER, {
    type: kit.licenseType,
    issuerCode: codes.issuer,
    items: enterprises.filter((e) => e.seededLicense).map((e) => ({ holderCode: e.holderCode, holderName: e.name, data: e.data })),
  });

  const ids = resourceIds(serial, kit.licenseType);
  const standard = findLicenseType(platform, kit.licenseType)!;
  const licenseFields: CatalogField[] = Object.entries(standard.dataSchema.properties).map(([name, schema]) => ({
    name,
    sensitivity: standard.publicFields.includes(name) ? 'public' : 'internal',
    title: schema.title,
    titleEn: schema['x-title-en'],
  }));
  const common = { sharingClass: 'conditional' as const, updateCycle: 'realtime', accessModes: ['query' as const], serviceLevel: { responseWorkingDays: 10 } };
  await registerResource(platform, system('issuer'), {
    ...common,
    id: ids.licenses,
    ownerDepartment: codes.issuer,
    title: `${standard.name}信息（练习）`,
    titleEn: `${standard.nameEn} particulars (practice)`,
    description: `练习数据：合成的${standard.name}信息，非真实。`,
    descriptionEn: `Practice data: synthetic ${standard.nameEn} particulars, not real.`,
    dataset: `practice-${kit.licenseType}`.slice(0, 64),
    fields: licenseFields,
    conditions: '仅限练习。',
    conditionsEn: 'Practice only.',
    legalBasis: '练习模式（非真实法律依据） / practice mode (not a real legal basis)',
  });
  await registerResource(platform, system('issuer'), {
    ...common,
    id: ids.reports,
    ownerDepartment: codes.issuer,
    title: '企业年度报告（练习）',
    titleEn: 'Annual reports of enterprises (practice)',
    description: '练习数据：合成的企业年报信息，非真实。',
    descriptionEn: 'Practice data: synthetic annual reports, not real.',
    dataset: 'practice-annual-report',
    fields: REPORT_FIELDS,
    conditions: '仅限练习。',
    conditionsEn: 'Practice only.',
    legalBasis: '练习模式（非真实法律依据） / practice mode (not a real legal basis)',
  });

  const validUntil = `${new Date().getUTCFullYear() + 1}-12-31`;
  // A request awaiting the issuer's answer (the issuer's queue); the annual reports are left for the consumer to ask for.
  const request = await submitAgreement(platform, system('consumer'), {
    resourceId: ids.licenses,
    purpose: 'tax-administration',
    purposeDescription: `练习：办理税务登记时核验${standard.name}信息，免于提交纸质复印件。`,
    legalBasis: '练习模式（非真实法律依据）',
    fields: [...kit.requestedFields],
    expectedDailyVolume: 200,
    validUntil,
  });
  // A coordination office's copy: the request was refused and the consumer appealed (the office's queue, 升级与申诉).
  if (role === 'coordinator') {
    await decideAgreement(platform, system('issuer'), request.id, { decision: 'reject', reason: '练习：所列字段超出办理税务登记所需。' });
    await appealAgreement(platform, system('consumer'), request.id, `练习：办理税务登记须核验${standard.name}的名称和法定代表人，请协调办裁决。`);
  }
  return { departments: SLOTS.map((s) => codes[s]), enterprises: enterprises.map(({ holderCode, name, seededLicense }) => ({ holderCode, name, seededLicense })) };
}
