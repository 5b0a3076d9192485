/**
 * Postings: for a holder, a department or an entry type, the positions of its entries in the log,
 * packed — a row holds up to 64 (a holder's) or 2,048 positions as varint deltas from its first, so
 * a holder's accesses cost a few bytes each instead of an indexed row each. Written by the log's indexer (one statement per
 * pass), read newest first by "who used my data" and the oversight search, oldest first by followers.
 */
import type { Queryable } from '../platform/store/store.ts';
import { asBuffer } from './storage.ts';

/** `h` a holder's entries, `d` a department's, `t` those of an entry type. */
export type PostingKind = 'h' | 'd' | 't';

/** Positions per row: a holder's rows stay small (rewritten as they fill), the dense lists are long. */
const CAPACITY: Record<PostingKind, number> = { h: 64, d: 2048, t: 2048 };

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** The varint deltas of ascending `positions` after `previous`. */
export function encodeDeltas(previous: number, positions: readonly number[]): Buffer {
  const out: number[] = [];
  let last = previous;
  for (const p of positions) {
    if (p <= last) throw new RangeError(`postings must ascend: ${p} after ${last}`);
    pushVarint(out, p - last);
    last = p;
  }
  return Buffer.from(out);
}

/** The positions of a row: `first`, then `first` plus each delta. */
export function decodePositions(first: number, bytes: Buffer): number[] {
  const positions = [first];
  let last = first;
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) scale *= 0x80;
    else {
      last += value;
      positions.push(last);
      value = 0;
      scale = 1;
    }
  }
  return positions;
}

interface PostingRow {
  kind: PostingKind;
  key: string;
  first: number;
  positions: Uint8Array;
}

/**
 * Adds positions (ascending, after every position stored) to the postings of their keys: each key's
 * newest row is extended until full, then new rows follow. Two statements whatever the number of keys.
 */
export async function addPostings(tx: Queryable, additions: ReadonlyMap<string, { kind: PostingKind; key: string; positions: number[] }>): Promise<void> {
  if (additions.size === 0) return;
  const list = [...additions.values()];
  const newest = await tx.query<PostingRow>(
    `select p.kind, p.key, p.first, p.positions
       from unnest($1::"char"[], $2::text[]) as k(kind, key)
       cross join lateral (select * from audit_postings p where p.kind = k.kind and p.key = k.key order by p.first desc limit 1) p`,
    [list.map((a) => a.kind), list.map((a) => a.key)],
  );
  const byKey = new Map(newest.rows.map((r) => [`${r.kind}:${r.key}`, r]));
  const rows: { kind: string; key: string; first: number; positions: Buffer }[] = [];
  for (const { kind, key, positions } of list) {
    let rest = positions;
    const row = byKey.get(`${kind}:${key}`);
    const stored = row ? decodePositions(Number(row.first), asBuffer(row.positions)) : [];
    if (row && stored.length < CAPACITY[kind]) {
      const taken = rest.slice(0, CAPACITY[kind] - stored.length);
      rest = rest.slice(taken.length);
      rows.push({ kind, key, first: Number(row.first), positions: Buffer.concat([asBuffer(row.positions), encodeDeltas(stored[stored.length - 1], taken)]) });
    }
    for (let i = 0; i < rest.length; i += CAPACITY[kind]) {
      const chunk = rest.slice(i, i + CAPACITY[kind]);
      rows.push({ kind, key, first: chunk[0], positions: encodeDeltas(chunk[0], chunk.slice(1)) });
    }
  }
  const offsets: number[] = [];
  let at = 0;
  for (const r of rows) {
    offsets.push(at);
    at += r.positions.length;
  }
  await tx.query(
    `insert into audit_postings (kind, key, first, positions)
     select r.kind, r.key, r.first, substring($4::bytea from r.o::int + 1 for r.len::int)
       from unnest($1::"char"[], $2::text[], $3::bigint[], $5::bigint[], $6::bigint[]) as r(kind, key, first, o, len)
     on conflict (kind, key, first) do update set positions = excluded.positions`,
    [rows.map((r) => r.kind), rows.map((r) => r.key), rows.map((r) => r.first), Buffer.concat(rows.map((r) => r.positions)), offsets, rows.map((r) => r.positions.length)],
  );
}

/**
 * The positions of `key`'s entries below `before`, newest first, a page of rows at a time (the
 * caller stops reading when it has what it needs).
 */
export async function* postingsNewestFirst(db: Queryable, kind: PostingKind, key: string, before: number): AsyncGenerator<number> {
  let below = before;
  for (;;) {
    const rows = await db.query<PostingRow>(
      'select first, positions from audit_postings where kind = $1 and key = $2 and first < $3 order by first desc limit 16',
      [kind, key, below],
      { name: 'audit.postings-newest' },
    );
    for (const row of rows.rows) {
      const positions = decodePositions(Number(row.first), asBuffer(row.positions));
      for (let i = positions.length - 1; i >= 0; i--) if (positions[i] < before) yield positions[i];
      below = Number(row.first);
    }
    if (rows.rows.length < 16) return;
  }
}

/** The positions of entries of `keys` (of one kind) in (after, upTo], ascending. */
export async function postingsBetween(db: Queryable, kind: PostingKind, keys: readonly string[], after: number, upTo: number): Promise<number[]> {
  // Rows starting in the range, and each key's row that starts before it (it may reach into it).
  const rows = await db.query<PostingRow>(
    `select first, positions from audit_postings where kind = $1 and key = any($2::text[]) and first > $3 and first <= $4
     union all
     select x.first, x.positions from unnest($2::text[]) as k(key)
      cross join lateral (select first, positions from audit_postings p where p.kind = $1 and p.key = k.key and p.first <= $3 order by p.first desc limit 1) x`,
    [kind, [...keys], after, upTo],
  );
  const positions: number[] = [];
  for (const row of rows.rows) for (const p of decodePositions(Number(row.first), asBuffer(row.positions))) if (p > after && p <= upTo) positions.push(p);
  return positions.sort((a, b) => a - b);
}
