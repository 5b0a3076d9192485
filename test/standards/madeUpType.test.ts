/**
 * License types as data, from outside (issue 15): a type that is not in the repository, written from
 * docs/license-types.md alone, is drafted and published through the API and then issued, imported
 * from CSV, looked up through the exchange with minimisation, verified publicly (its name on the
 * verdict), quality-checked and reported on — all without a restart. On PostgreSQL, a second process
 * on the same database serves the type within a second of its publication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { openStore } from '../../src/platform/store/store.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { sequence } from '../../src/audit/index.ts';
import { fullPass } from '../../src/quality/pass.ts';
import { findLicenseType, generateCreditCode, numberCheckCharacter, shippedLicenseType } from '../../src/standards/index.ts';
import { seededRandom } from '../../src/demo/synthetic.ts';
import { addDepartment } from '../agreements/support.ts';
import { api, startTestPlatform, type TestClient, type TestPlatform } from '../support/platform.ts';
import { testStoreKind } from '../support/store.ts';
import { pdfText } from '../reports/support.ts';

const KEY = 'animal-clinic-permit';
const NUMBER = { pattern: '^DZ[0-9]{11}$', check: { algorithm: 'luhn', over: [2, 12] }, parts: [{ at: 2, length: 2, title: '省级行政区划代码', division: 'province' }] };

/** 动物诊疗许可证 as a coordination office would write it from docs/license-types.md. */
function definition(issuer: string, overrides: Record<string, unknown> = {}) {
  return {
    key: KEY,
    version: '1.0.0',
    name: '动物诊疗许可证',
    nameEn: 'Animal clinic permit',
    typeCode: '11100000MB0143028R901',
    legalBasis: '《中华人民共和国动物防疫法》第六十一条；《动物诊疗机构管理办法》',
    holder: { codeTypes: ['uscc'], nameField: 'clinicName' },
    number: { field: 'permitNumber', ...NUMBER },
    dataSchema: {
      type: 'object',
      required: ['clinicName', 'address', 'scope', 'permitNumber'],
      properties: {
        clinicName: { type: 'string', minLength: 1, maxLength: 200, title: '机构名称', 'x-title-en': 'Clinic name' },
        address: { type: 'string', minLength: 1, maxLength: 500, title: '诊疗地址', 'x-title-en': 'Address' },
        veterinarian: { type: 'string', minLength: 1, maxLength: 100, title: '执业兽医', 'x-title-en': 'Licensed veterinarian' },
        scope: { type: 'string', enum: ['动物颅腔、胸腔和腹腔手术', '其他诊疗活动'], title: '诊疗活动范围', 'x-title-en': 'Scope' },
        permitNumber: { type: 'string', title: '许可证编号', 'x-title-en': 'Permit number' },
        issuedOn: { type: 'string', format: 'date', title: '发证日期', 'x-title-en': 'Date of issue' },
        expiresOn: { type: 'string', format: 'date', title: '有效期至', 'x-title-en': 'Valid until' },
      },
    },
    publicFields: ['clinicName', 'scope', 'permitNumber', 'expiresOn'],
    validity: { from: 'issuedOn', to: 'expiresOn' },
    issueDate: 'issuedOn',
    defaults: { issuedOn: '$today', expiresOn: '$data.issuedOn+5y-1d' },
    issuers: [{ department: issuer, legalBasis: '《动物诊疗机构管理办法》第四条' }],
    sharing: { clinicName: 'unconditional', scope: 'unconditional', permitNumber: 'unconditional', address: 'conditional', veterinarian: 'none' },
    quality: [
      { id: 'AC-COMP-01', dimension: 'completeness', severity: 'warning', check: 'present', params: { fields: ['veterinarian'] }, message: { 'zh-CN': '缺少应填项：{fields}', en: 'Missing: {fields}' } },
    ],
    ...overrides,
  };
}

const random = seededRandom(15015);
let serial = 100;
function permitNumber(): string {
  const body = `DZ37${String(serial++).padStart(8, '0')}`;
  return body + numberCheckCharacter(NUMBER as never, body);
}
const holder = () => generateCreditCode({ registrationAuthority: '9', category: '1', divisionCode: '370100', random });

let t: TestPlatform;
let vet: TestClient;
/** A license issued under version 1.0.0 of the type, for the versions test. */
let firstLicense = '';

beforeAll(async () => {
  t = await startTestPlatform();
  vet = await addDepartment(t, '山东省畜牧兽医局', 'Shandong Animal Husbandry and Veterinary Bureau', ['consumer']);
});
afterAll(() => t?.close());

describe('a license type that is not in the repository', () => {
  it('is refused as a draft with every error by JSON pointer, and only the coordination office may draft it', async () => {
    const bad = definition(t.issuer.department.code, {
      typeCode: '11100000MB0143028X901',
      publicFields: ['clinicName', 'nothing'],
      number: { field: 'permitNumber', pattern: '^(a+)+$', check: { algorithm: 'gb32100', over: [2, 12] } },
    });
    const refused = await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: bad });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('invalid-type-definition');
    const pointers = (refused.body.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/typeCode', '/publicFields/1', '/number/pattern', '/number/check/over']));
    expect(refused.body.field).toBe(pointers[0]);

    expect((await api(t, 'POST', '/api/v1/license-types', { token: t.issuer.token, body: definition(t.issuer.department.code) })).status).toBe(403);
    expect((await api(t, 'POST', '/api/v1/license-types', { body: definition(t.issuer.department.code) })).status).toBe(401);
  });

  it('is drafted, seen as a draft by the coordination office only, and published; every process serves it at once', async () => {
    const drafted = await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: definition(t.issuer.department.code) });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(drafted.body).toMatchObject({ key: KEY, version: '1.0.0', status: 'draft', vct: `urn:certbridge:license-type:${KEY}` });
    expect((await api(t, 'GET', `/api/v1/license-types/${KEY}`)).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/license-types/${KEY}`, { token: t.coordinator.token })).body.history).toHaveLength(1);
    expect((await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { type: KEY, holder: { code: holder() }, data: {} } })).body.code).toBe('unknown-license-type');

    const published = await api(t, 'POST', `/api/v1/license-types/${KEY}/versions/1.0.0/publish`, { token: t.coordinator.token });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedBy: expect.any(String) });
    expect((await api(t, 'POST', `/api/v1/license-types/${KEY}/versions/1.0.0/publish`, { token: t.coordinator.token })).status).toBe(409);
    expect((await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: definition(t.issuer.department.code) })).status).toBe(409);

    const listed = await api(t, 'GET', '/api/v1/license-types');
    expect(listed.body.map((x: { key: string }) => x.key)).toEqual(expect.arrayContaining(['business-license', 'food-business-license', KEY]));
    const type = await api(t, 'GET', `/api/v1/license-types/${KEY}`);
    expect(type.body).toMatchObject({ key: KEY, name: '动物诊疗许可证', current: { version: '1.0.0', status: 'published' } });
    // Its issuers are in the registry of authorised issuers, and it is in the catalog with its fields' classes.
    const issuers = await api(t, 'GET', `/api/v1/standards/license-types/${KEY}/issuers`);
    expect(issuers.body.map((i: { department: string }) => i.department)).toEqual([t.issuer.department.code]);
    const resource = await api(t, 'GET', `/api/v1/catalog/${KEY}`, { token: vet.token });
    expect(resource.status).toBe(200);
    expect(resource.body).toMatchObject({ ownerDepartment: t.issuer.department.code, licenseType: KEY, sharingClass: 'conditional' });
    // Its conditions are one sentence in Chinese, not Chinese and English joined.
    expect(resource.body.conditions).toBe('仅限申请部门依法履行职责所需；只使用协议授予的字段，用于协议载明的用途；不得向第三方提供。');
    expect(resource.body.conditionsEn).toBe('Only as the requesting department needs to perform its statutory duties; only the fields the agreement grants, for the purpose it states; never passed on to a third party.');
    expect(resource.body.fields.find((f: { name: string }) => f.name === 'veterinarian')).toMatchObject({ sharingClass: 'not-shared' });
    // And the audit log has the publication (once sequenced, as the server does every 200 ms).
    await sequence(t.platform);
    const entries = await api(t, 'GET', `/api/v1/audit/entries?type=standards.license-type-published`, { token: t.coordinator.token });
    expect(JSON.stringify(entries.body)).toContain(KEY);
  });

  it('checks a number without issuing, publicly', async () => {
    const number = permitNumber();
    expect((await api(t, 'GET', `/api/v1/license-types/${KEY}/numbers/${number}`)).body).toEqual({ valid: true, normalised: number, problems: [] });
    const wrong = `${number.slice(0, 12)}${(Number(number[12]) + 1) % 10}`;
    const checked = await api(t, 'GET', `/api/v1/license-types/${KEY}/numbers/${wrong}`);
    expect(checked.body).toMatchObject({ valid: false, problems: [{ code: 'check-character', at: 12 }] });
  });

  it('is issued and amended with its defaults and number rule, its errors naming the field', async () => {
    const code = holder();
    const number = permitNumber();
    const bad = await api(t, 'POST', '/api/v1/licenses', {
      token: t.issuer.token,
      body: { type: KEY, holder: { code }, data: { clinicName: '历下宠物医院', address: '济南市历下区', scope: '其他诊疗活动', permitNumber: `${number.slice(0, 12)}${(Number(number[12]) + 1) % 10}` } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid-license-number', field: '/data/permitNumber' });
    const issued = await api(t, 'POST', '/api/v1/licenses', {
      token: t.issuer.token,
      body: { type: KEY, holder: { code }, data: { clinicName: '历下宠物医院', address: '济南市历下区', scope: '其他诊疗活动', permitNumber: number.toLowerCase() } },
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({ type: KEY, typeVersion: '1.0.0', holder: { code, name: '历下宠物医院' }, data: { permitNumber: number } });
    // Defaults: issued today, valid five years less a day (the definition's "$data.issuedOn+5y-1d").
    const issuedOn = issued.body.data.issuedOn as string;
    const fiveYears = new Date(Date.UTC(Number(issuedOn.slice(0, 4)) + 5, Number(issuedOn.slice(5, 7)) - 1, Number(issuedOn.slice(8, 10)) - 1)).toISOString().slice(0, 10);
    expect(issued.body).toMatchObject({ validFrom: issuedOn, validUntil: fiveYears, data: { expiresOn: fiveYears } });
    const amended = await api(t, 'POST', `/api/v1/licenses/${issued.body.identifier}/amend`, { token: t.issuer.token, body: { data: { veterinarian: '张医生' }, reason: '增加执业兽医' } });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect(amended.body).toMatchObject({ version: 2, typeVersion: '1.0.0', data: { veterinarian: '张医生', permitNumber: number } });
    firstLicense = amended.body.identifier;

    // Public verification titles itself from the type: its name, and only its public fields with the code.
    const verified = await api(t, 'GET', `/api/v1/verify/${amended.body.identifier}?code=${new URL(amended.body.verificationUrl).searchParams.get('code')}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, license: { licenseName: '动物诊疗许可证', clinicName: '历下宠物医院', permitNumber: number } });
    expect(verified.body.license.address).toBeUndefined();
    expect(verified.body.checks.find((c: { check: string }) => c.check === 'schema')).toMatchObject({ passed: true, detail: `conforms to ${KEY} 1.0.0` });

    // Printed from its display (generated from the schema's order, as the definition gives none): its name, its number, the verification code.
    const print = await fetch(`${t.url}/api/v1/licenses/${amended.body.identifier}/print.pdf`, { headers: { authorization: `Bearer ${t.issuer.token}` } });
    expect(print.status).toBe(200);
    expect(print.headers.get('content-type')).toBe('application/pdf');
    const printed = await pdfText(new Uint8Array(await print.arrayBuffer()));
    expect(printed).toContain('动物诊疗许可证');
    expect(printed).toContain(`许可证编号：${number}`);
    expect(printed).toContain('执业兽医');
    expect(printed).toContain(`核验码 ${new URL(amended.body.verificationUrl).searchParams.get('code')}`);
    expect((await fetch(`${t.url}/api/v1/licenses/${amended.body.identifier}/print.pdf`, { headers: { authorization: `Bearer ${vet.token}` } })).status).toBe(403);
  });

  it('is imported from a CSV file of its own columns', async () => {
    const rows = [
      ['creditCode', 'clinicName', 'address', 'scope', 'permitNumber'],
      [holder(), '槐荫动物医院', '济南市槐荫区', '其他诊疗活动', permitNumber()],
      [holder(), '天桥宠物诊所', '济南市天桥区', '动物颅腔、胸腔和腹腔手术', permitNumber()],
      [holder(), '错误编号诊所', '济南市市中区', '其他诊疗活动', 'DZ00000000000'],
    ];
    const response = await fetch(`${t.url}/api/v1/licenses/imports?type=${KEY}&format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.issuer.token}`, 'content-type': 'text/csv' },
      body: rows.map((r) => r.join(',')).join('\n'),
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { id: string };
    let done: { status: string; issued: number; rejected: number } | undefined;
    for (let i = 0; i < 100 && done?.status !== 'finished'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await api(t, 'GET', `/api/v1/licenses/imports/${job.id}`, { token: t.issuer.token })).body;
    }
    expect(done).toMatchObject({ status: 'finished', issued: 2, rejected: 1 });
  });

  it('is looked up through the exchange with minimisation; a field not shared cannot be asked for', async () => {
    const refused = await api(t, 'POST', '/api/v1/agreements', {
      token: vet.token,
      body: { resourceId: KEY, purpose: 'market-supervision', purposeDescription: '动物诊疗机构监管', legalBasis: '《动物防疫法》', fields: ['clinicName', 'veterinarian'], expectedDailyVolume: 10, validUntil: '2099-12-31' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'field-not-shared', field: '/fields/1' });
    // Unconditional fields only: granted on request.
    const granted = await api(t, 'POST', '/api/v1/agreements', {
      token: vet.token,
      body: { resourceId: KEY, purpose: 'market-supervision', purposeDescription: '动物诊疗机构监管', legalBasis: '《动物防疫法》', fields: ['clinicName', 'permitNumber'], expectedDailyVolume: 10, validUntil: '2099-12-31' },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body.status).toBe('active');

    const code = holder();
    const number = permitNumber();
    expect((await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { type: KEY, holder: { code }, data: { clinicName: '市中动物医院', address: '济南市市中区', scope: '其他诊疗活动', permitNumber: number } } })).status).toBe(201);
    const found = await api(t, 'GET', `/api/v1/exchange/licenses/${code}?type=${KEY}`, { token: vet.token, headers: { 'x-purpose': 'market-supervision' } });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.fields).toEqual({ clinicName: '市中动物医院', permitNumber: number });
  });

  it('is quality-checked by its own rules and reported on per type', async () => {
    const pass = await fullPass(t.platform, 'test');
    expect(pass.licenses).toBeGreaterThan(0);
    const findings = await api(t, 'GET', `/api/v1/quality/findings?type=${KEY}`, { token: t.issuer.token });
    expect(findings.status, JSON.stringify(findings.body)).toBe(200);
    const rules = (findings.body.items as { ruleId: string; licenseType: string }[]).filter((f) => f.licenseType === KEY).map((f) => f.ruleId);
    expect(rules).toContain('AC-COMP-01');
    const scores = await api(t, 'GET', `/api/v1/quality/scores?department=${t.issuer.department.code}`, { token: t.issuer.token });
    expect(JSON.stringify(scores.body)).toContain(KEY);
  });

  it('takes a new version that adds a field; a version that removes one is refused; old licenses keep theirs', async () => {
    const base = definition(t.issuer.department.code);
    const removing = { ...base, version: '1.1.0', dataSchema: { ...base.dataSchema, properties: { ...base.dataSchema.properties, veterinarian: undefined } } };
    const refused = await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: JSON.parse(JSON.stringify(removing)) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/dataSchema/properties/veterinarian' })]));
    const adding = {
      ...base,
      version: '1.1.0',
      dataSchema: { ...base.dataSchema, properties: { ...base.dataSchema.properties, species: { type: 'string', maxLength: 100, title: '诊疗动物种类', 'x-title-en': 'Species' } } },
    };
    expect((await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: adding })).status).toBe(201);
    expect((await api(t, 'POST', `/api/v1/license-types/${KEY}/versions/1.1.0/publish`, { token: t.coordinator.token })).status).toBe(200);
    expect(findLicenseType(t.platform, KEY)?.version).toBe('1.1.0');
    const code = holder();
    const old = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { type: KEY, holder: { code }, data: { clinicName: '新版诊所', address: '济南', scope: '其他诊疗活动', permitNumber: permitNumber(), species: '犬、猫' } } });
    expect(old.status, JSON.stringify(old.body)).toBe(201);
    expect(old.body.typeVersion).toBe('1.1.0');
    // A license of 1.0.0 keeps its version until an amendment: its data fits 1.1.0, so it moves there.
    expect((await api(t, 'GET', `/api/v1/licenses/${firstLicense}`, { token: t.issuer.token })).body.typeVersion).toBe('1.0.0');
    const moved = await api(t, 'POST', `/api/v1/licenses/${firstLicense}/amend`, { token: t.issuer.token, body: { data: { species: '犬' }, reason: '新版本增加诊疗动物种类' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ version: 3, typeVersion: '1.1.0', data: { species: '犬' } });
    const history = await api(t, 'GET', `/api/v1/license-types/${KEY}`);
    expect(history.body.history.map((v: { version: string }) => v.version)).toEqual(['1.0.0', '1.1.0']);
  });
});

describe.runIf(testStoreKind() === 'postgres')('publishing reaches another process', () => {
  it('a second process on the same database serves a newly published type within a second', async () => {
    const config = loadConfig({ dataDir: '/nonexistent-certbridge', port: 0 }, { ...process.env, CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: t.databaseUrl! });
    const other = await openPlatform(config, await openStore({ databaseUrl: t.databaseUrl!, poolSize: 2 }));
    other.changes.start();
    try {
      const doc = { ...shippedLicenseType('food-business-license').definition, key: 'second-process-permit', version: '1.0.0', typeCode: '11100000MB0143028R902', vct: undefined, issuers: [] };
      expect(findLicenseType(other, doc.key)).toBeUndefined();
      expect((await api(t, 'POST', '/api/v1/license-types', { token: t.coordinator.token, body: doc })).status).toBe(201);
      expect((await api(t, 'POST', `/api/v1/license-types/${doc.key}/versions/1.0.0/publish`, { token: t.coordinator.token })).status).toBe(200);
      const published = Date.now();
      while (!findLicenseType(other, doc.key) && Date.now() - published < 5000) await new Promise((r) => setTimeout(r, 10));
      expect(findLicenseType(other, doc.key)?.name).toBe('食品经营许可证');
      expect(Date.now() - published).toBeLessThan(1000);
    } finally {
      await other.changes.stop();
      await other.store.close();
    }
  });
});

