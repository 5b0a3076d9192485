/**
 * The practice capability's events: a person switched practice mode on or off, or reset their
 * copy. They are recorded (in the audit log) under the person, in their real department, with
 * `practice: true`; what the person does in practice is recorded too, under the copy's departments.
 */
import type { DomainEvent } from '../platform/events.ts';

export type PracticeEvent = DomainEvent<'practice.started' | 'practice.ended' | 'practice.reset', { practice: true; username: string; serial: number; previousSerial?: number }>;

export function practiceEvent(type: PracticeEvent['type'], person: { username: string; departmentCode: string }, serial: number, previousSerial?: number): PracticeEvent {
  return {
    type,
    subject: `person:${person.username}`,
    actor: `person:${person.username}`,
    at: new Date(),
    facts: { department: person.departmentCode },
    data: { practice: true, username: person.username, serial, ...(previousSerial !== undefined ? { previousSerial } : {}) },
  };
}
