/**
 * The demo (`npm start`): one staff account per role in the demo's departments and one enterprise
 * account for a demo license holder, seeded idempotently and printed with the console's URL; each
 * printed account signs in to the console.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { demoAccounts, demoAccountsText, demoEnterprise, seedDemoAccounts } from '../../src/demo/accounts.ts';
import { demoDepartments, seedDemo } from '../../src/demo/seed.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { createTestStore } from '../support/store.ts';
import { sequence } from '../../src/audit/index.ts';
import { postLookups, readStatement } from '../../src/ledger/index.ts';
import { listObjections } from '../../src/objections/index.ts';
import { systemPrincipal } from '../../src/platform/auth/principal.ts';
import { listFindings } from '../../src/quality/index.ts';
import { Browser } from './support.ts';

let platform: Platform;
let app: FastifyInstance;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-demo-'));
  const { store, drop } = await createTestStore({ migrated: true });
  platform = await openPlatform(loadConfig({ dataDir, port: 0 }, { ...process.env, CERTBRIDGE_MASTER_KEY: 'cd'.repeat(32), DATABASE_URL: '' }), store);
  // A small province: the demo enterprise is among the first synthetic ones.
  expect(await seedDemo(platform, 20)).toBe(true);
  app = await buildServer(platform);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}, 120_000);
afterAll(() => close());

describe('the demo accounts', () => {
  it('are seeded once: one per role in the demo departments and the demo enterprise; a second start opens none', async () => {
    const opened = await seedDemoAccounts(platform);
    expect(opened.map((a) => a.role)).toEqual(['issuer', 'consumer', 'coordinator', 'enterprise']);
    expect(await seedDemoAccounts(platform)).toEqual([]);
    const departments = demoDepartments();
    const codeOf = (key: string) => departments.find((d) => d.key === key)!.code;
    const people = await platform.store.query<{ username: string; role: string; department_code: string }>('select username, role, department_code from people order by username');
    expect(people.rows).toEqual([
      { username: 'demo.consumer', role: 'consumer', department_code: codeOf('tax') },
      { username: 'demo.coordinator', role: 'coordinator', department_code: codeOf('coordinator') },
      { username: 'demo.issuer', role: 'issuer', department_code: codeOf('samr') },
    ]);
    const holders = await platform.store.query<{ holder_code: string }>('select holder_code from holder_accounts');
    expect(holders.rows).toEqual([{ holder_code: demoEnterprise().creditCode }]);
  });

  it('the printed text names the console URL and every account with its password', () => {
    const text = demoAccountsText('http://127.0.0.1:3000');
    expect(text).toContain('Open the console at http://127.0.0.1:3000/ and sign in');
    for (const account of demoAccounts()) {
      expect(text).toMatch(new RegExp(`username: ${account.username.replace('.', '\\.')}\\s+password: ${account.password}`));
    }
  });

  it('each printed account signs in to the console, with its department and role, or as the enterprise', async () => {
    const departments = demoDepartments();
    const nameOf = (key: string) => departments.find((d) => d.key === key)!.name;
    const expected = {
      issuer: { kind: 'person', roles: ['issuer'], departmentName: nameOf('samr') },
      consumer: { kind: 'person', roles: ['consumer'], departmentName: nameOf('tax') },
      coordinator: { kind: 'person', roles: ['coordinator'], departmentName: nameOf('coordinator') },
      enterprise: { kind: 'holder', holderCode: demoEnterprise().creditCode, name: demoEnterprise().name },
    };
    for (const account of demoAccounts()) {
      const b = new Browser(url);
      const answer = await b.signIn(account.username, account.password);
      expect(answer.status, account.role).toBe(200);
      expect(answer.body.principal).toMatchObject(expected[account.role]);
      expect((await b.request('GET', '/api/v1/session')).status).toBe(200);
    }
  });
});

describe('a month of activity in the demo', () => {
  it('the demo catalog states every resource’s sharing conditions in Chinese and in English', async () => {
    const conditional = await platform.store.query<{ id: string; conditions: string; conditions_en: string | null }>(
      `select id, conditions, conditions_en from catalog_resources where sharing_class = 'conditional' order by id`,
    );
    expect(conditional.rows.length).toBeGreaterThan(0);
    for (const r of conditional.rows) {
      expect(r.conditions, r.id).toMatch(/[\u4e00-\u9fff]/);
      expect(r.conditions, r.id).not.toMatch(/[a-z]{3}/i);
      expect(r.conditions_en, r.id).toMatch(/^[A-Z][^\u4e00-\u9fff]+$/);
    }
  });

  it('the tax bureau has looked licenses up at the set price, reported a name that differs and objected to it', async () => {
    const departments = demoDepartments();
    const staff = (key: string) => {
      const d = departments.find((x) => x.key === key)!;
      return { kind: 'client' as const, clientId: `demo-${key}`, departmentCode: d.code, roles: d.roles };
    };
    await sequence(platform);
    await postLookups(platform, systemPrincipal('ledger'));
    const tax = await readStatement(platform, staff('tax'), {});
    // This small province has 20 enterprises: the tax bureau read all 20 at 0.10 yuan, social security
    // all 20 too; the market regulation administration is credited both.
    expect(tax.debits).toBe(200);
    expect((await readStatement(platform, staff('samr'), {})).credits).toBe(400);
    const queue = await listObjections(platform, staff('samr'), { role: 'issuer' });
    expect(queue.items.map((o) => ({ status: o.status, fields: o.fields }))).toEqual([{ status: 'submitted', fields: ['name'] }]);
    const findings = await listFindings(platform, staff('samr'), { dimension: 'consistency' });
    expect(findings.items).toHaveLength(1);
  });
});
