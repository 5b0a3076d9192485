/**
 * Which licenses are under an open objection (submitted or escalated), kept in memory for the
 * exchange: it marks every answer `underObjection` without a query per lookup. Loaded once per
 * process, then kept up to date by the change feed: every opening or closing announces
 * `<type>|<holder>|<open objections of it>` inside its transaction; this process applies the count
 * the moment that commits (so a caller reads its own change), and every process then reads the
 * count again (two concurrent changes to one license may each have counted the other as open).
 * A reset of the feed (announcements may have been missed) reloads the whole set.
 */
import { perPlatform, type Platform } from '../platform/platform.ts';
import type { Queryable } from '../platform/store/store.ts';

export const OBJECTION_CHANGES = 'objections.open';

const key = (type: string, holder: string) => `${type}|${holder}`;

export const OPEN_STATUSES = ['submitted', 'escalated'] as const;

async function openCount(db: Queryable, type: string, holder: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "select count(*)::int as n from objections where type_key = $1 and holder_code = $2 and status in ('submitted', 'escalated')",
    [type, holder],
  );
  return rows.rows[0].n;
}

/** Announces, in `tx`, how many open objections the license of `type` and `holder` has now. */
export async function announceOpenCount(platform: Platform, tx: Queryable, type: string, holder: string): Promise<void> {
  await platform.changes.announce(tx, OBJECTION_CHANGES, `${key(type, holder)}|${await openCount(tx, type, holder)}`);
}

export class ObjectionMarks {
  private open = new Set<string>();
  private loading?: Promise<void>;
  /** Bumped by every reload, so an older load finishing late does not win. */
  private generation = 0;

  constructor(private readonly platform: Platform) {
    platform.changes.on(OBJECTION_CHANGES, (subject) => this.heard(subject));
    platform.changes.onReset(() => void this.reload());
  }

  /** The set, loaded on first use. */
  ready(): Promise<void> {
    const loading = (this.loading ??= this.reload());
    // A failed load is not kept: the next caller asks the store again.
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  has(type: string, holder: string): boolean {
    return this.open.has(key(type, holder));
  }

  /** How many licenses are marked (for logs and tests). */
  get size(): number {
    return this.open.size;
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    const rows = await this.platform.store.query<{ type_key: string; holder_code: string }>(
      "select distinct type_key, holder_code from objections where status in ('submitted', 'escalated')",
    );
    if (generation === this.generation) this.open = new Set(rows.rows.map((r) => key(r.type_key, r.holder_code)));
  }

  private heard(subject: string): void {
    const [type, holder, count] = subject.split('|');
    if (!type || !holder) return;
    this.apply(type, holder, Number(count) > 0);
    // Read it again once committed work settles: the count announced may have missed a concurrent change.
    openCount(this.platform.store, type, holder).then(
      (n) => this.apply(type, holder, n > 0),
      (error: unknown) => this.platform.log.warn({ err: error }, 'objections: could not re-read the open objections of a license; keeping what was announced'),
    );
  }

  private apply(type: string, holder: string, open: boolean): void {
    if (open) this.open.add(key(type, holder));
    else this.open.delete(key(type, holder));
  }
}

/** This platform's marks (one per process and platform). */
export const objectionMarks = perPlatform((platform) => new ObjectionMarks(platform));
