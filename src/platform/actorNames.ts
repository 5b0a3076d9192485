/**
 * The names actors go by (a member of staff, an enterprise, a department's system), for answers
 * that say who did something: beside the actor (actorOf), never instead of it. The kernel knows no
 * capability, so the one that knows people provides the look-up when the platform is opened and
 * every other capability asks here; without one, no actor has a name and readers see the actor.
 */
import type { Platform } from './platform.ts';

/** Names of the given (distinct) actors; an actor without a name is left out. */
export type ActorNameResolver = (actors: readonly string[]) => Promise<ReadonlyMap<string, string>>;

const resolvers = new WeakMap<Platform, ActorNameResolver>();

export function provideActorNames(platform: Platform, resolver: ActorNameResolver): void {
  resolvers.set(platform, resolver);
}

/** The names of actors, by actor: one look-up for all of them (nulls and repeats are skipped). */
export async function actorNamesOf(platform: Platform, actors: Iterable<string | null | undefined>): Promise<ReadonlyMap<string, string>> {
  const resolver = resolvers.get(platform);
  const distinct = [...new Set([...actors].filter((a): a is string => typeof a === 'string'))];
  if (!resolver || distinct.length === 0) return new Map();
  return resolver(distinct);
}

/** An actor's name in a map from actorNamesOf, null when it has none (an answer's `…Name` field). */
export const nameIn = (names: ReadonlyMap<string, string>, actor: string | null | undefined): string | null => (actor ? (names.get(actor) ?? null) : null);
