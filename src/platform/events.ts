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

/**
 * What a writing listener adds for a publish: data-modifying common table expressions
 * (`name as (insert …)`, parameters numbered from $1), so that a publisher on a hot path can fold
 * them into its own statement — one round trip, no BEGIN/COMMIT — instead of running them after it.
 */
export interface EventWrite {
  ctes: string;
  params: unknown[];
  /** The prepared statement's name for this SQL text (the same name always means the same text). */
  name: string;
}

/** A listener that only writes rows: given the events, the write, or nothing to write. */
export type EventWriter<E extends DomainEvent = DomainEvent> = (events: readonly E[]) => EventWrite | undefined;

/** A statement with writes folded in: the writes' CTEs first, then the statement's own. */
export function foldWrites(statement: { ctes: string; select: string; params: unknown[]; name: string }, writes: readonly EventWrite[]): { sql: string; params: unknown[]; name: string } {
  let params = statement.params;
  const ctes = [statement.ctes];
  for (const write of writes) {
    const offset = params.length;
    ctes.push(write.ctes.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`));
    params = [...params, ...write.params];
  }
  return { sql: `with ${ctes.join(',\n')}\n${statement.select}`, params, name: [statement.name, ...writes.map((w) => w.name)].join('+') };
}

/** Capabilities publish without knowing who listens; listeners register once at start. */
export class DomainEvents {
  private readonly listeners: { prefix: string; listener: EventListener }[] = [];
  private readonly writers: { prefix: string; writer: EventWriter }[] = [];

  /**
   * Listens to every event whose type starts with `prefix` (`''` for all). `E` is what the
   * publishing capability exports for those types.
   */
  on<E extends DomainEvent>(prefix: string, listener: EventListener<E>): void {
    this.listeners.push({ prefix, listener: listener as unknown as EventListener });
  }

  /** Like `on`, for a listener that only writes rows (see EventWrite). */
  write<E extends DomainEvent>(prefix: string, writer: EventWriter<E>): void {
    this.writers.push({ prefix, writer: writer as unknown as EventWriter });
  }

  /** Runs the listeners in the caller's transaction; many events at once for bulk changes. */
  async publish(tx: Queryable, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const write of this.writesOf(events)) await tx.query(`with ${write.ctes} select 1`, write.params, { name: write.name });
    for (const { prefix, listener } of this.listeners) {
      const matching = prefix === '' ? events : events.filter((e) => e.type.startsWith(prefix));
      if (matching.length > 0) await listener(tx, matching);
    }
  }

  /**
   * The writes of a publish, for a publisher that folds them into its own statement; undefined
   * when a listener that is not a writer hears these events (the publisher must then `publish`
   * in a transaction).
   */
  foldable(events: readonly DomainEvent[]): EventWrite[] | undefined {
    const heard = this.listeners.some(({ prefix }) => events.some((e) => e.type.startsWith(prefix)));
    return heard ? undefined : this.writesOf(events);
  }

  private writesOf(events: readonly DomainEvent[]): EventWrite[] {
    const writes: EventWrite[] = [];
    for (const { prefix, writer } of this.writers) {
      const matching = prefix === '' ? events : events.filter((e) => e.type.startsWith(prefix));
      const write = matching.length > 0 ? writer(matching) : undefined;
      if (write) writes.push(write);
    }
    return writes;
  }
}

/** The system behind an actor name: a client id is a bare id; people, holders and the platform are prefixed (see actorOf). */
export const clientOfActor = (actor: string): string | null => (actor.includes(':') || actor === 'system' || actor === 'public' ? null : actor);
