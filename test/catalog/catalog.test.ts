import type { CatalogEvent } from '../../src/catalog/events.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResourceForLicenseType, getResource } from '../../src/catalog/index.ts';
import { DomainError } from '../../src/platform/errors.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { businessLicenseResource, datasetResource, registerResource } from '../agreements/support.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  await registerResource(t, t.issuer, businessLicenseResource());
  await registerResource(t, t.consumer, datasetResource('tax-credit-rating', 'unconditional', { title: '纳税信用等级', titleEn: 'Tax credit rating' }));
  await registerResource(t, t.consumer, datasetResource('tax-arrears', 'not-shared', { title: '欠税明细', titleEn: 'Tax arrears detail' }));
});
afterAll(() => t.close());

const expectProblem = (r: { status: number; body: any; headers: Headers }, status: number, code: string, field?: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.code).toBe(code);
  if (field !== undefined) expect(r.body.field).toBe(field);
};

describe('catalog resources', () => {
  it('registers a license type resource with field titles from the standard, readable by id', async () => {
    const read = await api(t, 'GET', '/api/v1/catalog/business-license', { token: t.consumer.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: 'business-license',
      ownerDepartment: t.issuer.department.code,
      licenseType: 'business-license',
      dataset: null,
      sharingClass: 'conditional',
      conditions: '仅限依法履行职责所需',
      updateCycle: 'realtime',
      accessModes: ['query', 'subscription', 'bulk'],
      serviceLevel: { availability: '99.9%' },
      version: 1,
    });
    expect(read.body.fields[0]).toEqual({ name: 'name', sensitivity: 'public', title: '名称', titleEn: 'Name' });
    const resource = await getResource(t.platform.store, 'business-license');
    expect(resource.fields.map((f) => f.name)).toContain('legalRepresentative');
    expect((await findResourceForLicenseType(t.platform.store, 'business-license'))?.id).toBe('business-license');
    expect(await findResourceForLicenseType(t.platform.store, 'no-such-type')).toBeUndefined();
    await expect(getResource(t.platform.store, 'nothing-here')).rejects.toSatisfy((e) => e instanceof DomainError && e.reason === 'not-found' && e.code === 'resource-not-found');
  });

  it('checks the rules of sharing classes and fields', async () => {
    const post = (body: Record<string, unknown>) => api(t, 'POST', '/api/v1/catalog', { token: t.issuer.token, body });
    expectProblem(await post(datasetResource('x-not-shared', 'not-shared', { legalBasis: undefined })), 400, 'missing-field', '/legalBasis');
    expectProblem(await post(datasetResource('x-conditional', 'conditional', { conditions: '  ' })), 400, 'missing-field', '/conditions');
    expectProblem(
      await post(businessLicenseResource({ id: 'bl-2', fields: [{ name: 'name', sensitivity: 'public' }, { name: 'shoeSize', sensitivity: 'public' }] })),
      400,
      'field-not-in-standard',
      '/fields/1/name',
    );
    expectProblem(await post(businessLicenseResource({ id: 'bl-3', licenseType: 'no-such-type' })), 400, 'unknown-license-type', '/licenseType');
    expectProblem(await post(businessLicenseResource({ id: 'bl-4' })), 409, 'resource-exists', '/licenseType');
    expectProblem(await post(datasetResource('tax-credit-rating', 'unconditional')), 409, 'resource-exists', '/id');
    expectProblem(await post({ ...datasetResource('x-bad', 'unconditional'), sharingClass: 'sometimes' }), 400, 'validation-failed');
    expectProblem(await post({ ...datasetResource('x-extra', 'unconditional'), colour: 'red' }), 400, 'unknown-field', '/colour');
    const none = datasetResource('x-none', 'unconditional') as Record<string, unknown>;
    delete none.dataset;
    expectProblem(await post(none), 400, 'missing-field', '/licenseType');
    expect((await api(t, 'GET', '/api/v1/catalog/x-not-shared', { token: t.issuer.token })).status).toBe(404);
  });

  it('lets only the owning department register and change its resources', async () => {
    expectProblem(
      await api(t, 'POST', '/api/v1/catalog', { token: t.otherIssuer.token, body: { ...datasetResource('samr-by-other', 'unconditional'), ownerDepartment: t.issuer.department.code } }),
      403,
      'forbidden',
    );
    expectProblem(await api(t, 'PATCH', '/api/v1/catalog/business-license', { token: t.otherIssuer.token, body: { title: '抢注' } }), 403, 'forbidden');
    expectProblem(await api(t, 'PATCH', '/api/v1/catalog/business-license', { token: t.coordinator.token, body: { title: '抢注' } }), 403, 'forbidden');
    expect((await api(t, 'GET', '/api/v1/catalog/business-license', { token: t.issuer.token })).body.title).toBe('营业执照');
    expectProblem(await api(t, 'GET', '/api/v1/catalog'), 401, 'unauthenticated');
  });

  it('keeps the sharing conditions in Chinese and in English, the English only beside the Chinese', async () => {
    const english = 'Only for the statutory duties of the requesting department';
    const registered = await registerResource(t, t.issuer, datasetResource('samr-inspections', 'conditional', { conditions: '仅限依法履行职责所需', conditionsEn: english }));
    expect(registered).toMatchObject({ conditions: '仅限依法履行职责所需', conditionsEn: english });
    expect((await api(t, 'GET', '/api/v1/catalog/samr-inspections', { token: t.consumer.token })).body).toMatchObject({ conditionsEn: english, version: 1 });
    const revised = await api(t, 'PATCH', '/api/v1/catalog/samr-inspections', { token: t.issuer.token, body: { conditionsEn: 'Only for supervision', reason: '英文条件' } });
    expect(revised.body).toMatchObject({ version: 2, conditions: '仅限依法履行职责所需', conditionsEn: 'Only for supervision' });
    const unconditional = await api(t, 'PATCH', '/api/v1/catalog/samr-inspections', { token: t.issuer.token, body: { sharingClass: 'unconditional', conditions: null } });
    expect(unconditional.body).toMatchObject({ version: 3, conditions: null, conditionsEn: null });
  });

  it('keeps every version: PUT and PATCH make the next one, an unchanged resource keeps its version', async () => {
    await registerResource(t, t.issuer, datasetResource('samr-annual-reports', 'conditional'));
    const patched = await api(t, 'PATCH', '/api/v1/catalog/samr-annual-reports', {
      token: t.issuer.token,
      body: { sharingClass: 'unconditional', conditions: null, reason: '改为无条件共享' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, sharingClass: 'unconditional', conditions: null });
    const same = await api(t, 'PATCH', '/api/v1/catalog/samr-annual-reports', { token: t.issuer.token, body: { sharingClass: 'unconditional' } });
    expect(same.body.version).toBe(2);
    const { id: _id, dataset: _d, ...rest } = datasetResource('samr-annual-reports', 'conditional');
    const put = await api(t, 'PUT', '/api/v1/catalog/samr-annual-reports', {
      token: t.issuer.token,
      body: { ...rest, dataset: 'samr-annual-reports', title: '企业年度报告', updateCycle: 'annual', version: 2 },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 3, title: '企业年度报告', sharingClass: 'conditional', updateCycle: 'annual' });
    expectProblem(
      await api(t, 'PUT', '/api/v1/catalog/samr-annual-reports', { token: t.issuer.token, body: { ...rest, title: 'stale', version: 2 } }),
      409,
      'version-conflict',
      '/version',
    );
    expectProblem(await api(t, 'PATCH', '/api/v1/catalog/samr-annual-reports', { token: t.issuer.token, body: { sharingClass: 'not-shared' } }), 400, 'missing-field', '/legalBasis');
    expectProblem(await api(t, 'PATCH', '/api/v1/catalog/business-license', { token: t.issuer.token, body: { licenseType: null, dataset: 'x' } }), 400, 'validation-failed', '/licenseType');

    const versions = await api(t, 'GET', '/api/v1/catalog/samr-annual-reports/versions', { token: t.consumer.token });
    expect(versions.status).toBe(200);
    expect(versions.body.map((v: any) => [v.version, v.resource.sharingClass, v.reason])).toEqual([
      [1, 'conditional', null],
      [2, 'unconditional', '改为无条件共享'],
      [3, 'conditional', null],
    ]);
    expect(versions.body[2].createdBy).toBe(t.issuer.clientId);
    expect((await api(t, 'GET', '/api/v1/catalog/nothing/versions', { token: t.consumer.token })).body.code).toBe('resource-not-found');
  });

  it('publishes catalog events in the same transaction', async () => {
    const seen: string[] = [];
    t.platform.events.on<CatalogEvent>('catalog.', async (_tx, events) => {
      seen.push(...events.map((e) => `${e.type}:${e.subject}:${String(e.data.version)}`));
    });
    await registerResource(t, t.otherIssuer, datasetResource('qingdao-permits', 'unconditional'));
    await api(t, 'PATCH', '/api/v1/catalog/qingdao-permits', { token: t.otherIssuer.token, body: { updateCycle: 'weekly' } });
    expect(seen).toEqual(['catalog.resource-created:qingdao-permits:1', 'catalog.resource-updated:qingdao-permits:2']);
  });
});

describe('catalog search', () => {
  const search = async (query: string) => {
    const r = await api(t, 'GET', `/api/v1/catalog${query}`, { token: t.consumer.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: { id: string }[]; total: number; limit: number; offset: number };
  };

  it('searches words in zh and en and filters by department, class and license type, in pages', async () => {
    expect((await search('?q=纳税信用')).items.map((r) => r.id)).toEqual(['tax-credit-rating']);
    expect((await search('?q=credit%20RATING')).items.map((r) => r.id)).toEqual(['tax-credit-rating']);
    expect((await search(`?department=${t.consumer.department.code}`)).items.map((r) => r.id).sort()).toEqual(['tax-arrears', 'tax-credit-rating']);
    expect((await search('?sharingClass=not-shared')).items.map((r) => r.id)).toEqual(['tax-arrears']);
    expect((await search('?class=not-shared')).items.map((r) => r.id)).toEqual(['tax-arrears']);
    expect((await search('?licenseType=business-license')).items.map((r) => r.id)).toEqual(['business-license']);
    expect((await search('?accessMode=subscription')).items.map((r) => r.id)).toEqual(['business-license']);
    expect((await search('?q=100%25')).total).toBe(0);
    const all = await search('');
    const first = await search('?limit=2');
    const second = await search('?limit=2&offset=2');
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(all.total);
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(all.items.slice(0, 4).map((r) => r.id));
    expect((await search('?offset=1000')).total).toBe(all.total);
    expect((await api(t, 'GET', '/api/v1/catalog?sharingClass=sometimes', { token: t.consumer.token })).status).toBe(400);
  });
});

describe('DCAT-AP export', () => {
  it('is a JSON-LD dcat:Catalog with a dcat:Dataset per resource', async () => {
    const response = await fetch(`${t.url}/api/v1/catalog.jsonld`, { headers: { authorization: `Bearer ${t.consumer.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/ld+json');
    const doc = await response.json();
    const context = doc['@context'];
    expect(context.dcat).toBe('http://www.w3.org/ns/dcat#');
    expect(context.dct).toBe('http://purl.org/dc/terms/');
    expect(doc['@type']).toBe('dcat:Catalog');
    const all = (await api(t, 'GET', '/api/v1/catalog?limit=200', { token: t.consumer.token })).body;
    expect(doc['dcat:dataset']).toHaveLength(all.total);

    const license = doc['dcat:dataset'].find((d: any) => d['dct:identifier'] === 'business-license');
    expect(license['@type']).toBe('dcat:Dataset');
    expect(license['@id']).toBe(`${t.url}/api/v1/catalog/business-license`);
    expect(license['dct:title']).toEqual([
      { '@value': '营业执照', '@language': 'zh' },
      { '@value': 'Business license', '@language': 'en' },
    ]);
    expect(license['dct:publisher']['dct:identifier']).toBe(t.issuer.department.code);
    expect(license['dct:publisher']['foaf:name']).toContainEqual({ '@value': t.issuer.department.name, '@language': 'zh' });
    expect(license['dct:accessRights']['skos:prefLabel']).toContainEqual({ '@value': '有条件共享', '@language': 'zh' });
    expect(license['certbridge:sharingClass']).toBe('conditional');
    expect(license['dct:conformsTo']['@id']).toBe(`${t.url}/api/v1/standards/license-types/business-license`);
    expect(license['dcatap:applicableLegislation']['dct:title']['@value']).toContain('政务数据共享条例');
    expect(license['dcat:keyword']).toContainEqual({ '@value': '营业执照', '@language': 'zh' });
    expect(license['dct:accrualPeriodicity']).toEqual({ '@id': 'http://publications.europa.eu/resource/authority/frequency/CONT', '@type': 'dct:Frequency' });
    expect(license['dcat:distribution'].map((d: any) => d['certbridge:accessMode'])).toEqual(['query', 'subscription', 'bulk']);
    for (const d of license['dcat:distribution']) {
      expect(d['@type']).toBe('dcat:Distribution');
      expect(d['dcat:accessURL']).toMatch(/^http/);
    }
    const notShared = doc['dcat:dataset'].find((d: any) => d['dct:identifier'] === 'tax-arrears');
    expect(notShared['dct:accessRights']['skos:broadMatch']['@id']).toBe('http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC');

    // Every compact IRI uses a prefix the @context defines (a JSON-LD processor could expand it all).
    const prefixes = new Set(Object.keys(context).filter((k) => typeof context[k] === 'string'));
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (!key.startsWith('@')) expect(prefixes.has(key.split(':')[0]), key).toBe(true);
        if (key === '@type') for (const type of [value].flat()) expect(prefixes.has(String(type).split(':')[0]) || type === '@json', String(type)).toBe(true);
        if (key !== '@value') walk(value);
      }
    };
    walk({ ...doc, '@context': undefined });
  });
});
