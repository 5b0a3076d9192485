/**
 * The practice capability's events: a person (or an enterprise) switched practice mode on or off, or reset their
 * copy. They are recorded (in the audit log) under the person, in their real department (an enterprise: under its code), with
 * `practice: true`; what the person does in practice is recorded too, under the copy's departments.
 */
import type { DomainEvent } from '../platform/events.ts';

export type PracticeEvent = DomainEvent<'practice.started' | 'practice.ended' | 'practice.reset', { practice: true; username: string; serial: number; previousSerial?: number }>;

/** `person`: a member of staff (username, real department) or an enterprise (`kind: 'holder'`: its credit code as both). */
export function practiceEvent(type: PracticeEvent['type'], person: { kind: 'person' | 'holder'; username: string; departmentCode: string }, serial: number, previousSerial?: number): PracticeEvent {
  const who = `${person.kind}:${person.username}`;
  return {
    type,
    subject: who,
    actor: who,
    at: new Date(),
    facts: person.kind === 'holder' ? { department: null, holderCodes: [person.username] } : { department: person.departmentCode },
    data: { practice: true, username: person.username, serial, ...(previousSerial !== undefined ? { previousSerial } : {}) },
  };
}
