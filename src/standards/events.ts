/** The standards' events: the registry of authorised issuers changed; a license type was drafted or published. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';

export type IssuerRegistryEvent = DomainEvent<
  'standards.issuer-authorised' | 'standards.issuer-withdrawn',
  { licenseType: string; department: string; legalBasis?: string; validFrom?: string; validUntil?: string; reason?: string }
>;

export function issuerRegistryEvent(type: IssuerRegistryEvent['type'], licenseType: string, department: string, actor: string, facts: Record<string, string>): IssuerRegistryEvent {
  return {
    type,
    subject: `${licenseType}/${department}`,
    actor,
    at: new Date(),
    facts: { department, clientId: clientOfActor(actor), licenseType },
    data: { licenseType, department, ...facts },
  };
}

/** A license type version drafted or published (the audit log keeps every one; the catalog creates the type's resource). */
export type LicenseTypeEvent = DomainEvent<
  'standards.license-type-drafted' | 'standards.license-type-published',
  {
    key: string;
    version: string;
    name: string;
    nameEn: string;
    typeCode: string;
    vct: string;
    legalBasis: string | null;
    /** The first issuer owns the type's catalog resource. */
    issuers: { department: string; legalBasis: string }[];
    fields: { name: string; title: string; titleEn: string; sharing: 'unconditional' | 'conditional' | 'none'; public: boolean }[];
  }
>;

export type StandardsEvent = IssuerRegistryEvent | LicenseTypeEvent;
