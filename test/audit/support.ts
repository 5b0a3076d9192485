import { randomUUID } from 'node:crypto';
import { accessedEvent, type AccessRecord } from '../../src/exchange/index.ts';
import { licenseEvent as buildLicenseEvent } from '../../src/licenses/events.ts';
import type { DomainEvent } from '../../src/platform/events.ts';
import type { Platform } from '../../src/platform/platform.ts';

/** An `exchange.accessed` event, built as the exchange's access recorder builds it. */
export function accessEvent(p: {
  department: string;
  client: string;
  holders: string[];
  purpose?: string;
  outcome?: string;
  fields?: string[];
  agreementId?: string;
  at?: Date;
}): DomainEvent {
  const outcome = (p.outcome ?? 'allowed') as AccessRecord['outcome'];
  return accessedEvent({
    accessId: randomUUID(),
    at: p.at ?? new Date(),
    departmentCode: p.department,
    clientId: p.client,
    operation: p.holders.length > 1 ? 'batch' : 'lookup',
    licenseType: 'business-license',
    purpose: p.purpose ?? 'tax-administration',
    holderCodes: p.holders,
    fields: outcome === 'allowed' ? (p.fields ?? ['name', 'registeredCapital']) : [],
    basis: p.agreementId ? 'agreement' : null,
    basisIds: p.agreementId ? [p.agreementId] : [],
    outcome,
    status: outcome === 'allowed' ? 200 : 403,
    problem: outcome === 'allowed' ? null : 'no-agreement',
  });
}

/** A `license.*` event, built as the licenses capability builds it. */
export function licenseEvent(type: string, holderCode: string, issuerCode: string, n: number): DomainEvent {
  const identifier = `1.2.156.3005.2.11100000MB0143028R001.${issuerCode}.${String(n).padStart(8, '0')}.001.X`;
  return buildLicenseEvent(type as 'issued', { identifier, version: 1, typeKey: 'business-license', issuerCode, holderCode, status: 'valid', data: { name: `企业${n}`, registeredCapital: `${n}万元人民币` } }, 'samr-system');
}

/** Publishes events in one transaction, as a capability does with its change. */
export function publish(platform: Platform, events: DomainEvent[]): Promise<void> {
  return platform.store.transaction((tx) => platform.events.publish(tx, events));
}

export const HOLDERS = ['91370100MA3C0QXB7T', '91370200MA3C1GRU2D', '91370300MA3C2W8N0K', '91370400MA3C3AQG4B'];
