/**
 * Changes that other processes must hear about (a client disabled, an agreement revoked, a
 * license amended), so that what they keep in memory never outlives the change. Announced inside
 * the transaction of the change: this process hears it the moment that transaction commits, other
 * processes through PostgreSQL NOTIFY (also sent at commit, never for a rollback). When the
 * channel was down, listeners are told to forget everything: they may have missed an announcement.
 */
import type { Queryable, Store } from './store/store.ts';

const CHANNEL = 'certbridge_changes';
const SEPARATOR = '\u001f';

export type ChangeListener = (subject: string) => void;

export class ChangeFeed {
  private readonly listeners = new Map<string, ChangeListener[]>();
  private readonly resets: (() => void)[] = [];
  private stopListening?: () => Promise<void>;

  constructor(private readonly store: Store) {}

  /** Tells every process, once `tx` commits, that `subject` of `topic` changed. */
  async announce(tx: Queryable, topic: string, subject: string): Promise<void> {
    tx.afterCommit(() => this.dispatch(topic, subject));
    if (this.store.kind === 'postgres') await tx.query('select pg_notify($1, $2)', [CHANNEL, `${topic}${SEPARATOR}${subject}`]);
  }

  /** Hears changes of `topic` (from this process and others). */
  on(topic: string, listener: ChangeListener): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  /** Hears that announcements may have been missed: drop whatever was derived from the store. */
  onReset(listener: () => void): void {
    this.resets.push(listener);
  }

  /** Starts hearing other processes (servers do; a one-shot command only announces). */
  start(): void {
    if (this.stopListening || !this.store.listen) return;
    this.stopListening = this.store.listen(CHANNEL, {
      message: (payload) => {
        const at = payload.indexOf(SEPARATOR);
        if (at > 0) this.dispatch(payload.slice(0, at), payload.slice(at + 1));
      },
      reset: () => {
        for (const reset of this.resets) reset();
      },
    });
  }

  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  private dispatch(topic: string, subject: string): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(subject);
  }
}
