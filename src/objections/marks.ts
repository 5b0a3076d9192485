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
  await platform.changes.announce(tx, OBJECTION_CHANGES, `${type}|${holder}|${await openCount(tx, type, holder)}`);
}

export class ObjectionMarks {
  /** Holder codes under an open objection, per license type (no string built per lookup). */
  private open = new Map<string, Set<string>>();
  private whenLoaded?: Promise<ObjectionMarks>;
  /** Bumped by every reload, so an older load finishing late does not win. */
  private generation = 0;

  constructor(private readonly platform: Platform) {
    platform.changes.on(OBJECTION_CHANGES, (subject) => this.heard(subject));
    platform.changes.onReset(() => void this.reload().catch(() => undefined));
  }

  /**
   * The marks, loaded on first use. Once loaded, the same settled promise every time: awaiting it
   * allocates nothing (the exchange awaits it once per call).
   */
  ready(): Promise<ObjectionMarks> {
    if (this.whenLoaded) return this.whenLoaded;
    const loading = this.reload().then(() => this);
    this.whenLoaded = loading;
    // A failed load is not kept: the next caller asks the store again.
    loading.catch(() => {
      if (this.whenLoaded === loading) this.whenLoaded = undefined;
    });
    return loading;
  }

  has(type: string, holder: string): boolean {
    return this.open.get(type)?.has(holder) ?? false;
  }

  /** How many licenses are marked (for logs and tests). */
  get size(): number {
    let n = 0;
    for (const holders of this.open.values()) n += holders.size;
    return n;
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    const rows = await this.platform.store.query<{ type_key: string; holder_code: string }>(
      "select distinct type_key, holder_code from objections where status in ('submitted', 'escalated')",
    );
    if (generation !== this.generation) return;
    const open = new Map<string, Set<string>>();
    for (const r of rows.rows) {
      let holders = open.get(r.type_key);
      if (!holders) open.set(r.type_key, (holders = new Set()));
      holders.add(r.holder_code);
    }
    this.open = open;
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
    let holders = this.open.get(type);
    if (open) {
      if (!holders) this.open.set(type, (holders = new Set()));
      holders.add(holder);
    } else {
      holders?.delete(holder);
    }
  }
}

/** This platform's marks (one per process and platform). */
export const objectionMarks = perPlatform((platform) => new ObjectionMarks(platform));
