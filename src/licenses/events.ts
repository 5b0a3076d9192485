/** The licenses capability's events: what other capabilities (the outbox, the audit log) receive. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';
import type { LicenseEvent as LifecycleEvent, LicenseStatus } from './lifecycle/lifecycle.ts';
import type { LicenseData } from './lifecycle/licenseData.ts';

export interface LicenseChange {
  identifier: string;
  version: number;
  typeKey: string;
  issuerCode: string;
  holderCode: string;
  status: LicenseStatus;
  /** The version's fields (issue, amend): the audit log keeps their digest, not the fields. */
  data?: LicenseData;
  reason?: string | null;
}

/** 设立, 变更, 暂停, 恢复, 吊销, 注销, 到期: `license.issued`, `license.amended`, … */
export type LicenseEvent = DomainEvent<`license.${LifecycleEvent}`, LicenseChange>;

export interface PublicVerificationCounts {
  holderCode: string | null;
  licenseType: string | null;
  byIdentifier: number;
  withCode: number;
  withCredential: number;
  notFound: number;
  from: string;
  to: string;
}

/** Public verifications of one holder's license in a minute (or of identifiers that matched none). */
export type VerificationEvent = DomainEvent<'verification.public', PublicVerificationCounts>;

export type LicensesEvent = LicenseEvent | VerificationEvent;

export function licenseEvent(event: LifecycleEvent, change: LicenseChange, actor: string): LicenseEvent {
  return {
    type: `license.${event}`,
    subject: change.identifier,
    actor,
    at: new Date(),
    facts: { department: change.issuerCode, clientId: clientOfActor(actor), holderCodes: [change.holderCode], licenseType: change.typeKey },
    data: change,
  };
}

export function verificationEvent(counts: PublicVerificationCounts, at: Date): VerificationEvent {
  return {
    type: 'verification.public',
    subject: counts.holderCode ?? '(no license)',
    actor: 'public',
    at,
    facts: { department: null, holderCodes: counts.holderCode ? [counts.holderCode] : [], licenseType: counts.licenseType },
    data: counts,
  };
}

export const isLicenseEvent = (event: DomainEvent): event is LicenseEvent => event.type.startsWith("license.");
