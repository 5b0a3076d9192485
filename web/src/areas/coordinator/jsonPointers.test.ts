import { describe, expect, it } from 'vitest';
import { lineOf, pointerLines } from './jsonPointers.ts';

const doc = `{
  "key": "x",
  "dataSchema": {
    "properties": {
      "a/b": { "title": "甲" },
      "list": [
        1,
        { "q": "\\"}" }
      ]
    }
  }
}`;

describe('pointerLines', () => {
  it('finds the line of every member and item, escaped keys too', () => {
    const lines = pointerLines(doc);
    expect(lines.get('')).toBe(1);
    expect(lines.get('/key')).toBe(2);
    expect(lines.get('/dataSchema/properties/a~1b/title')).toBe(5);
    expect(lines.get('/dataSchema/properties/list/0')).toBe(7);
    expect(lines.get('/dataSchema/properties/list/1/q')).toBe(8);
  });
  it('places a missing member on its nearest parent', () => {
    const lines = pointerLines(doc);
    expect(lineOf(lines, '/dataSchema/properties/a~1b/x-title-en')).toBe(5);
    expect(lineOf(lines, '/typeCode')).toBe(1);
  });
});
