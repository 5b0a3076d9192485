/** The objections capability's events: every step of an objection (数据异议), in the audit log. */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';

export interface ObjectionStep {
  objectionId: string;
  licenseIdentifier: string;
  licenseType: string;
  holderCode: string;
  issuerCode: string;
  objectorKind: 'department' | 'holder';
  objectorDepartment: string | null;
  fields: string[];
  status: string;
  final: boolean;
  reason?: string | null;
  [detail: string]: unknown;
}

export type ObjectionEventType = 'objections.submitted' | 'objections.evidence-added' | 'objections.decided' | 'objections.escalated' | 'objections.overdue';

/** `objections.submitted`, `.evidence-added`, `.decided`, `.escalated`, `.overdue`. */
export type ObjectionEvent = DomainEvent<ObjectionEventType, ObjectionStep>;

export function objectionEvent(type: ObjectionEventType, step: ObjectionStep, actor: string, at: Date): ObjectionEvent {
  return {
    type,
    subject: step.objectionId,
    actor,
    at,
    // Filed under the issuer: the department whose data is disputed and who must answer.
    facts: { department: step.issuerCode, clientId: clientOfActor(actor), holderCodes: [step.holderCode], licenseType: step.licenseType },
    data: step,
  };
}
