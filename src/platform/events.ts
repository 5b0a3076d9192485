import type { Queryable } from './store/store.ts';

/**
 * The facts of an event that the audit log indexes, declared by the event itself — never guessed
 * from its data. Each capability builds its events with these filled in (see its `events.ts`).
 */
export interface EventFacts {
  /**
   * The department the event concerns: the consumer of an access, the issuer of a license, the
   * owner of a resource, the department of a system. Null for events about no department.
   */
  department: string | null;
  /** The system that acted or was acted on, when one did. */
  clientId?: string | null;
  /** The holders (enterprises) the event is about: the audit log keeps one entry per holder. */
  holderCodes?: readonly string[];
  purpose?: string | null;
  outcome?: string | null;
  agreementId?: string | null;
  licenseType?: string | null;
}

/**
 * Something that happened in one capability that others react to (a license was revoked, an
 * agreement approved, a lookup answered). Listeners run inside the transaction that made the
 * change, so what they write (an outbox row, an audit entry) exists iff the change committed.
 * Each capability exports the union of its events from its `index.ts`.
 */
export interface DomainEvent<T extends string = string, D extends object = object> {
  /** `capability.verb`, e.g. `license.revoked`, `agreement.approved`, `exchange.accessed`. */
  type: T;
  /** What it is about, e.g. a license identifier or an agreement id. */
  subject: string;
  /** Who did it, as `actorOf(principal)` names them (client id, `person:<name>`, `holder:<code>`, `system`). */
  actor: string;
  at: Date;
  facts: EventFacts;
  data: D;
}

export type EventListener<E extends DomainEvent = DomainEvent> = (tx: Queryable, events: readonly E[]) => Promise<void>;

/** Capabilities publish without knowing who listens; listeners register once at start. */
export class DomainEvents {
  private readonly listeners: { prefix: string; listener: EventListener }[] = [];

  /**
   * Listens to every event whose type starts with `prefix` (`''` for all). `E` is what the
   * publishing capability exports for those types.
   */
  on<E extends DomainEvent>(prefix: string, listener: EventListener<E>): void {
    this.listeners.push({ prefix, listener: listener as unknown as EventListener });
  }

  /** Runs the listeners in the caller's transaction; many events at once for bulk changes. */
  async publish(tx: Queryable, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const { prefix, listener } of this.listeners) {
      const matching = prefix === '' ? events : events.filter((e) => e.type.startsWith(prefix));
      if (matching.length > 0) await listener(tx, matching);
    }
  }
}

/** The system behind an actor name: a client id is a bare id; people, holders and the platform are prefixed (see actorOf). */
export const clientOfActor = (actor: string): string | null => (actor.includes(':') || actor === 'system' || actor === 'public' ? null : actor);
