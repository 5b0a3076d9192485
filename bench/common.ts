import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { OperatorPrincipal } from '../src/platform/auth/principal.ts';
import { decideAgreement, submitAgreement } from '../src/agreements/index.ts';
import { registerResource } from '../src/catalog/index.ts';
import { createClient, findDepartment, registerDepartment } from '../src/departments/index.ts';
import type { ClientPrincipal } from '../src/policy/index.ts';
import { seededRandom } from '../src/demo/synthetic.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Platform } from '../src/platform/platform.ts';
import { MIGRATIONS, openPlatform } from '../src/app/platform.ts';
import { authoriseIssuer, generateCreditCode, shippedLicenseType } from '../src/standards/index.ts';

export type BenchStore = 'pglite' | 'postgres';

/** Benchmarks set up their departments and systems as the operator of the installation. */
export const OPERATOR: OperatorPrincipal = { kind: 'operator', name: 'bench' };

/** Which stores to run on: `--store pglite|postgres|both` (default both when PostgreSQL answers). */
export function storesFromArgs(argv = process.argv.slice(2)): BenchStore[] {
  const i = argv.indexOf('--store');
  const choice = i >= 0 ? argv[i + 1] : 'both';
  return choice === 'both' ? ['postgres', 'pglite'] : [choice as BenchStore];
}

export function numberArg(name: string, fallback: number, argv = process.argv.slice(2)): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

export function stringArg(name: string, fallback: string, argv = process.argv.slice(2)): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

export const POSTGRES_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchPlatform {
  platform: Platform;
  issuer: { code: string; name: string };
  databaseUrl?: string;
  close: () => Promise<void>;
}

/** A fresh platform for a benchmark: a new database on the local PostgreSQL, or a new PGlite folder. */
export async function openBenchPlatform(store: BenchStore): Promise<BenchPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-bench-'));
  let databaseUrl: string | undefined;
  let dropDatabase = async () => undefined as void;
  if (store === 'postgres') {
    const name = `certbridge_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => dropDatabaseOf(databaseUrl);
  }
  const config = loadConfig({ dataDir, databaseUrl }, { ...process.env, CERTBRIDGE_MASTER_KEY: 'be'.repeat(32), DATABASE_URL: databaseUrl ?? '' });
  const platform = await openPlatform(config);
  const issuer = {
    code: generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000' }),
    name: '山东省市场监督管理局',
  };
  await registerDepartment(platform, OPERATOR, { ...issuer, nameEn: 'Shandong AMR', level: 'province', region: '370000' });
  await createClient(platform, OPERATOR, { departmentCode: issuer.code, roles: ['issuer'], clientId: 'bench-issuer', secret: 'bench-issuer-secret' });
  for (const type of ['business-license', 'food-business-license']) await authoriseIssuer(platform, OPERATOR, type, { department: issuer.code, legalBasis: 'bench', validFrom: '2000-01-01' });
  return {
    platform,
    issuer,
    databaseUrl,
    // The database is dropped and the folder removed even when closing the store fails.
    close: async () => {
      try {
        await platform.store.close();
      } finally {
        await dropDatabase();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Drops a bench database (made by openBenchPlatform), whoever is still connected to it. */
export async function dropDatabaseOf(databaseUrl: string | undefined): Promise<void> {
  if (!databaseUrl) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^certbridge_bench_\d+$/.test(name)) throw new Error(`not a bench database: ${name}`);
  await dropDatabaseNamed(name);
}

/** Drops a database of the local PostgreSQL by name, whoever is still connected to it. */
async function dropDatabaseNamed(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Each migration's SQL, fingerprinted: a kept bench database is seeded again when a migration it
 * ran has changed since (or is gone); migrations added since are simply applied when it opens.
 */
export const schemaFingerprint = JSON.stringify(Object.fromEntries(MIGRATIONS.map((m) => [m.id, createHash('sha256').update(`${m.id}\n${m.sql}`).digest('hex')])));

/** The purpose of the exchange benches' agreement. */
export const EXCHANGE_PURPOSE = 'tax-administration';

export interface ExchangeParties {
  issuer: { code: string; name: string };
  owner: ClientPrincipal;
  consumer: ClientPrincipal;
}

/**
 * The market regulator (issuer, system bench-samr) and the tax service (consumer, bench-tax) of the
 * exchange benches, registered once per database: the same codes in every run, so a kept database
 * is recognised by bench:exchange, bench:scale and bench:soak alike.
 */
export async function exchangeParties(platform: Platform): Promise<ExchangeParties> {
  const random = seededRandom(20250301);
  const code = () => generateCreditCode({ registrationAuthority: '1', category: '1', divisionCode: '370000', random });
  const samr = { code: code(), name: '山东省市场监督管理局', nameEn: 'Shandong AMR', level: 'province' as const, region: '370000' };
  const tax = { code: code(), name: '国家税务总局山东省税务局', nameEn: 'Shandong Provincial Tax Service', level: 'province' as const, region: '370000' };
  if (!(await findDepartment(platform.store, samr.code))) {
    await registerDepartment(platform, OPERATOR, samr);
    await registerDepartment(platform, OPERATOR, tax);
    await createClient(platform, OPERATOR, { departmentCode: samr.code, roles: ['issuer'], clientId: 'bench-samr', secret: 'bench-samr-secret' });
    await createClient(platform, OPERATOR, { departmentCode: tax.code, roles: ['consumer'], clientId: 'bench-tax', secret: 'bench-tax-secret' });
    await authoriseIssuer(platform, OPERATOR, 'business-license', { department: samr.code, legalBasis: 'bench', validFrom: '2000-01-01' });
  }
  return {
    issuer: { code: samr.code, name: samr.name },
    owner: { kind: 'client', clientId: 'bench-samr', departmentCode: samr.code, roles: ['issuer'] },
    consumer: { kind: 'client', clientId: 'bench-tax', departmentCode: tax.code, roles: ['consumer'] },
  };
}

/** The tax service's active agreement on the business license (granting `granted`), made and approved once. */
export async function exchangeAgreement(platform: Platform, owner: ClientPrincipal, consumer: ClientPrincipal, granted: readonly string[]): Promise<string> {
  const existing = await platform.store.query<{ id: string }>("select id from agreements where consumer_department = $1 and status = 'active' limit 1", [consumer.departmentCode]);
  if (existing.rows[0]) return existing.rows[0].id;
  const standard = shippedLicenseType('business-license');
  await registerResource(platform, owner, {
    ownerDepartment: owner.departmentCode,
    title: '营业执照',
    titleEn: 'Business license',
    licenseType: 'business-license',
    fields: Object.keys((standard.dataSchema as { properties: Record<string, unknown> }).properties).map((name) => ({ name, sensitivity: 'internal' as const })),
    sharingClass: 'conditional',
    conditions: '依法履职所需',
    updateCycle: 'realtime',
    accessModes: ['query', 'subscription', 'bulk'],
  }).catch(() => undefined);
  const submitted = await submitAgreement(platform, consumer, {
    resourceId: 'business-license',
    purpose: EXCHANGE_PURPOSE,
    purposeDescription: '税务登记时核验企业登记信息',
    legalBasis: '《中华人民共和国税收征收管理法》',
    fields: [...granted, 'legalRepresentative'],
    expectedDailyVolume: 100_000_000,
    validUntil: '2099-12-31',
  });
  await decideAgreement(platform, owner, submitted.id, { decision: 'approve', reason: 'bench', fields: [...granted] });
  return submitted.id;
}

/**
 * A bench database kept between runs (bench:scale, bench:soak: loading millions takes long): made
 * unless it exists (`fresh` drops it first); `dropAtEnd` drops it unless `keep`.
 */
export async function keptBenchDatabase(name: string, options: { fresh: boolean; keep: boolean }, say: (line: string) => void): Promise<{ dropAtEnd: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
    if (exists && options.fresh) await admin.query(`drop database ${name} with (force)`);
    if (!exists || options.fresh) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    dropAtEnd: async () => {
      if (options.keep) return say(`kept: ${name}`);
      await dropDatabaseNamed(name);
      say(`dropped: ${name}`);
    },
  };
}

/** The URL of a database of the local PostgreSQL (the admin URL with another database). */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The platform on a kept bench database, as a server process opens it (a data folder of its own for what is not in the database). */
export function openOnDatabase(databaseUrl: string): Promise<Platform> {
  return openPlatform(loadConfig({ dataDir: mkdtempSync(join(tmpdir(), 'certbridge-bench-')), databaseUrl }, { ...process.env, DATABASE_URL: databaseUrl }));
}
