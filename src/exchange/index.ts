// The exchange capability (共享交换, its facade): lookups and batches of licenses under an
// agreement or a holder's authorisation, minimised to the granted fields, within quotas, every
// call recorded (in the audit log) before it is answered. Lookups take the principal and decide
// through the policies.
import type { Platform } from '../platform/platform.ts';
import { exchangeRuntime } from './exchangeState.ts';
import type { AccessRecord } from './recorder.ts';

export { accessedEvent, type AccessEvent } from './events.ts';
export type { AccessRecord } from './recorder.ts';
export { exchangeRuntime } from './exchangeState.ts';
export { lookupBatch, lookupLicense, present, type BatchAnswer, type LookupAnswer, type PresentedLicense } from './lookups.ts';

/**
 * Records, committed, an access another capability makes on the exchange's behalf (a subscription's
 * delivery carrying license data): it is counted and audited like a lookup.
 */
export function recordAccess(platform: Platform, record: AccessRecord): Promise<void> {
  return exchangeRuntime(platform).recorder.record(record);
}
