/**
 * The license types a platform serves (证照类型): documents the coordination office drafts and
 * publishes (docs/license-types.md), kept in `license_type_versions`. A published version never
 * changes; a newer one may add fields; licenses keep the version they were issued under.
 *
 * Every process keeps the published versions in memory (read at open, so every capability asks
 * synchronously) and reloads them the moment any process publishes: the change is announced in the
 * publishing transaction (PostgreSQL NOTIFY at commit), so it reaches every process within
 * milliseconds, with no restart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Platform } from '../platform/platform.ts';
import { perPlatform } from '../platform/platform.ts';
import type { Migration } from '../platform/store/migrate.ts';
import { compareVersions, loadLicenseType, type LicenseTypeDefinition, type LicenseTypeStandard } from './licenseType.ts';

export const LICENSE_TYPE_CHANGES = 'standards.license-types';

interface VersionRow {
  key: string;
  version: string;
  document: LicenseTypeDefinition;
}

/** The published versions of every type, in memory. */
export class LicenseTypeRegistry {
  private byKey = new Map<string, LicenseTypeStandard[]>();
  private byVct = new Map<string, LicenseTypeStandard[]>();
  private loading?: Promise<void>;
  private stale = false;

  constructor(private readonly platform: Platform) {
    platform.changes.on(LICENSE_TYPE_CHANGES, () => void this.load().catch((error: unknown) => platform.log.error({ err: error }, 'license types: reloading after a publication failed')));
    platform.changes.onReset(() => void this.load().catch(() => undefined));
  }

  /** Reads every published version from the store (again); concurrent calls share one read, and a call during a read reads once more after it. */
  load(): Promise<void> {
    if (this.loading) {
      this.stale = true;
      return this.loading;
    }
    const run = async () => {
      do {
        this.stale = false;
        const rows = await this.platform.store.query<VersionRow>(`select key, version, document from license_type_versions where status = 'published'`);
        const byKey = new Map<string, LicenseTypeStandard[]>();
        const byVct = new Map<string, LicenseTypeStandard[]>();
        for (const row of rows.rows) {
          const standard = this.compiled(row);
          byKey.set(standard.key, [...(byKey.get(standard.key) ?? []), standard]);
          byVct.set(standard.vct, [...(byVct.get(standard.vct) ?? []), standard]);
        }
        for (const list of [...byKey.values(), ...byVct.values()]) list.sort((a, b) => compareVersions(a.version, b.version));
        this.byKey = byKey;
        this.byVct = byVct;
      } while (this.stale);
    };
    const loading = run().finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  /** The compiled form of a stored version; a version already compiled is kept (published versions never change). */
  private compiled(row: VersionRow): LicenseTypeStandard {
    const known = this.byKey.get(row.key)?.find((s) => s.version === row.version);
    return known ?? loadLicenseType(row.document, `${row.key}@${row.version}`);
  }

  /** The newest published version of a type, or a given one. */
  find(key: string, version?: string): LicenseTypeStandard | undefined {
    const versions = this.byKey.get(key);
    if (!versions) return undefined;
    return version === undefined ? versions[versions.length - 1] : versions.find((s) => s.version === version);
  }

  /** Every published version of a type, oldest first. */
  versions(key: string): readonly LicenseTypeStandard[] {
    return this.byKey.get(key) ?? [];
  }

  /** The newest version of every type, by key. */
  all(): LicenseTypeStandard[] {
    return [...this.byKey.values()].map((versions) => versions[versions.length - 1]).sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The type a credential's vct names (its newest version). */
  findByVct(vct: string): LicenseTypeStandard | undefined {
    const versions = this.byVct.get(vct);
    return versions?.[versions.length - 1];
  }
}

export const licenseTypeRegistry = perPlatform((platform) => new LicenseTypeRegistry(platform));

/** The newest published version of a type (or the given version); undefined for a type the platform does not serve. */
export const findLicenseType = (platform: Platform, key: string, version?: string): LicenseTypeStandard | undefined => licenseTypeRegistry(platform).find(key, version);

/** The data fields of a type (its newest version: every version's fields are among them). */
export const licenseTypeFields = (platform: Platform, key: string): string[] => Object.keys(findLicenseType(platform, key)?.dataSchema.properties ?? {});

/** The newest published version of every type. */
export const licenseTypesOf = (platform: Platform): LicenseTypeStandard[] => licenseTypeRegistry(platform).all();

// ── The shipped types: documents in ./types, published by a migration of their own ──

const TYPES_DIR = new URL('./types/', import.meta.url);

/** The type documents shipped with the platform (src/standards/types/*.json). */
export function shippedDefinitions(): LicenseTypeDefinition[] {
  return readdirSync(TYPES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, TYPES_DIR), 'utf8')) as LicenseTypeDefinition);
}

/** A shipped type, compiled, without a platform (the demo, tests and benchmarks). */
export function shippedLicenseType(key: string): LicenseTypeStandard {
  const definition = shippedDefinitions().find((d) => d.key === key);
  if (!definition) throw new Error(`no shipped license type ${key}`);
  return loadLicenseType(definition, `types/${key}.json`);
}

/**
 * Each shipped version is published by its own migration, so every store has it from its first
 * start, an existing installation gains a newly shipped version by upgrading, and a version once
 * published is never rewritten. Dollar quoting keeps the document verbatim.
 */
export function shippedTypeMigrations(): Migration[] {
  return shippedDefinitions().map((definition) => ({
    id: `standards/shipped-type:${definition.key}@${definition.version}`,
    // The document is checked when its migration runs, not when the module loads: a start loaded
    // (checked and compiled) every shipped type here and again in the registry, ~0.2 s for nothing.
    get sql() {
      const standard = loadLicenseType(definition, `types/${definition.key}.json`);
      const json = JSON.stringify(definition);
      let tag = 'doc';
      while (json.includes(`$${tag}$`)) tag += '_';
      return `insert into license_type_versions (key, version, status, document, created_by, published_by, published_at)
            values ('${standard.key}', '${standard.version}', 'published', $${tag}$${json}$${tag}$::jsonb, 'platform', 'platform', now())
            on conflict (key, version) do nothing;`;
    },
  }));
}
