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
  /** The fields reported (their names: the values stay in the quality capability's own table). */
  fields: string[];
  matched: string[];
  mismatched: string[];
  /** The suspected findings the mismatches opened. */
  findings: number[];
  /** The fields whose mismatch independent departments now agree on: their findings count. */
  corroborated: string[];
}

export interface Confirmed {
  findingId: number;
  ruleId: string;
  identifier: string;
  department: string;
  holderCode: string;
  licenseType: string;
  reportedBy: string | null;
}

export interface ReportsDismissed {
  /** The issuing department that dismissed them. */
  issuer: string;
  /** The reporting department whose reports it dismissed. */
  reporter: string;
  findings: number;
  reports: number;
  reason: string;
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

export type QualityEvent =
  | DomainEvent<'quality.reported', Reported>
  | DomainEvent<'quality.noted', Noted>
  | DomainEvent<'quality.confirmed', Confirmed>
  | DomainEvent<'quality.reports-dismissed', ReportsDismissed>
  | DomainEvent<'quality.pass-completed', PassCompleted>;

/** Filed under the reporting department and the holder: a report is a use of the holder's data, in its access log. */
export function reportedEvent(data: Reported, actor: string): QualityEvent {
  return {
    type: 'quality.reported',
    subject: String(data.reportId),
    actor,
    at: new Date(),
    facts: { department: data.department, clientId: clientOfActor(actor), holderCodes: [data.holderCode], licenseType: data.licenseType, outcome: 'reported' },
    data,
  };
}

export function confirmedEvent(data: Confirmed, actor: string): QualityEvent {
  return {
    type: 'quality.confirmed',
    subject: String(data.findingId),
    actor,
    at: new Date(),
    facts: { department: data.department, clientId: clientOfActor(actor), holderCodes: [data.holderCode], licenseType: data.licenseType },
    data,
  };
}

export function dismissedEvent(data: ReportsDismissed, actor: string): QualityEvent {
  return { type: 'quality.reports-dismissed', subject: data.reporter, actor, at: new Date(), facts: { department: data.issuer, clientId: clientOfActor(actor) }, data };
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
