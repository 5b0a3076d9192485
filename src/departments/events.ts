/** The departments capability's events: a system disabled, enabled, or given a new secret. */
import type { DomainEvent } from '../platform/events.ts';

export type ClientEvent = DomainEvent<'client.disabled' | 'client.enabled' | 'client.secret-rotated', { department: string; clientId: string; reason?: string }>;

export function clientEvent(type: ClientEvent['type'], department: string, clientId: string, actor: string, reason?: string): ClientEvent {
  return {
    type,
    subject: clientId,
    actor,
    at: new Date(),
    facts: { department, clientId },
    data: { department, clientId, ...(reason ? { reason } : {}) },
  };
}
