/** The quality capability's events: what departments did (reports, notes) and the full passes. Findings follow the log and are not events of their own. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';

export interface Reported {
  reportId: number;
  licenseType: string;
  holderCode: string;
  /** The department that reported what it holds. */
  department: string;
  /** The issuing department of the license compared with. */
  issuer: string;
  identifier: string;
  matched: string[];
  mismatched: string[];
  findings: number[];
}

export interface Noted {
  findingId: number;
  ruleId: string;
  dimension: string;
  identifier: string;
  department: string;
  holderCode: string;
  licenseType: string;
  note: string;
}

export interface PassCompleted {
  startedAt: string;
  licenses: number;
  opened: number;
  resolved: number;
}

export type QualityEvent = DomainEvent<'quality.reported', Reported> | DomainEvent<'quality.noted', Noted> | DomainEvent<'quality.pass-completed', PassCompleted>;

export function reportedEvent(data: Reported, actor: string): QualityEvent {
  return {
    type: 'quality.reported',
    subject: String(data.reportId),
    actor,
    at: new Date(),
    facts: { department: data.department, clientId: clientOfActor(actor), holderCodes: [data.holderCode], licenseType: data.licenseType },
    data,
  };
}

export function notedEvent(data: Noted, actor: string): QualityEvent {
  return {
    type: 'quality.noted',
    subject: String(data.findingId),
    actor,
    at: new Date(),
    facts: { department: data.department, clientId: clientOfActor(actor), holderCodes: [data.holderCode], licenseType: data.licenseType },
    data,
  };
}

export function passCompletedEvent(data: PassCompleted, actor: string): QualityEvent {
  return { type: 'quality.pass-completed', subject: data.startedAt, actor, at: new Date(), facts: { department: null, clientId: clientOfActor(actor) }, data };
}
