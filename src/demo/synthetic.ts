import { divisions, generateCreditCode, numberCheckCharacter, type NumberRule } from '../standards/index.ts';
import { ENTITY_TYPES } from './entityTypes.ts';

/** Deterministic pseudo-random numbers (mulberry32), so the demo province is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉建华春梅海燕雪梅志强国庆建国红梅晓东文博子涵欣怡浩然宇航思远'.split('');
const BRAND = ['华信', '鲁泰', '齐鲁', '泰山', '海岱', '金诺', '鑫源', '瑞丰', '恒通', '宏达', '盛世', '新元', '智汇', '东岳', '蓝海', '黄河', '鸿运', '众诚', '天成', '博远', '润德', '嘉禾', '佳和', '凯晟', '中科', '昌盛', '永安', '德胜', '福瑞', '汇丰'];
const INDUSTRIES = [
  { word: '科技', scope: '软件开发；信息技术咨询服务；信息系统集成服务；计算机软硬件及辅助设备零售。' },
  { word: '贸易', scope: '日用百货销售；五金产品批发；电子产品销售；货物进出口；技术进出口。' },
  { word: '建筑工程', scope: '建设工程施工；住宅室内装饰装修；建筑材料销售；园林绿化工程施工。' },
  { word: '餐饮管理', scope: '餐饮服务；食品销售；餐饮管理；外卖递送服务。' },
  { word: '农业发展', scope: '谷物种植；蔬菜种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务。' },
  { word: '物流', scope: '道路货物运输（不含危险货物）；普通货物仓储服务；国内货物运输代理。' },
  { word: '医药', scope: '药品零售；医疗器械销售；保健食品（预包装）销售。' },
  { word: '机械制造', scope: '通用设备制造（不含特种设备制造）；机械零件、零部件加工；金属制品销售。' },
  { word: '文化传媒', scope: '广告设计、代理；组织文化艺术交流活动；会议及展览服务。' },
  { word: '新能源', scope: '太阳能发电技术服务；光伏设备及元器件销售；储能技术服务。' },
];
/** Name endings by organisational form (组织形式). */
const SUFFIXES: [marker: string, suffix: string][] = [
  ['股份', '股份有限公司'],
  ['个人独资', '经营部'],
  ['合伙', '中心（有限合伙）'],
  ['个体工商户', '店'],
  ['合作社', '专业合作社'],
];
const ROADS = ['经十路', '泉城路', '解放路', '人民路', '和平路', '建设路', '文化路', '花园路', '胜利街', '黄河路', '长江路', '泰山路'];
const DISTRICTS: Record<string, string[]> = {
  '370100': ['历下区', '市中区', '槐荫区', '天桥区', '历城区'],
  '370200': ['市南区', '市北区', '黄岛区', '崂山区', '城阳区'],
};

export interface SyntheticEnterprise {
  creditCode: string;
  data: {
    name: string;
    entityType: string;
    legalRepresentative: string;
    registeredCapital: string;
    establishedOn: string;
    businessTermFrom: string;
    businessTermTo: string | null;
    domicile: string;
    businessScope: string;
    registrationAuthority: string;
    issuedOn: string;
  };
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A plausible market entity of the demo province: a valid credit code registered in one of its
 * cities, a name in the usual 城市+字号+行业+组织形式 pattern, and consistent dates.
 */
export function syntheticEnterprise(random: () => number, serial: number): SyntheticEnterprise {
  const city = pick(divisions.filter((d) => d.level === 'prefecture'), random);
  const entityType = pick(ENTITY_TYPES, random);
  const industry = pick(INDUSTRIES, random);
  const cityShort = city.name.replace(/市$/, '');
  const suffix = SUFFIXES.find(([marker]) => entityType.name.includes(marker))?.[1] ?? '有限公司';
  // A running number in some names keeps 5,000 synthetic names mostly distinct, as real ones are.
  const name = `${cityShort}${pick(BRAND, random)}${industry.word}${serial % 3 === 0 ? serial : ''}${suffix}`;
  const established = new Date(Date.UTC(1995 + Math.floor(random() * 31), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
  const established_ = isoDate(established);
  // About half the entities have a fixed business term; a few of those ended already.
  const termYears = random() < 0.5 ? 0 : pick([10, 20, 30], random);
  const termEnd = termYears ? isoDate(new Date(Date.UTC(established.getUTCFullYear() + termYears, established.getUTCMonth(), established.getUTCDate() - 1))) : null;
  const district = pick(DISTRICTS[city.code] ?? ['高新区', '经济开发区', '中心区'], random);
  return {
    creditCode: generateCreditCode({ registrationAuthority: '9', category: entityType.creditCategory, divisionCode: city.code, random }),
    data: {
      name,
      entityType: entityType.name,
      legalRepresentative: pick(SURNAMES, random) + pick(GIVEN, random) + (random() < 0.5 ? pick(GIVEN, random) : ''),
      registeredCapital: `${pick([10, 50, 100, 200, 300, 500, 1000, 2000, 5000], random)}万元人民币`,
      establishedOn: established_,
      businessTermFrom: established_,
      businessTermTo: termEnd,
      domicile: `山东省${city.name}${district}${pick(ROADS, random)}${1 + Math.floor(random() * 999)}号`,
      businessScope: `一般项目：${industry.scope}（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）`,
      registrationAuthority: `${city.name}市场监督管理局`,
      issuedOn: established_,
    },
  };
}

export function* syntheticEnterprises(count: number, seed = 20261126): Generator<SyntheticEnterprise> {
  const random = seededRandom(seed);
  const seen = new Set<string>();
  for (let i = 1; seen.size < count; i++) {
    const enterprise = syntheticEnterprise(random, i);
    if (seen.has(enterprise.creditCode)) continue;
    seen.add(enterprise.creditCode);
    yield enterprise;
  }
}

const FOOD_FORMS = [
  { digit: '1', form: '食品销售经营者', items: '预包装食品销售（含冷藏冷冻食品）；散装食品销售（不含散装熟食）' },
  { digit: '2', form: '餐饮服务经营者', items: '热食类食品制售；冷食类食品制售（不含冷加工糕点）' },
  { digit: '3', form: '单位食堂', items: '热食类食品制售（学校食堂）' },
];

/**
 * A food business license (食品经营许可证) for a synthetic enterprise: a number JY + 14 digits as
 * 《食品经营许可和备案管理办法》 art. 27 gives it (主体业态, the province and city of the enterprise's
 * credit code, a county, a sequence, the GB/T 17710 check digit), issued in the last four years.
 */
export function syntheticFoodLicense(random: () => number, enterprise: SyntheticEnterprise, serial: number, rule: Omit<NumberRule, 'field'>) {
  const form = enterprise.data.businessScope.includes('餐饮') ? FOOD_FORMS[1] : pick(FOOD_FORMS, random);
  const division = enterprise.creditCode.slice(2, 6);
  const body = `JY${form.digit}${division}${String(1 + Math.floor(random() * 20)).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
  const licenseNumber = body + numberCheckCharacter(rule, body);
  const issued = new Date(Date.now() - Math.floor(random() * 4 * 365) * 86_400_000);
  const city = divisions.find((d) => d.code === `${division}00`)?.name ?? '';
  return {
    operatorName: enterprise.data.name,
    legalRepresentative: enterprise.data.legalRepresentative,
    domicile: enterprise.data.domicile,
    premises: enterprise.data.domicile,
    businessForm: form.form,
    businessItems: form.items,
    licenseNumber,
    supervisoryAuthority: `${city}市场监督管理局`,
    supervisors: pick(SURNAMES, random) + pick(GIVEN, random) + '、' + pick(SURNAMES, random) + pick(GIVEN, random),
    complaintHotline: '12315',
    signedBy: pick(SURNAMES, random) + pick(GIVEN, random),
    issuedOn: isoDate(issued),
  };
}
