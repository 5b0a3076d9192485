/** The standards' events: the registry of authorised issuers changed. */
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
