/** The catalog's events: a resource registered or described anew (a new version). */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';
import type { CatalogResource } from './catalog.ts';

export interface ResourceChange {
  resourceId: string;
  version: number;
  ownerDepartment: string;
  licenseType: string | null;
  dataset: string | null;
  sharingClass: string;
  fields: string[];
  reason?: string;
}

export type CatalogEvent = DomainEvent<'catalog.resource-created' | 'catalog.resource-updated', ResourceChange>;

export function resourceEvent(type: CatalogEvent['type'], r: CatalogResource, actor: string, reason?: string | null): CatalogEvent {
  return {
    type,
    subject: r.id,
    actor,
    at: new Date(),
    facts: { department: r.ownerDepartment, clientId: clientOfActor(actor), licenseType: r.licenseType },
    data: {
      resourceId: r.id,
      version: r.version,
      ownerDepartment: r.ownerDepartment,
      licenseType: r.licenseType,
      dataset: r.dataset,
      sharingClass: r.sharingClass,
      fields: r.fields.map((f) => f.name),
      ...(reason ? { reason } : {}),
    },
  };
}
