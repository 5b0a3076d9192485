import type { OperatorPrincipal } from '../platform/auth/principal.ts';
import { createClient, findDepartment, registerDepartment, type Department } from '../departments/index.ts';
import { issueMany } from '../licenses/index.ts';
import { SETTINGS } from '../platform/config.ts';
import type { Platform } from '../platform/platform.ts';
import { registerLicenseTypeResource } from '../catalog/index.ts';
import { authoriseIssuer, DEMO_PROVINCE, findLicenseType, generateCreditCode } from '../standards/index.ts';
import type { ClientPrincipal } from '../policy/index.ts';
import { seedDemoActivity } from './activity.ts';
import { seedDemoAgreements } from './sharing.ts';
import { seededRandom, syntheticEnterprises, syntheticFoodLicense } from './synthetic.ts';

/** The departments of S Province (the demo uses Shandong's division codes). */
export function demoDepartments(): (Department & { key: string; roles: string[]; system: string })[] {
  const random = seededRandom(370000);
  const gov = (key: string, name: string, nameEn: string, roles: string[], system: string) => ({
    key,
    code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: DEMO_PROVINCE.code, random }),
    name,
    nameEn,
    level: 'province' as const,
    region: DEMO_PROVINCE.code,
    roles,
    system,
  });
  return [
    gov('coordinator', '山东省大数据局', 'Shandong Big Data Bureau (coordination office)', ['coordinator'], '共享协调管理平台'),
    gov('samr', '山东省市场监督管理局', 'Shandong Administration for Market Regulation', ['issuer', 'consumer'], '市场主体登记系统'),
    gov('tax', '国家税务总局山东省税务局', 'Shandong Provincial Tax Service', ['consumer'], '金税系统'),
    gov('hrss', '山东省人力资源和社会保障厅', 'Shandong Department of Human Resources and Social Security', ['consumer'], '社会保险登记系统'),
    gov('police', '山东省公安厅', 'Shandong Public Security Department', ['consumer'], '公安业务系统'),
    gov('housing', '山东省住房和城乡建设厅', 'Shandong Department of Housing and Urban-Rural Development', ['consumer'], '建筑市场监管系统'),
    gov('health', '山东省卫生健康委员会', 'Shandong Health Commission', ['consumer'], '食品安全风险监测系统'),
    gov('education', '山东省教育厅', 'Shandong Department of Education', ['consumer'], '学校食堂监管系统'),
    {
      key: 'bank',
      code: generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100', random }),
      name: '中国工商银行股份有限公司山东省分行',
      nameEn: 'ICBC Shandong Branch',
      level: 'province' as const,
      region: DEMO_PROVINCE.code,
      roles: ['consumer'],
      system: '对公开户系统',
    },
  ];
}

/** Well-known demo credentials: printed at start, documented in the README. Demo only. */
export const demoSecret = (key: string) => `demo-${key}-secret`;
export const demoClientId = (key: string) => `demo-${key}`;

export interface DemoCredentials {
  department: string;
  roles: string[];
  clientId: string;
  clientSecret: string;
}

export function demoCredentials(): DemoCredentials[] {
  return demoDepartments().map((d) => ({ department: d.name, roles: d.roles, clientId: demoClientId(d.key), clientSecret: demoSecret(d.key) }));
}

/** The demo is set up as the operator of the installation would set it up. */
export const DEMO_OPERATOR: OperatorPrincipal = { kind: 'operator', name: 'demo-seed' };

/** The share of the demo's enterprises that also hold a food business license (食品经营许可证). */
const FOOD_LICENSE_EVERY = 5;

/**
 * Seeds S Province on an empty store: the coordination office, the market regulation
 * administration and the consuming departments with one system each, `enterprises` business
 * licenses and a food business license for every fifth enterprise. Returns false when the store
 * already has departments.
 */
export async function seedDemo(ctx: Platform, enterprises = 5000, onProgress: (done: number, total: number) => void = () => undefined): Promise<boolean> {
  const departments = demoDepartments();
  if (await findDepartment(ctx.store, departments[0].code)) return false;
  await ctx.store.transaction(async (tx) => {
    for (const department of departments) {
      const { key, roles, system, ...registration } = department;
      await registerDepartment({ store: tx }, DEMO_OPERATOR, registration);
      await createClient({ store: tx }, DEMO_OPERATOR, { departmentCode: department.code, name: system, roles, clientId: demoClientId(key), secret: demoSecret(key) });
    }
  });
  const samr = departments.find((d) => d.key === 'samr')!;
  // 市场监督管理部门 are the registration authorities of market entities (《市场主体登记管理条例》第五条)
  // and license food businesses (《食品经营许可和备案管理办法》第五条). The shipped type documents name
  // no issuer: the province authorises its own, and their catalog resources are its market regulator's.
  for (const [type, legalBasis] of [
    ['business-license', '《中华人民共和国市场主体登记管理条例》第五条'],
    ['food-business-license', '《食品经营许可和备案管理办法》第五条'],
  ] as const) {
    await authoriseIssuer(ctx, DEMO_OPERATOR, type, { department: samr.code, legalBasis, validFrom: '2020-01-01' });
    await registerLicenseTypeResource(ctx, findLicenseType(ctx, type)!, samr.code, 'demo-seed');
  }
  // The datasets of the catalog (tax unconditional, HRSS conditional, police not shared) and the agreements.
  await seedDemoAgreements(ctx, departments, demoClientId);
  const synthetic = [...syntheticEnterprises(enterprises)];
  const holders = synthetic.slice(0, 50).map((e) => e.creditCode);
  const food = synthetic.filter((_, i) => i % FOOD_LICENSE_EVERY === 0);
  const total = enterprises + food.length;
  await issueMany(
    ctx,
    DEMO_OPERATOR,
    { type: 'business-license', issuerCode: samr.code, items: synthetic.map((e) => ({ holderCode: e.creditCode, holderName: e.data.name, data: e.data })) },
    (done) => onProgress(done, total),
  );
  const foodRule = findLicenseType(ctx, 'food-business-license')!.number!;
  const random = seededRandom(20261205);
  await issueMany(
    ctx,
    DEMO_OPERATOR,
    { type: 'food-business-license', issuerCode: samr.code, items: food.map((e, i) => ({ holderCode: e.creditCode, data: syntheticFoodLicense(random, e, i + 1, foodRule) })) },
    (done) => onProgress(enterprises + done, total),
  );
  const principal = (key: string): ClientPrincipal => {
    const d = departments.find((x) => x.key === key)!;
    return { kind: 'client', clientId: demoClientId(key), departmentCode: d.code, roles: d.roles };
  };
  await seedDemoActivity(ctx, principal, holders);
  return true;
}

/** The demo names its province (Shandong, whose division codes it uses) unless the operator named one (a name other than the setting's fallback). */
export function withDemoProvince<C extends { provinceName: string; provinceNameEn: string }>(config: C): C {
  return {
    ...config,
    provinceName: config.provinceName === SETTINGS.provinceName.fallback({}) ? DEMO_PROVINCE.name : config.provinceName,
    provinceNameEn: config.provinceNameEn === SETTINGS.provinceNameEn.fallback({}) ? DEMO_PROVINCE.nameEn : config.provinceNameEn,
  };
}
