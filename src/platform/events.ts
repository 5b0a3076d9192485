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
 * What an appender adds to a hot publisher's statement: data-modifying common table expressions
 * (`name as (insert …)`, parameters numbered from $1), so that the publisher folds them into its
 * own statement — one round trip, no BEGIN/COMMIT — instead of running them after it.
 */
export interface EventWrite {
  ctes: string;
  params: unknown[];
  /** The prepared statement's name for this SQL text (the same name always means the same text). */
  name: string;
}

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

/**
 * A write a hot publisher folds into its own autocommit statement (see foldWrites), built on what
 * the writer knows of the database; `settle` must be told how that statement ended (no argument:
 * committed). It returns true when the statement failed only because the write was built on a
 * state another process changed meanwhile: then run the whole statement again, with a new fold.
 */
export interface FoldedWrite {
  writes: EventWrite[];
  settle(error?: unknown): boolean;
}

/**
 * A listener that appends what it hears to a log the whole platform shares, and therefore must be
 * the last write of the publisher's transaction (it holds the log's lock until the commit).
 */
export interface EventAppender<E extends DomainEvent = DomainEvent> {
  /** Runs once per transaction, just before it commits, with every event published in it. */
  beforeCommit(tx: Queryable, events: readonly E[]): Promise<void>;
  /** The same append as a write for a hot publisher's own statement; undefined: publish in a transaction instead. */
  fold(events: readonly E[]): Promise<FoldedWrite | undefined>;
}

/** Capabilities publish without knowing who listens; listeners register once at start. */
export class DomainEvents {
  private readonly listeners: { prefix: string; listener: EventListener }[] = [];
  private readonly appenders: { prefix: string; appender: EventAppender }[] = [];
  /** What each open transaction published so far, per appender (handed over just before it commits). */
  private readonly published = new WeakMap<Queryable, Map<EventAppender, DomainEvent[]>>();

  /**
   * Listens to every event whose type starts with `prefix` (`''` for all). `E` is what the
   * publishing capability exports for those types.
   */
  on<E extends DomainEvent>(prefix: string, listener: EventListener<E>): void {
    this.listeners.push({ prefix, listener: listener as unknown as EventListener });
  }

  /** Registers an appender (see EventAppender) for the events whose type starts with `prefix`. */
  append<E extends DomainEvent>(prefix: string, appender: EventAppender<E>): void {
    this.appenders.push({ prefix, appender: appender as unknown as EventAppender });
  }

  /** Runs the listeners in the caller's transaction; many events at once for bulk changes. */
  async publish(tx: Queryable, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const { prefix, appender } of this.appenders) {
      const matching = matchingOf(prefix, events);
      if (matching.length === 0) continue;
      if (!tx.beforeCommit) throw new Error('events that are appended to the log must be published in a transaction');
      let byAppender = this.published.get(tx);
      if (!byAppender) this.published.set(tx, (byAppender = new Map()));
      const pending = byAppender.get(appender);
      if (pending) pending.push(...matching);
      else {
        const collected = [...matching];
        byAppender.set(appender, collected);
        tx.beforeCommit(() => {
          byAppender.delete(appender);
          return appender.beforeCommit(tx, collected);
        });
      }
    }
    for (const { prefix, listener } of this.listeners) {
      const matching = matchingOf(prefix, events);
      if (matching.length > 0) await listener(tx, matching);
    }
  }

  /**
   * The writes of a publish, for a publisher that folds them into its own autocommit statement;
   * undefined when a listener hears these events or an appender cannot fold (the publisher must
   * then `publish` in a transaction).
   */
  async fold(events: readonly DomainEvent[]): Promise<FoldedWrite | undefined> {
    if (this.listeners.some(({ prefix }) => events.some((e) => e.type.startsWith(prefix)))) return undefined;
    const folds: FoldedWrite[] = [];
    for (const { prefix, appender } of this.appenders) {
      const matching = matchingOf(prefix, events);
      if (matching.length === 0) continue;
      const fold = await appender.fold(matching);
      if (!fold) {
        for (const f of folds) f.settle(new Error('not folded'));
        return undefined;
      }
      folds.push(fold);
    }
    return {
      writes: folds.flatMap((f) => f.writes),
      // Every fold is told; the statement is run again if any of them asks.
      settle: (error?: unknown) => folds.map((f) => f.settle(error)).some(Boolean),
    };
  }
}

const matchingOf = (prefix: string, events: readonly DomainEvent[]) => (prefix === '' ? events : events.filter((e) => e.type.startsWith(prefix)));

/** The system behind an actor name: a client id is a bare id; people, holders and the platform are prefixed (see actorOf). */
export const clientOfActor = (actor: string): string | null => (actor.includes(':') || actor === 'system' || actor === 'public' ? null : actor);
