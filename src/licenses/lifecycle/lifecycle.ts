import { DomainError } from '../../platform/errors.ts';

/** Where a license stands. 吊销 = revoked by the authority; 注销 = cancelled (the entity closed). */
export type LicenseStatus = 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'expired';

/** The changes an issuing department (or time, for `expire`) can make. */
export type LifecycleChange = 'amend' | 'suspend' | 'reinstate' | 'revoke' | 'cancel' | 'expire';

export type LicenseEvent = 'issued' | 'amended' | 'suspended' | 'reinstated' | 'revoked' | 'cancelled' | 'expired';

/**
 * The license lifecycle (设立 → 变更 / 暂停(歇业) / 恢复 / 吊销 / 注销 / 到期).
 * A revoked entity must still be cancelled (吊销未注销 → 注销), so revoked → cancelled is allowed.
 */
const TRANSITIONS: Record<LifecycleChange, { from: readonly LicenseStatus[]; to: LicenseStatus; event: LicenseEvent }> = {
  amend: { from: ['valid'], to: 'valid', event: 'amended' },
  suspend: { from: ['valid'], to: 'suspended', event: 'suspended' },
  reinstate: { from: ['suspended'], to: 'valid', event: 'reinstated' },
  revoke: { from: ['valid', 'suspended'], to: 'revoked', event: 'revoked' },
  cancel: { from: ['valid', 'suspended', 'revoked'], to: 'cancelled', event: 'cancelled' },
  expire: { from: ['valid', 'suspended'], to: 'expired', event: 'expired' },
};

export function transition(current: LicenseStatus, change: LifecycleChange): { to: LicenseStatus; event: LicenseEvent } {
  const rule = TRANSITIONS[change];
  if (!rule.from.includes(current)) {
    throw new DomainError('conflict', 'invalid-transition', `cannot ${change} a license that is ${current}`, {
      details: { currentStatus: current, allowedFrom: rule.from },
    });
  }
  return { to: rule.to, event: rule.event };
}
