/** The evaluation's events: the coordination office set new weights (computed boards are records, not events). */
import { clientOfActor, type DomainEvent } from '../platform/events.ts';
import type { Weights } from './scoring.ts';

export interface WeightsSet {
  weightsId: number;
  validFrom: string;
  weights: Weights;
  reason: string;
}

export type EvaluationEvent = DomainEvent<'evaluation.weights-set', WeightsSet>;

export function weightsSetEvent(data: WeightsSet, actor: string): EvaluationEvent {
  return { type: 'evaluation.weights-set', subject: String(data.weightsId), actor, at: new Date(), facts: { department: null, clientId: clientOfActor(actor) }, data };
}
