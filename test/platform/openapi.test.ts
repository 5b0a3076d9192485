import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
    '/api/v1/verify/holders/{creditCode}',
    '/api/v1/standards/license-types',
    '/.well-known/jwks.json',
  ]) {
    expect(Object.keys(document.paths)).toContain(path);
  }
  const html = await fetch(`${t.url}/docs`, { redirect: 'follow' });
  expect(html.status).toBe(200);
});

/** Runs a linter's CLI on the document; its exit code is non-zero when it finds problems, so the JSON report is read either way. */
async function lint(command: string, args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(join('node_modules', '.bin', command), args, { maxBuffer: 64 * 1024 * 1024, timeout: 90_000 })).stdout;
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return stdout;
  }
}

it('passes Redocly (recommended) and Spectral (spectral:oas) with 0 errors; every operation has a unique operationId, a security requirement and problem responses', async () => {
  const document = await (await fetch(`${t.url}/docs/json`)).json();
  const operations = Object.entries(document.paths as Record<string, Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> }>>).flatMap(
    ([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, ...op })),
  );
  expect(operations.length).toBeGreaterThan(100);
  const ids = operations.map((o) => o.operationId);
  expect(ids.filter((id) => !id)).toEqual([]);
  expect(new Set(ids).size).toBe(ids.length);
  expect(operations.filter((o) => !Array.isArray(o.security)).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  expect(operations.filter((o) => !o.responses['400']?.content?.['application/problem+json']).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  // Public routes say so; the exchange asks for a token.
  expect(operations.find((o) => o.path === '/api/v1/verify/{identifier}')?.security).toEqual([]);
  expect(operations.find((o) => o.path === '/api/v1/verify/holders/{creditCode}')?.security).toEqual([]);
  expect(operations.find((o) => o.path === '/api/v1/exchange/licenses/{holderCode}')?.security).not.toEqual([]);

  const dir = mkdtempSync(join(tmpdir(), 'certbridge-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  writeFileSync(join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
  const redocly = JSON.parse(await lint('redocly', ['lint', file, '--format=json', '--max-problems=2000'])) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string }[] };
  expect(redocly.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  expect(redocly.totals.errors).toBe(0);
  const spectral = JSON.parse(await lint('spectral', ['lint', file, '--ruleset', join(dir, '.spectral.yaml'), '--format=json', '--quiet'])) as { code: string; severity: number; message: string }[];
  // Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
  expect(spectral.filter((p) => p.severity === 0).map((p) => `${p.code}: ${p.message}`)).toEqual([]);
}, 180_000);

it('describes what integrators meet beyond the schemas: the events as webhooks, X-Purpose as required, response headers, both token request forms', async () => {
  const document = await (await fetch(`${t.url}/docs/json`)).json();
  // The CloudEvents the platform sends, one webhook per type, with the signature header.
  const amended = document.webhooks['cn.gov.certbridge.license.amended'].post;
  expect(amended.requestBody.content['application/cloudevents+json'].schema.properties.type).toEqual({ const: 'cn.gov.certbridge.license.amended' });
  expect(amended.parameters.map((p: { name: string }) => p.name)).toContain('X-CertBridge-Signature');
  expect(Object.keys(document.webhooks)).toEqual(expect.arrayContaining(['cn.gov.certbridge.license.issued', 'cn.gov.certbridge.notification.created']));

  const lookup = document.paths['/api/v1/exchange/licenses/{holderCode}'].get;
  expect(lookup.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'x-purpose')).toMatchObject({ required: true });
  expect(Object.keys(lookup.responses['200'].headers)).toEqual(['X-Request-Id', 'X-CertBridge-Access-Id']);
  expect(Object.keys(lookup.responses['429'].headers)).toEqual(['X-Request-Id', 'Retry-After']);
  // Documented as required, still answered by the lookup itself: a problem naming the header.
  const refused = await fetch(`${t.url}/api/v1/exchange/licenses/91370000MA3C9XXXXX?type=business-license`, { headers: { authorization: `Bearer ${t.consumer.token}` } });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({ code: 'missing-purpose', field: 'header:x-purpose' });

  const token = document.paths['/oauth/token'].post;
  expect(Object.keys(token.requestBody.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  expect(token.security).toEqual([{ basic: [] }, {}]);
  const form = await fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${t.consumer.clientId}:${t.consumer.clientSecret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  expect(form.status).toBe(200);
  expect(form.headers.get('x-request-id')).toBeTruthy();
});
