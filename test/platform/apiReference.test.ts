import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/demo/openapiExamples.ts';
import { SUMMARIES_ZH } from '../../src/app/openapiZh.ts';
import { operationsOf } from '../../src/platform/http/openapi.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const CJK = /[\u4e00-\u9fff]/;

let t: TestPlatform;
let document: Record<string, unknown>;
beforeAll(async () => {
  t = await startTestPlatform();
  document = await (await fetch(`${t.url}/docs/json`)).json();
});
afterAll(() => t.close());

type Media = { schema?: object; examples?: Record<string, { value: unknown }> };

describe('the Chinese summaries', () => {
  it('every operation has one, with Chinese characters, and the map names no operation that is gone', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(100);
    const without = operations.filter(({ operation }) => !CJK.test(String(operation['x-summary-zh'] ?? ''))).map(({ method, path, operation }) => `${operation.operationId} (${method} ${path})`);
    expect(without).toEqual([]);
    const ids = new Set(operations.map(({ operation }) => operation.operationId));
    expect(Object.keys(SUMMARIES_ZH).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(EXAMPLES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('the Chinese document has them as the summaries, and a Chinese title and description', async () => {
    const response = await fetch(`${t.url}/api/openapi.zh.json`);
    expect(response.status).toBe(200);
    const zh = await response.json();
    expect(zh.info.title).toBe('CertBridge 电子证照共享平台 API');
    expect(zh.info.description).toMatch(/^政府部门之间共享电子证照/);
    const operations = operationsOf(zh);
    expect(operations.length).toBe(operationsOf(document).length);
    expect(operations.filter(({ operation }) => !CJK.test(operation.summary ?? '') || operation.summary !== operation['x-summary-zh']).map(({ operation }) => operation.operationId)).toEqual([]);
    expect(zh.paths['/api/v1/licenses'].post.summary).toBe('颁发证照');
  });
});

describe('the examples', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  /** Every example of a media type, checked against the media type's schema (the document's components reachable for $ref). */
  const invalid = (where: string, media: Media) =>
    Object.entries(media.examples ?? {}).flatMap(([name, example]) => {
      const validate = ajv.compile({ ...media.schema, components: (document as { components: unknown }).components });
      return validate(example.value) ? [] : [`${where} ${name}: ${ajv.errorsText(validate.errors)}`];
    });

  it('every operation with a JSON request body has an example on each of its media types', () => {
    const missing = operationsOf(document)
      .filter(({ operation }) => operation.requestBody?.content?.['application/json'])
      .flatMap(({ operation }) => Object.entries(operation.requestBody!.content!).filter(([, media]) => !(media as Media).examples).map(([type]) => `${operation.operationId} ${type}`));
    expect(missing).toEqual([]);
  });

  it('the main operations show an answer too', () => {
    const answered = new Set(
      operationsOf(document)
        .filter(({ operation }) => Object.values(operation.responses ?? {}).some((r) => (r.content?.['application/json'] as Media | undefined)?.examples))
        .map(({ operation }) => operation.operationId),
    );
    for (const id of ['postOauthToken', 'postLicenses', 'getLicensesByIdentifier', 'postVerify', 'getExchangeLicensesByHolderCode']) expect(answered).toContain(id);
  });

  it('every example of the map lands in the document (no request example on an operation without a body, no answer on an undocumented status)', () => {
    const byId = new Map(operationsOf(document).map(({ operation }) => [operation.operationId, operation]));
    const dropped = Object.entries(EXAMPLES).flatMap(([id, { request, response }]) => {
      const operation = byId.get(id);
      return [
        ...(request && !Object.values(operation?.requestBody?.content ?? {}).some((media) => (media as Media).examples) ? [`${id} request`] : []),
        ...(response && !(operation?.responses?.[response.status]?.content?.['application/json'] as Media | undefined)?.examples ? [`${id} ${response.status}`] : []),
      ];
    });
    expect(dropped).toEqual([]);
  });

  it('every example fits its operation’s schema (ajv, JSON Schema 2020-12)', () => {
    const errors = operationsOf(document).flatMap(({ operation }) => [
      ...Object.entries(operation.requestBody?.content ?? {}).flatMap(([type, media]) => invalid(`${operation.operationId} request ${type}`, media as Media)),
      ...Object.entries(operation.responses ?? {}).flatMap(([status, answer]) => Object.entries(answer.content ?? {}).flatMap(([type, media]) => invalid(`${operation.operationId} ${status} ${type}`, media as Media))),
    ]);
    expect(errors).toEqual([]);
  });

  it('the license type example is a definition the platform accepts (its own schema)', () => {
    const schema = JSON.parse(readFileSync(new URL('../../src/standards/typeDefinition.schema.json', import.meta.url), 'utf8'));
    const validate = ajv.compile(schema);
    expect(validate(EXAMPLES.postLicenseTypes.request!.value), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('an example that does not fit is caught', () => {
    expect(invalid('postLicenses', { schema: operationsOf(document).find(({ operation }) => operation.operationId === 'postLicenses')!.operation.requestBody!.content!['application/json'].schema as object, examples: { bad: { value: { type: 'business-license' } } } })).toHaveLength(1);
  });
});

describe('the reference pages', () => {
  it.each([
    ['/api/reference', 'CertBridge API', 'en'],
    ['/api/reference/zh', 'CertBridge 电子证照共享平台 API', 'zh-CN'],
  ])('%s answers an HTML page with the title and the logo, loading only this origin’s scripts', async (path, title, language) => {
    const response = await fetch(`${t.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain(`<title>${title}</title>`);
    expect(html).toContain(`<html lang="${language}">`);
    expect(html).toMatch(/<img src="\/api\/reference\/logo\.svg" alt="CertBridge"/);
    // No inline script (the CSP would refuse it); every script is served here.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => /src="([^"]+)"/.exec(m[1])?.[1]);
    expect(scripts).not.toContain(undefined);
    for (const src of scripts) {
      const script = await fetch(`${t.url}${src}`);
      expect(script.status).toBe(200);
      // Read to the end: a body left unread holds the connection open past the server's close.
      expect((await script.text()).length).toBeGreaterThan(0);
    }
  });

  it('serves the logo and keeps the docs route', async () => {
    const logo = await fetch(`${t.url}/api/reference/logo.svg`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await logo.text()).toMatch(/^<svg/);
    const docs = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    await docs.text();
    // The pages and the Chinese document are not operations of the API.
    expect(Object.keys(document.paths as object).filter((p) => p.startsWith('/api/reference') || p.startsWith('/api/openapi'))).toEqual([]);
  });
});
