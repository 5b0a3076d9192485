import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { OperatorPrincipal } from '../src/platform/auth/principal.ts';
import { createClient, registerDepartment } from '../src/departments/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Platform } from '../src/platform/platform.ts';
import { openPlatform } from '../src/app/platform.ts';
import { authoriseIssuer, generateCreditCode } from '../src/standards/index.ts';

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
