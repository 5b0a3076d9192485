import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const refusal = (cursor: string, shape: Parameters<typeof decodeCursor>[1]) => {
  try {
    decodeCursor(cursor, shape);
    return undefined;
  } catch (error) {
    return error as DomainError;
  }
};

describe('page cursors', () => {
  it('give back what was encoded', () => {
    const at = new Date('2026-03-01T15:59:59.999Z');
    expect(decodeCursor(encodeCursor(['2026-02-28', 42]), ['date', 'id'])).toEqual(['2026-02-28', 42]);
    expect(decodeCursor(encodeCursor([at, 'obj-1']), ['instant', 'text'])).toEqual([at, 'obj-1']);
  });

  it('check every value after decoding, as the edge checks what a caller sends (400 invalid-cursor, never a database error)', () => {
    const cases: [string, Parameters<typeof decodeCursor>[1]][] = [
      [b64('["2026-02-30",1]'), ['date', 'id']],
      [b64('["9999-99-99",1]'), ['date', 'id']],
      [b64('["0000-00-00",1]'), ['date', 'id']],
      [b64('["2026-01-01",-1]'), ['date', 'id']],
      [b64('["2026-01-01",1e300]'), ['date', 'id']],
      [b64('["2026-01-01","1"]'), ['date', 'id']],
      [b64('["-271821-04-20T00:00:00.000Z","x"]'), ['instant', 'text']],
      [b64('["+275760-09-13T00:00:00.000Z","x"]'), ['instant', 'text']],
      [b64('["2026-01-01T24:00:00.000Z","x"]'), ['instant', 'text']],
      [b64('["2026-01-01T00:00:00+08:00","x"]'), ['instant', 'text']],
      [b64('["2026-01-01T00:00:00.000Z","a\\u0000b"]'), ['instant', 'text']],
      [b64('["2026-01-01T00:00:00.000Z","\\ud800"]'), ['instant', 'text']],
      [b64(`["2026-01-01T00:00:00.000Z","${'x'.repeat(200)}"]`), ['instant', 'text']],
      [b64('-271821-04-20T00:00:00.000Z|x'), ['instant', 'text']],
      [`${b64('["2026')}\u0000${b64('-01-01",1]')}`, ['date', 'id']],
      [Buffer.from([0x5b, 0xff, 0xfe, 0x5d]).toString('base64url'), ['date', 'id']],
      [b64('[1]'), ['date', 'id']],
      [b64('{"a":1}'), ['id']],
      ['', ['id']],
      ['a'.repeat(600), ['id']],
    ];
    for (const [cursor, shape] of cases) {
      const error = refusal(cursor, shape);
      expect(error, cursor).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'invalid-cursor', field: '/cursor' });
    }
  });
});
