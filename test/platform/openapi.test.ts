import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

it('serves an OpenAPI 3.1 document that a third-party validator accepts, covering every route', async () => {
  const response = await fetch(`${t.url}/docs/json`);
  expect(response.status).toBe(200);
  const document = await response.json();
  expect(document.openapi).toBe('3.1.0');
  const result = await new Validator().validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  for (const path of [
    '/oauth/token',
    '/api/v1/licenses',
    '/api/v1/licenses/{identifier}',
    '/api/v1/licenses/{identifier}/versions',
    '/api/v1/licenses/{identifier}/amend',
    '/api/v1/licenses/{identifier}/revoke',
    '/api/v1/verify',
    '/api/v1/verify/{identifier}',
    '/api/v1/standards/license-types',
    '/.well-known/jwks.json',
  ]) {
    expect(Object.keys(document.paths)).toContain(path);
  }
  const html = await fetch(`${t.url}/docs`, { redirect: 'follow' });
  expect(html.status).toBe(200);
});
