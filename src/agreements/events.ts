/** The agreements capability's events: every step of a sharing agreement (提交, 批准, 驳回, 上报, 生效, …). */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';

export interface AgreementChange {
  agreementId: string;
  resourceId: string;
  licenseType: string | null;
  ownerDepartment: string;
  consumerDepartment: string;
  purpose: string;
  status: string;
  fields: string[];
  validUntil: string;
  reason?: string;
  [detail: string]: unknown;
}

/** The steps of an agreement, each an event `agreement.<step>` (提交, 批准, 驳回, 上报, 生效, 撤销, 暂停, 恢复, 到期, 申诉, 申诉决定, 评论). */
export type AgreementStep = 'submitted' | 'approved' | 'rejected' | 'escalated' | 'activated' | 'revoked' | 'suspended' | 'reinstated' | 'expired' | 'appealed' | 'appeal-decided' | 'commented';

export type AgreementEvent = DomainEvent<`agreement.${AgreementStep}`, AgreementChange>;

export function agreementEvent(step: AgreementStep, change: AgreementChange, actor: string, at: Date): AgreementEvent {
  return {
    type: `agreement.${step}`,
    subject: change.agreementId,
    actor,
    at,
    // Filed under the consumer department: the one whose use of data the agreement governs.
    facts: { department: change.consumerDepartment, clientId: clientOfActor(actor), agreementId: change.agreementId, purpose: change.purpose, licenseType: change.licenseType },
    data: change,
  };
}
