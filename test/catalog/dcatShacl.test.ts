/**
 * The catalog's DCAT-AP export conforms to the official DCAT-AP 3.0.0 SHACL shapes (shapes and
 * class ranges): the demo province's whole catalog (business and food business licenses, the
 * departments' datasets) has no violation and no invalid IRI; URL templates are described as Hydra
 * IRI templates, never used as IRIs. And the check can fail: a template used as an access URL, or
 * an untyped media type, is caught.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { catalogDcat } from '../../src/catalog/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { createTestStore } from '../support/store.ts';
import { listDepartments } from '../../src/departments/index.ts';
import type { Principal } from '../../src/platform/auth/principal.ts';
import { validateDcat } from './shacl.ts';

let platform: Platform;
let drop: () => Promise<void>;
let reader: Principal;
beforeAll(async () => {
  const opened = await createTestStore({ migrated: true });
  drop = opened.drop;
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-dcat-'));
  platform = await openPlatform(loadConfig({ dataDir, port: 0 }, { ...process.env, CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: '' }), opened.store);
  expect(await seedDemo(platform, 20)).toBe(true);
  // A department's system reads the catalog (the export is for consumers).
  reader = { kind: 'client', clientId: 'dcat-test', departmentCode: (await listDepartments(platform.store))[0].code, roles: ['consumer'] };
}, 120_000);
afterAll(() => drop?.());

type Doc = { 'dcat:dataset': { 'dct:identifier': string; 'dcat:distribution': Record<string, unknown>[] }[] };

it('the demo catalog has no violation of the DCAT-AP 3.0.0 shapes and no invalid IRI', async () => {
  const doc = (await catalogDcat(platform, reader, {})) as Doc;
  expect(doc['dcat:dataset'].length).toBeGreaterThanOrEqual(3);
  const report = await validateDcat(doc);
  expect(report.triples).toBeGreaterThan(200);
  expect(report.invalidIris).toEqual([]);
  expect(report.violations).toEqual([]);
  const lookup = doc['dcat:dataset'].flatMap((d) => d['dcat:distribution']).find((d) => d['hydra:search']) as { 'hydra:search': { 'hydra:template': string } };
  expect(lookup['hydra:search']['hydra:template']).toMatch(/\/api\/v1\/exchange\/licenses\/\{holderCode\}\?type=/);
});

it('catches a URL template used as an IRI and an object not of the profile’s range', async () => {
  const doc = structuredClone((await catalogDcat(platform, reader, {})) as Doc);
  const distribution = doc['dcat:dataset'][0]['dcat:distribution'][0];
  distribution['dcat:accessURL'] = 'https://example.invalid/licenses/{holderCode}';
  distribution['dcat:mediaType'] = { '@id': 'https://www.iana.org/assignments/media-types/text/csv' }; // typed nowhere else in the graph
  const report = await validateDcat(doc);
  expect(report.invalidIris).toEqual(['https://example.invalid/licenses/{holderCode}']);
  expect(report.violations.map((v) => v.path)).toContain('http://www.w3.org/ns/dcat#mediaType');
});
