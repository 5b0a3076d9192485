import { expect } from 'vitest';
import { createClient, registerDepartment, type Department } from '../../src/departments/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { TEST_SEED } from '../support/seed.ts';
import { generateCreditCode } from '../../src/standards/index.ts';
import { api, type TestClient, type TestPlatform, OPERATOR } from '../support/platform.ts';

const random = seededRandom(TEST_SEED + 7);

/** Another department with a system of the given roles (tests need more parties than startTestPlatform gives). */
export async function addDepartment(t: TestPlatform, name: string, nameEn: string, roles: string[]): Promise<TestClient> {
  const department: Department = {
    code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random }),
    name,
    nameEn,
    level: 'province',
    region: '370000',
  };
  await registerDepartment(t.platform, OPERATOR, department);
  const client = await createClient(t.platform, OPERATOR, { departmentCode: department.code, roles });
  const { accessToken } = await t.platform.tokens.issue(client);
  return { clientId: client.clientId, clientSecret: client.clientSecret, department, token: accessToken };
}

/** The business license as a catalog resource (what the demo seeds), for `POST /api/v1/catalog`. */
export function businessLicenseResource(overrides: Record<string, unknown> = {}) {
  return {
    title: '营业执照',
    titleEn: 'Business license',
    description: '市场主体登记信息',
    descriptionEn: 'Registered particulars of market entities',
    licenseType: 'business-license',
    fields: [
      { name: 'name', sensitivity: 'public' },
      { name: 'entityType', sensitivity: 'public' },
      { name: 'legalRepresentative', sensitivity: 'internal' },
      { name: 'registeredCapital', sensitivity: 'public' },
      { name: 'establishedOn', sensitivity: 'public' },
      { name: 'domicile', sensitivity: 'internal' },
      { name: 'businessScope', sensitivity: 'public' },
    ],
    sharingClass: 'conditional',
    conditions: '仅限依法履行职责所需',
    legalBasis: '《政务数据共享条例》；《中华人民共和国市场主体登记管理条例》',
    updateCycle: 'realtime',
    accessModes: ['query', 'subscription', 'bulk'],
    serviceLevel: { availability: '99.9%' },
    ...overrides,
  };
}

/** A dataset resource (not a license type) of any sharing class. */
export function datasetResource(id: string, sharingClass: 'unconditional' | 'conditional' | 'not-shared', overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: `数据集 ${id}`,
    titleEn: `Dataset ${id}`,
    dataset: id,
    fields: [
      { name: 'creditCode', sensitivity: 'public' },
      { name: 'rating', sensitivity: 'internal' },
      { name: 'detail', sensitivity: 'sensitive' },
    ],
    sharingClass,
    ...(sharingClass === 'conditional' ? { conditions: '按需申请' } : {}),
    ...(sharingClass === 'not-shared' ? { legalBasis: '《中华人民共和国个人信息保护法》' } : {}),
    updateCycle: 'daily',
    accessModes: ['query'],
    ...overrides,
  };
}

export async function registerResource(t: TestPlatform, owner: TestClient, body: Record<string, unknown>) {
  const created = await api(t, 'POST', '/api/v1/catalog', { token: owner.token, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

export function agreementRequest(overrides: Record<string, unknown> = {}) {
  return {
    resourceId: 'business-license',
    purpose: 'tax-administration',
    purposeDescription: '税务登记时核验企业登记信息',
    legalBasis: '《中华人民共和国税收征收管理法》',
    fields: ['name', 'legalRepresentative', 'registeredCapital'],
    expectedDailyVolume: 5000,
    validUntil: '2099-12-31',
    ...overrides,
  };
}

/** Asks for a resource and lets the owner approve it (optionally with fewer fields): an active agreement. */
export async function activeAgreement(t: TestPlatform, consumer: TestClient, owner: TestClient, request: Record<string, unknown> = {}, grant?: string[]) {
  const submitted = await api(t, 'POST', '/api/v1/agreements', { token: consumer.token, body: agreementRequest(request) });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  if (submitted.body.status === 'active') return submitted.body;
  const approved = await api(t, 'POST', `/api/v1/agreements/${submitted.body.id}/decision`, {
    token: owner.token,
    body: { decision: 'approve', reason: 'ok', ...(grant ? { fields: grant } : {}) },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return approved.body;
}
