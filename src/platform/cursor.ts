/**
 * Page cursors: the `nextCursor` a list gave, handed back. A cursor is base64url JSON, so what it
 * decodes to never met the edge's checks of hostile input (src/platform/http/edge.ts): a crafted
 * one carried `2026-02-30`, `0000-00-00`, `+275760-…` or a NUL to the database, which refused it
 * with a 500 (the second outside test). Every value is checked here after decoding, as the edge
 * checks what a caller sends: text without NUL or unpaired surrogates and of bounded length, a
 * date that is a day of the calendar, an instant of the years 1000–9999 written as the list writes
 * it, an id a safe integer.
 */
import { invalid } from './errors.ts';
import { badText } from './http/edge.ts';
import { isCalendarDate } from './chinaTime.ts';

/** What each position of a cursor holds. */
export type CursorPart = 'date' | 'instant' | 'id' | 'text';

type ValueOf<P extends CursorPart> = P extends 'instant' ? Date : P extends 'id' ? number : string;
export type CursorValues<T extends readonly CursorPart[]> = { [K in keyof T]: T[K] extends CursorPart ? ValueOf<T[K]> : never };

const MAX_CURSOR = 512;
const MAX_TEXT = 128;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const INSTANT = /^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z$/;

const refused = (field: string) => invalid('invalid-cursor', 'the cursor is not one this list gave (pass nextCursor back unchanged)', field);

/** A cursor of the values (a Date as its ISO instant). */
export function encodeCursor(values: readonly (string | number | Date)[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v))), 'utf8').toString('base64url');
}

function part(kind: CursorPart, value: unknown): unknown {
  switch (kind) {
    case 'id':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) && value >= '1000-01-01' ? value : undefined;
    case 'instant': {
      if (typeof value !== 'string' || !INSTANT.test(value) || !isCalendarDate(value.slice(0, 10))) return undefined;
      const at = new Date(value);
      return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 19) !== value.slice(0, 19) ? undefined : at;
    }
    case 'text':
      return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT && badText(value) === undefined ? value : undefined;
  }
}

/** The values of a cursor of this shape; 400 `invalid-cursor` (naming `field`) for anything this list did not give. */
export function decodeCursor<const T extends readonly CursorPart[]>(cursor: string, shape: T, field = '/cursor'): CursorValues<T> {
  if (cursor.length > MAX_CURSOR || !BASE64URL.test(cursor)) throw refused(field);
  const bytes = Buffer.from(cursor, 'base64url');
  const text = bytes.toString('utf8');
  // Bytes that are not UTF-8 decode to U+FFFD and would not encode back.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw refused(field);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refused(field);
  }
  if (!Array.isArray(value) || value.length !== shape.length) throw refused(field);
  return shape.map((kind, i) => {
    const checked = part(kind, value[i]);
    if (checked === undefined) throw refused(field);
    return checked;
  }) as CursorValues<T>;
}
