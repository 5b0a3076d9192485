/** The exchange's event: one call of the exchange (or one event delivery that carried license data), allowed or not. */
import type { DomainEvent } from '../platform/events.ts';
import type { AccessRecord } from './recorder.ts';

export interface Access {
  accessId: string;
  department: string | null;
  client: string | null;
  operation: AccessRecord['operation'];
  licenseType: string | null;
  purpose: string | null;
  fields: string[];
  basis: AccessRecord['basis'];
  basisIds: string[];
  outcome: AccessRecord['outcome'];
  status: number;
  problem: string | null;
  results?: Record<string, number>;
  expectedDailyVolume?: number;
}

/** Which holders were read is in the facts: the audit log writes one entry per holder, and no holder's entry names the others. */
export type AccessEvent = DomainEvent<'exchange.accessed', Access>;

export function accessedEvent(r: AccessRecord): AccessEvent {
  return {
    type: 'exchange.accessed',
    subject: r.accessId,
    actor: r.clientId ?? 'system',
    at: r.at,
    facts: {
      department: r.departmentCode,
      clientId: r.clientId,
      holderCodes: r.holderCodes,
      purpose: r.purpose,
      outcome: r.outcome,
      agreementId: r.basis === 'agreement' ? (r.basisIds[0] ?? null) : null,
      licenseType: r.licenseType,
    },
    data: {
      accessId: r.accessId,
      department: r.departmentCode,
      client: r.clientId,
      operation: r.operation,
      licenseType: r.licenseType,
      purpose: r.purpose,
      fields: [...r.fields],
      basis: r.basis,
      basisIds: [...r.basisIds],
      outcome: r.outcome,
      status: r.status,
      problem: r.problem,
      ...(r.results ? { results: r.results } : {}),
      ...(r.expectedDailyVolume ? { expectedDailyVolume: r.expectedDailyVolume } : {}),
    },
  };
}
