/**
 * The names of the people (and enterprises, systems) an agreement names, beside the actors: what a
 * clerk reads. Added where the agreements leave for the wire.
 */
import { actorNamesOf, nameIn } from '../platform/actorNames.ts';
import type { Platform } from '../platform/platform.ts';
import type { Agreement } from './index.ts';

export type NamedAgreement = Omit<Agreement, 'decision' | 'appeal' | 'history'> & {
  requestedByName: string | null;
  decision: (NonNullable<Agreement['decision']> & { decidedByName: string | null }) | null;
  appeal: (NonNullable<Agreement['appeal']> & { decidedByName: string | null }) | null;
  history?: (NonNullable<Agreement['history']>[number] & { actorName: string | null })[];
};

export async function namedAgreements(platform: Platform, agreements: readonly Agreement[]): Promise<NamedAgreement[]> {
  const names = await actorNamesOf(
    platform,
    agreements.flatMap((a) => [a.requestedBy, a.decision?.decidedBy, a.appeal?.decidedBy, ...(a.history ?? []).map((h) => h.actor)]),
  );
  const name = (actor: string | null | undefined) => nameIn(names, actor);
  return agreements.map(({ history, ...a }) => ({
    ...a,
    requestedByName: name(a.requestedBy),
    decision: a.decision && { ...a.decision, decidedByName: name(a.decision.decidedBy) },
    appeal: a.appeal && { ...a.appeal, decidedByName: name(a.appeal.decidedBy) },
    ...(history ? { history: history.map((h) => ({ ...h, actorName: name(h.actor) })) } : {}),
  }));
}

export const namedAgreement = async (platform: Platform, agreement: Agreement | Promise<Agreement>): Promise<NamedAgreement> =>
  (await namedAgreements(platform, [await agreement]))[0];
