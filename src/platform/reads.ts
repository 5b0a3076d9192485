/**
 * Reads by people, in the audit log. The exchange records every access of a department's systems;
 * a member of staff reading a license in full, its versions, evidence, a holder's access log or
 * authorisations, the audit log, a report or a staff list reads data just as surely, and was in no
 * record (the second outside test). Each capability calls `recordRead` where a person reads such
 * data: a `data.read` event, appended to the log by the audit capability's writer like every other
 * event, filed under the reader's department and — when the read concerns one holder — under that
 * holder, whose "who used my data" then shows it. A read that returns many holders at once (a
 * search by name) is one entry that counts them, not one per holder.
 */
import { actorOf, type Principal } from './auth/principal.ts';
import type { DomainEvent } from './events.ts';
import type { Platform } from './platform.ts';

export interface DataRead {
  /** What was read: `license`, `license-versions`, `license-search`, `license-print`, `evidence`, `access-log`, `authorisations`, `audit-search`, `audit-entry`, `report`, `staff-list`. */
  what: string;
  /** Which one: an identifier, an objection and file, a department, a month. */
  subject: string;
  /** The holder it concerns, when it concerns one. */
  holderCode?: string;
  /** The license type, when it is a license's data. */
  licenseType?: string;
  /** The fields shown, when it is a license's data. */
  fields?: string[];
  /** How many records (holders, entries, people) a list read returned. */
  count?: number;
}

export type DataReadEvent = DomainEvent<'data.read', DataRead & { reader: string; department: string | null }>;

export function dataReadEvent(principal: Principal, read: DataRead): DataReadEvent {
  const department = principal.kind === 'person' || principal.kind === 'client' ? principal.departmentCode : null;
  return {
    type: 'data.read',
    subject: read.subject,
    actor: actorOf(principal),
    at: new Date(),
    facts: { department, clientId: null, holderCodes: read.holderCode ? [read.holderCode] : [], licenseType: read.licenseType ?? null, outcome: 'read' },
    data: { ...read, reader: actorOf(principal), department },
  };
}

/** Records a person's read (in a transaction of its own, after the read: what was read was shown). Systems' reads are the exchange's to record; holders read their own. */
export async function recordRead(platform: Platform, principal: Principal, read: DataRead): Promise<void> {
  if (principal.kind !== 'person') return;
  await platform.store.transaction((tx) => platform.events.publish(tx, [dataReadEvent(principal, read)]));
}
