// Fixtures for the import tests: a platform on a fresh store with one issuing department, and
// files in a department's formats generated from the synthetic enterprises of the demo.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { OPERATOR } from '../support/platform.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, registerDepartment, type Department } from '../../src/departments/index.ts';
import { seededRandom, syntheticEnterprises, type SyntheticEnterprise } from '../../src/demo/synthetic.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type Platform } from '../../src/platform/platform.ts';
import type { Store } from '../../src/platform/store/store.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { authoriseIssuer, CREDIT_CODE_ALPHABET, generateCreditCode } from '../../src/standards/index.ts';
import { createTestStore } from '../support/store.ts';
import { TEST_SEED } from '../support/seed.ts';

export const MASTER_KEY = 'ab'.repeat(32);

/** The columns of a standard-header CSV: the standard's field names plus creditCode. */
export const STANDARD_COLUMNS = [
  'creditCode',
  'name',
  'entityType',
  'legalRepresentative',
  'registeredCapital',
  'establishedOn',
  'businessTermFrom',
  'businessTermTo',
  'domicile',
  'businessScope',
  'registrationAuthority',
  'issuedOn',
] as const;

export type Row = Record<string, string | null | undefined>;

export interface ImportTestPlatform {
  platform: Platform;
  dir: string;
  issuer: Department;
  /** A store URL a child process can reach (PostgreSQL runs only). */
  url?: string;
  close: () => Promise<void>;
}

let departmentSeed = TEST_SEED;

/** A department with a system of `roles`; with the issuer role it is also an authorised issuer of business licenses. */
export async function registerIssuer(platform: Platform, name = '山东省市场监督管理局', roles = ['issuer']): Promise<Department> {
  const store = platform.store;
  const random = seededRandom(departmentSeed++);
  const department: Department = {
    code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random }),
    name,
    nameEn: 'Shandong AMR',
    level: 'province',
    region: '370000',
  };
  await registerDepartment({ store: store }, OPERATOR, department);
  await createClient({ store: store }, OPERATOR, { departmentCode: department.code, roles });
  if (roles.includes('issuer')) await authoriseIssuer(platform, OPERATOR, 'business-license', { department: department.code, legalBasis: '《市场主体登记管理条例》（测试）' });
  return department;
}

/** A platform on a fresh test store (PGlite or PostgreSQL, per Vitest project) with one issuer. */
export async function startImportPlatform(): Promise<ImportTestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-import-'));
  const { store, url, drop } = await createTestStore({ migrated: true });
  const config = loadConfig({ dataDir: join(dir, 'data') }, { ...process.env, CERTBRIDGE_MASTER_KEY: MASTER_KEY, DATABASE_URL: '' });
  const platform = await openPlatform(config, store);
  const issuer = await registerIssuer(platform);
  return {
    platform,
    dir,
    issuer,
    url,
    close: async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Distinct synthetic enterprises; each seed gives a different set, so files do not overlap. */
export function enterprises(count: number, seed: number): SyntheticEnterprise[] {
  return [...syntheticEnterprises(count, seed)];
}

/** A row of the standard CSV, as a department exports it (empty businessTermTo = 长期). */
export function standardRow(e: SyntheticEnterprise, overrides: Row = {}): Row {
  return { creditCode: e.creditCode, ...e.data, ...overrides };
}

function csvField(value: string | null | undefined): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Row[], options: { bom?: boolean; eol?: string } = {}): string {
  const eol = options.eol ?? '\n';
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(','))];
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The same code with another final check character: fails only the check, as early codes do. */
export function legacyVariant(code: string): string {
  const last = code[17];
  const other = [...CREDIT_CODE_ALPHABET].find((c) => c !== last)!;
  return code.slice(0, 17) + other;
}

/** Parses the report (UTF-8 with BOM, RFC 4180 quoting) into objects keyed by column. */
export function parseReport(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Licenses of a holder written by an import, with the actor recorded on issue. */
export async function issuedBy(store: Store, actor: string): Promise<string[]> {
  const rows = await store.query<{ holder_code: string }>(
    `select l.holder_code from licenses l join license_events e on e.license_id = l.id and e.event = 'issued'
      where e.actor = $1 order by l.holder_code`,
    [actor],
  );
  return rows.rows.map((r) => r.holder_code);
}

export async function licenseCount(store: Store): Promise<number> {
  return Number((await store.query<{ n: number }>('select count(*)::int as n from licenses')).rows[0].n);
}
