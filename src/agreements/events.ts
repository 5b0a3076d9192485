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

/** `agreement.submitted`, `agreement.approved`, `agreement.activated`, `agreement.commented`, … */
export type AgreementEvent = DomainEvent<`agreement.${string}`, AgreementChange>;

export function agreementEvent(step: string, change: AgreementChange, actor: string, at: Date): AgreementEvent {
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
