/**
 * Drafting and publishing license types (the coordination office; docs/license-types.md). A draft
 * may be replaced until it is published; publishing checks it again against the newest published
 * version, records its issuers in the registry of authorised issuers, lets the catalog create the
 * type's resource (a listener of the event, in the same transaction), writes the audit entry and
 * tells every process, which serve the type from then on.
 */
import { actorOf, type Principal } from '../platform/auth/principal.ts';
import { chinaDate } from '../platform/chinaTime.ts';
import { conflict, DomainError, notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize, decide } from '../policy/index.ts';
import type { LicenseTypeEvent } from './events.ts';
import { clientOfActor } from '../platform/events.ts';
import { recordAuthorisation } from './issuers.ts';
import { compareVersions, compileLicenseType, validateTypeDefinition, type LicenseTypeDefinition, type LicenseTypeStandard } from './licenseType.ts';
import { LICENSE_TYPE_CHANGES, licenseTypeRegistry } from './licenseTypes.ts';

export type TypeVersionStatus = 'draft' | 'published';

/** One version of a type, as the API shows it. */
export interface LicenseTypeVersionView {
  key: string;
  version: string;
  status: TypeVersionStatus;
  name: string;
  nameEn: string;
  typeCode: string;
  vct: string;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

interface Row {
  key: string;
  version: string;
  status: TypeVersionStatus;
  document: LicenseTypeDefinition;
  created_by: string;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
}

const COLUMNS = 'key, version, status, document, created_by, created_at, published_by, published_at';

function view(row: Row): LicenseTypeVersionView {
  const standard = compileLicenseType(row.document);
  return {
    key: row.key,
    version: row.version,
    status: row.status,
    name: standard.name,
    nameEn: standard.nameEn,
    typeCode: standard.typeCode,
    vct: standard.vct,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    publishedBy: row.published_by,
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}

const typeResource = (key: string) => ({ type: 'LicenseType', id: key, attrs: { key } });

/** Every problem of a definition as one 400: the first pointer is the field, all of them in `errors`. */
function refuse(errors: { pointer: string; message: string }[]): DomainError {
  return new DomainError('invalid', 'invalid-type-definition', `the license type definition has ${errors.length} error(s): ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`, {
    field: errors[0]?.pointer || '/',
    details: { errors },
  });
}

/** Checks a definition as publishing would (offline: `certbridge types validate`, the console's editor). */
export function checkDefinition(platform: Platform | undefined, input: unknown): ReturnType<typeof validateTypeDefinition> {
  const key = typeof (input as { key?: unknown } | null)?.key === 'string' ? (input as { key: string }).key : undefined;
  const previous = platform && key ? licenseTypeRegistry(platform).find(key) : undefined;
  return validateTypeDefinition(input, previous?.definition);
}

/** Creates (or replaces) the draft of a type version. */
export async function draftLicenseType(platform: Platform, principal: Principal, input: unknown): Promise<LicenseTypeVersionView> {
  const key = typeof (input as { key?: unknown } | null)?.key === 'string' ? (input as { key: string }).key : '*';
  authorize(principal, 'license-type:draft', typeResource(key));
  const version = (input as { version?: unknown }).version;
  if (typeof version === 'string' && licenseTypeRegistry(platform).find(key, version)) {
    throw conflict('type-version-published', `${key} ${version} is published and never changes: give the new definition a new version`, '/version');
  }
  const check = checkDefinition(platform, input);
  if (!check.ok) throw refuse(check.errors);
  const definition = check.definition;
  const actor = actorOf(principal);
  return platform.store.transaction(async (tx) => {
    const existing = (await tx.query<Row>(`select ${COLUMNS} from license_type_versions where key = $1 and version = $2 for update`, [definition.key, definition.version])).rows[0];
    if (existing?.status === 'published') throw conflict('type-version-published', `${definition.key} ${definition.version} is published and never changes: give the new definition a new version`, '/version');
    const row = (
      await tx.query<Row>(
        `insert into license_type_versions (key, version, status, document, created_by) values ($1, $2, 'draft', $3::jsonb, $4)
         on conflict (key, version) do update set document = excluded.document, created_by = excluded.created_by, created_at = now()
         returning ${COLUMNS}`,
        [definition.key, definition.version, JSON.stringify(definition), actor],
      )
    ).rows[0];
    await platform.events.publish(tx, [typeEvent('standards.license-type-drafted', compileLicenseType(definition), actor)]);
    return view(row);
  });
}

/** Publishes a draft: from its commit, every process serves the type. */
export async function publishLicenseType(platform: Platform, principal: Principal, key: string, version: string): Promise<LicenseTypeVersionView> {
  authorize(principal, 'license-type:publish', typeResource(key));
  const actor = actorOf(principal);
  const published = await platform.store.transaction(async (tx) => {
    // One publication at a time per type: the newest published version is read under this lock.
    await tx.query('select pg_advisory_xact_lock(7261015, hashtext($1))', [key]);
    const row = (await tx.query<Row>(`select ${COLUMNS} from license_type_versions where key = $1 and version = $2 for update`, [key, version])).rows[0];
    if (!row) throw notFound('type-version-not-found', `there is no draft ${key} ${version}: POST the definition to /api/v1/license-types first`);
    if (row.status === 'published') throw conflict('type-version-published', `${key} ${version} is already published`);
    const newest = await newestPublished(tx, key);
    const check = validateTypeDefinition(row.document, newest);
    if (!check.ok) throw refuse(check.errors);
    const standard = compileLicenseType(check.definition);
    const today = chinaDate();
    for (const [i, issuer] of standard.issuers.entries()) {
      await recordAuthorisation(tx, platform, key, { department: issuer.department, legalBasis: issuer.legalBasis, validFrom: today }, actor, `/issuers/${i}/department`);
    }
    const updated = (
      await tx.query<Row>(`update license_type_versions set status = 'published', published_by = $3, published_at = now() where key = $1 and version = $2 returning ${COLUMNS}`, [key, version, actor])
    ).rows[0];
    await platform.events.publish(tx, [typeEvent('standards.license-type-published', standard, actor)]);
    await platform.changes.announce(tx, LICENSE_TYPE_CHANGES, `${key}@${version}`);
    return view(updated);
  });
  // This process serves it before answering; the others load it on the announcement.
  await licenseTypeRegistry(platform).load();
  return published;
}

async function newestPublished(db: Queryable, key: string): Promise<LicenseTypeDefinition | undefined> {
  const rows = await db.query<{ version: string; document: LicenseTypeDefinition }>(`select version, document from license_type_versions where key = $1 and status = 'published'`, [key]);
  return rows.rows.map((r) => r.document).sort((a, b) => compareVersions(b.version, a.version))[0];
}

export function typeEvent(type: LicenseTypeEvent['type'], standard: LicenseTypeStandard, actor: string): LicenseTypeEvent {
  const properties = standard.dataSchema.properties;
  return {
    type,
    subject: `${standard.key}@${standard.version}`,
    actor,
    at: new Date(),
    facts: { department: standard.issuers[0]?.department ?? null, clientId: clientOfActor(actor), licenseType: standard.key },
    data: {
      key: standard.key,
      version: standard.version,
      name: standard.name,
      nameEn: standard.nameEn,
      typeCode: standard.typeCode,
      vct: standard.vct,
      legalBasis: standard.legalBasis,
      issuers: standard.issuers,
      fields: Object.entries(properties).map(([name, schema]) => ({ name, title: schema.title, titleEn: schema['x-title-en'], sharing: standard.sharing[name], public: standard.publicFields.includes(name) })),
    },
  };
}

/** The types a platform serves (their newest published versions). */
export function listLicenseTypes(platform: Platform): LicenseTypeStandard[] {
  return licenseTypeRegistry(platform).all();
}

/** Every version of a type (drafts only for whoever may read them), oldest first. */
export async function licenseTypeHistory(platform: Platform, principal: Principal | undefined, key: string): Promise<LicenseTypeVersionView[]> {
  const drafts = principal !== undefined && decide(principal, 'license-type:read-drafts', typeResource(key)).allowed;
  const rows = await platform.store.query<Row>(`select ${COLUMNS} from license_type_versions where key = $1 ${drafts ? '' : "and status = 'published'"}`, [key]);
  return rows.rows.map(view).sort((a, b) => compareVersions(a.version, b.version));
}

/** One version's document (a draft only for whoever may read drafts). */
export async function licenseTypeVersion(platform: Platform, principal: Principal | undefined, key: string, version: string): Promise<{ view: LicenseTypeVersionView; definition: LicenseTypeDefinition }> {
  const row = (await platform.store.query<Row>(`select ${COLUMNS} from license_type_versions where key = $1 and version = $2`, [key, version])).rows[0];
  const visible = row && (row.status === 'published' || (principal !== undefined && decide(principal, 'license-type:read-drafts', typeResource(key)).allowed));
  if (!visible) throw notFound('type-version-not-found', `no license type ${key} ${version}`);
  return { view: view(row), definition: row.document };
}
