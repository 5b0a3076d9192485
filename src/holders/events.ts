/** The holders capability's events: an account opened, an authorisation (授权) granted or revoked. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';
import type { Authorisation } from './authorisations.ts';

export type HolderAccountEvent = DomainEvent<'holder.account-created', { accountId: string; holderCode: string }>;
export type AuthorisationEvent = DomainEvent<'authorisation.granted' | 'authorisation.revoked', Authorisation>;
export type HoldersEvent = HolderAccountEvent | AuthorisationEvent;

export function accountCreatedEvent(accountId: string, holderCode: string, actor: string): HolderAccountEvent {
  return { type: 'holder.account-created', subject: holderCode, actor, at: new Date(), facts: { department: null, clientId: clientOfActor(actor), holderCodes: [holderCode] }, data: { accountId, holderCode } };
}

export function authorisationEvent(type: AuthorisationEvent['type'], a: Authorisation, actor: string): AuthorisationEvent {
  return {
    type,
    subject: a.id,
    actor,
    at: new Date(),
    // Filed under the department it authorises (when it names one), and the holder it is about.
    facts: { department: 'department' in a.grantee ? a.grantee.department : null, clientId: 'clientId' in a.grantee ? a.grantee.clientId : null, holderCodes: [a.holderCode], purpose: a.purpose, licenseType: a.type },
    data: { ...a },
  };
}
