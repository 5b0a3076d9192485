/** The ledger's events: what the coordination office changed (postings follow the log and are not events of their own). */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';

export interface PriceSet {
  priceId: number;
  resourceId: string;
  ownerDepartment: string;
  fenPerRecord: number;
  validFrom: string;
  validUntil: string | null;
  reason: string;
}

export interface Correction {
  journalId: number;
  month: string;
  debitDepartment: string;
  creditDepartment: string;
  fen: number;
  resourceId: string | null;
  records: number;
  corrects: number | null;
  reason: string;
}

export type LedgerEvent = DomainEvent<'ledger.price-set', PriceSet> | DomainEvent<'ledger.corrected', Correction>;

export function priceSetEvent(data: PriceSet, actor: string): LedgerEvent {
  return { type: 'ledger.price-set', subject: data.resourceId, actor, at: new Date(), facts: { department: data.ownerDepartment, clientId: clientOfActor(actor) }, data };
}

export function correctedEvent(data: Correction, actor: string): LedgerEvent {
  return { type: 'ledger.corrected', subject: String(data.journalId), actor, at: new Date(), facts: { department: data.debitDepartment, clientId: clientOfActor(actor) }, data };
}
