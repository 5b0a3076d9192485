/**
 * Every license type the coordination office publishes is a resource of the catalog at once, so
 * consumers can ask for it (docs/license-types.md): owned by the type's first issuer, one field per
 * field of the type with the sharing class its definition gives (无条件 / 有条件 / 不予共享). A newer
 * version of the type adds its new fields to the resource and brings the fields' classes up to date;
 * what the owner wrote about the resource otherwise stays.
 */
import type { LicenseTypeEvent } from '../standards/index.ts';
import type { Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';
import { createResource, findResourceForLicenseType, getEntry, updateResource, type CatalogEntry, type CatalogField, type SharingClass, type TypeFields } from './catalog.ts';

type TypeFacts = LicenseTypeEvent['data'];

const CLASS: Record<TypeFacts['fields'][number]['sharing'], SharingClass> = { unconditional: 'unconditional', conditional: 'conditional', none: 'not-shared' };

/** The resource's own class: conditional when any field is, else unconditional when any field is shared, else not shared. */
function resourceClass(fields: readonly CatalogField[]): SharingClass {
  const classes = new Set(fields.map((f) => f.sharingClass));
  return classes.has('conditional') ? 'conditional' : classes.has('unconditional') ? 'unconditional' : 'not-shared';
}

// In the provider's words, in Chinese, and in English for readers of the English console (two texts, not two languages joined).
const CONDITIONS = '仅限申请部门依法履行职责所需；只使用协议授予的字段，用于协议载明的用途；不得向第三方提供。';
const CONDITIONS_EN = 'Only as the requesting department needs to perform its statutory duties; only the fields the agreement grants, for the purpose it states; never passed on to a third party.';

const typeFieldsFrom = (type: TypeFacts): TypeFields => new Map(type.fields.map((f) => [f.name, { title: f.title, titleEn: f.titleEn }]));

function fieldsOf(type: TypeFacts, existing: readonly CatalogField[] = []): CatalogField[] {
  return type.fields.map((f) => {
    const before = existing.find((e) => e.name === f.name);
    return { name: f.name, sensitivity: before?.sensitivity ?? (f.public ? 'public' : 'internal'), title: f.title, titleEn: f.titleEn, sharingClass: CLASS[f.sharing] };
  });
}

/** Creates the type's resource, or brings its fields up to the type's newest version, in the caller's transaction. */
export async function syncLicenseTypeResource(platform: Platform, tx: Queryable, type: TypeFacts, owner: string, actor: string): Promise<CatalogEntry> {
  const existing = await findResourceForLicenseType(tx, type.key);
  if (!existing) {
    const fields = fieldsOf(type);
    const sharingClass = resourceClass(fields);
    return createResource(
      platform,
      {
        id: type.key,
        ownerDepartment: owner,
        title: `${type.name}（电子证照）`,
        titleEn: `${type.nameEn} (electronic)`,
        description: `${type.name}的登记事项，以发证机关签名的电子证照提供，按共享协议授予的字段披露。`,
        descriptionEn: `The particulars of the ${type.nameEn}, served as issuer-signed electronic licenses disclosing only the fields an agreement grants.`,
        licenseType: type.key,
        fields,
        sharingClass,
        conditions: sharingClass === 'conditional' ? CONDITIONS : null,
        conditionsEn: sharingClass === 'conditional' ? CONDITIONS_EN : null,
        legalBasis: type.legalBasis ?? (sharingClass === 'not-shared' ? type.name : null),
        updateCycle: 'realtime',
        accessModes: ['query', 'subscription', 'bulk'],
        serviceLevel: { availability: '99.9%', responseWorkingDays: 10, maxBatchSize: 1000 },
      },
      actor,
      typeFieldsFrom(type),
      tx,
    );
  }
  const current = await getEntry(tx, existing.id, true);
  const fields = fieldsOf(type, current.fields);
  const sharingClass = resourceClass(fields);
  return updateResource(
    platform,
    existing.id,
    {
      fields,
      sharingClass,
      conditions: current.conditions ?? (sharingClass === 'conditional' ? CONDITIONS : null),
      conditionsEn: current.conditions === null ? (sharingClass === 'conditional' ? CONDITIONS_EN : null) : current.conditionsEn,
      legalBasis: current.legalBasis ?? type.legalBasis,
      reason: `license type ${type.key} ${type.version} published`,
    },
    actor,
    () => typeFieldsFrom(type),
    tx,
  );
}

/** Listens to publications: the type's first issuer owns its resource (a type without issuers gets one when the demo or an owner registers it). */
export function attachLicenseTypeResources(platform: Platform): void {
  platform.events.on<LicenseTypeEvent>('standards.license-type-published', async (tx, events) => {
    for (const event of events) {
      const owner = event.data.issuers[0]?.department;
      if (owner) await syncLicenseTypeResource(platform, tx, event.data, owner, event.actor);
    }
  });
}
