import type { Queryable } from './store/store.ts';

/**
 * Something that happened in one capability that others react to (a license was revoked, an
 * agreement approved, a lookup answered). Listeners run inside the transaction that made the
 * change, so what they write (an outbox row, an audit entry) exists iff the change committed.
 */
export interface DomainEvent {
  /** `capability.verb`, e.g. `license.revoked`, `agreement.approved`, `exchange.accessed`. */
  type: string;
  /** What it is about, e.g. a license identifier or an agreement id. */
  subject: string;
  /** Who did it (client id, `holder:<code>`, `system`). */
  actor: string;
  at: Date;
  data: Record<string, unknown>;
}

export type EventListener = (tx: Queryable, events: readonly DomainEvent[]) => Promise<void>;

/** Capabilities publish without knowing who listens; listeners register once at start. */
export class DomainEvents {
  private readonly listeners: { prefix: string; listener: EventListener }[] = [];

  /** Listens to every event whose type starts with `prefix` (`''` for all). */
  on(prefix: string, listener: EventListener): void {
    this.listeners.push({ prefix, listener });
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
