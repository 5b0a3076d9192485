import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportFileError } from '../../src/licenses/import/errors.ts';
import { formatOf, readRecords, type ImportFormat, type SourceRow } from '../../src/licenses/import/readers.ts';
import { csvValue } from '../../src/licenses/import/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'certbridge-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, format: ImportFormat = formatOf(path)): Promise<{ rows: SourceRow[]; columns?: string[]; bytes: number }> {
  const rows: SourceRow[] = [];
  let columns: string[] | undefined;
  let bytes = 0;
  for await (const row of readRecords(path, format, { onColumns: (c) => (columns = c), onBytes: (n) => (bytes = n) })) rows.push(row);
  return { rows, columns, bytes };
}

describe('formats', () => {
  it('come from the extension, case-insensitively', () => {
    expect(formatOf('a/b.CSV')).toBe('csv');
    expect(formatOf('x.Json')).toBe('json');
    expect(formatOf('x.jsonl')).toBe('ndjson');
    expect(formatOf('x.ndjson')).toBe('ndjson');
    expect(formatOf('x.XML')).toBe('xml');
    expect(() => formatOf('x.xlsx')).toThrow(ImportFileError);
  });
});

describe('CSV', () => {
  it('reads a header, a BOM, CRLF, quoted line breaks and blank lines, numbering rows and lines', async () => {
    const path = file('a.csv', '\uFEFFcreditCode, name \r\n1,"甲\r\n乙"\r\n\r\n2,丙\r\n3,"引""号"\r\n');
    const { rows, columns, bytes } = await read(path);
    expect(columns).toEqual(['creditCode', 'name']);
    expect(rows).toEqual([
      { rowNumber: 1, line: 2, record: { creditCode: '1', name: '甲\r\n乙' } },
      { rowNumber: 2, line: 5, record: { creditCode: '2', name: '丙' } },
      { rowNumber: 3, line: 6, record: { creditCode: '3', name: '引"号' } },
    ]);
    expect(bytes).toBeGreaterThan(0);
  });

  it('marks a row with too few fields, and tolerates trailing empty ones', async () => {
    const { rows } = await read(file('b.csv', 'a,b\n1\n2,3,,\n4,5,6\n'));
    expect(rows[0].malformed).toBe('1 fields where the header has 2');
    expect(rows[1]).toEqual({ rowNumber: 2, line: 3, record: { a: '2', b: '3' } });
    expect(rows[2].malformed).toMatch(/field 3 has a value but no column name/);
  });

  it('refuses a repeated column and a GBK file', async () => {
    await expect(read(file('c.csv', 'a,b,a\n1,2,3\n'))).rejects.toThrow(/repeats the column\(s\) a/);
    // "名称" in GBK
    await expect(read(file('gbk.csv', Buffer.from([0x61, 0x0a, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a])))).rejects.toThrow(/not UTF-8/);
  });

  it('refuses a file that is not CSV at all (an unclosed quote)', async () => {
    await expect(read(file('d.csv', 'a,b\n1,"never closed\n2,3\n'))).rejects.toThrow(/is not valid CSV/);
  });

  it('keeps the stream small: a large file is read in chunks', async () => {
    const line = `${'x'.repeat(200)},${'y'.repeat(200)}\n`;
    const path = file('big.csv', `a,b\n${line.repeat(20_000)}`);
    const seen: number[] = [];
    let count = 0;
    for await (const _row of readRecords(path, 'csv', { onBytes: (n) => seen.push(n) })) count++;
    expect(count).toBe(20_000);
    expect(seen.length).toBeGreaterThan(10); // many chunks, not one read of the whole file
  });
});

describe('JSON', () => {
  it('reads an array, {"records": [...]}, and marks what is not an object', async () => {
    expect((await read(file('a.json', '[{"a":1},{"a":2}]'))).rows.map((r) => r.record)).toEqual([{ a: 1 }, { a: 2 }]);
    const wrapped = await read(file('b.json', '\uFEFF{\n  "records": [{"a": "x"}, 3]\n}'));
    expect(wrapped.rows[0]).toEqual({ rowNumber: 1, record: { a: 'x' } });
    expect(wrapped.rows[1].malformed).toBe('record 2 is not a JSON object');
    await expect(read(file('c.json', '{"a": 1'))).rejects.toThrow(/is not valid JSON/);
    await expect(read(file('d.json', '{"records": 5}'))).rejects.toThrow(/must hold an array/);
  });

  it('reads NDJSON line by line, also in a .json file', async () => {
    const text = '{"a":1}\n\n{"a":2}\nnot json\n[1]\n';
    for (const name of ['e.ndjson', 'e.json']) {
      const { rows, columns } = await read(file(name, text));
      expect(columns).toEqual(['a']);
      expect(rows.map((r) => [r.rowNumber, r.line])).toEqual([
        [1, 1],
        [2, 3],
        [3, 4],
        [4, 5],
      ]);
      expect(rows[2].malformed).toMatch(/^line 4 is not JSON/);
      expect(rows[3].malformed).toBe('line 5 is not a JSON object');
    }
  });
});

describe('XML', () => {
  it('reads repeated record elements as strings, decoding predefined entities', async () => {
    const path = file(
      'a.xml',
      '<?xml version="1.0" encoding="utf-8"?>\n<licenses><license id="1"><creditCode>913700000000000001</creditCode><name>A&amp;B &#x4E2D;&#25991;</name><to/><cap>0100</cap></license></licenses>',
    );
    const { rows, columns } = await read(path);
    expect(columns).toEqual(['creditCode', 'name', 'to', 'cap']);
    expect(rows).toEqual([{ rowNumber: 1, record: { creditCode: '913700000000000001', name: 'A&B 中文', to: '', cap: '0100' } }]);
    expect((await read(file('empty.xml', '<licenses/>'))).rows).toEqual([]);
  });

  it('refuses DOCTYPE and ENTITY declarations in any case, before parsing', async () => {
    const xxe = '<?xml version="1.0"?><!doctype l [<!ENTITY x SYSTEM "file:///etc/passwd">]><l><r><a>&x;</a></r></l>';
    await expect(read(file('xxe.xml', xxe))).rejects.toThrow(/DOCTYPE.*refused/);
    await expect(read(file('ent.xml', '<l><!ENTITY x "y"><r><a>1</a></r></l>'))).rejects.toThrow(/refused/);
  });

  it('refuses other encodings, malformed XML and mixed record elements', async () => {
    await expect(read(file('gbk.xml', '<?xml version="1.0" encoding="GBK"?><l/>'))).rejects.toThrow(/encoding GBK/);
    await expect(read(file('bad.xml', '<l><r><a>1</r></l>'))).rejects.toThrow(/not well-formed XML/);
    await expect(read(file('mixed.xml', '<l><r><a>1</a></r><s><a>2</a></s></l>'))).rejects.toThrow(/one kind of record element/);
  });

  it('marks a record with nested or repeated fields', async () => {
    const { rows } = await read(file('nested.xml', '<l><r><a><b>1</b></a></r><r><a>1</a><a>2</a></r></l>'));
    expect(rows[0].malformed).toMatch(/contains elements/);
    expect(rows[1].malformed).toMatch(/appears more than once/);
  });
});

describe('report values', () => {
  it('quote CSV and defuse spreadsheet formulas', () => {
    expect(csvValue('a,b')).toBe('"a,b"');
    expect(csvValue('say "x"')).toBe('"say ""x"""');
    expect(csvValue('=1+1')).toBe("'=1+1");
    expect(csvValue(undefined)).toBe('');
    expect(csvValue(12)).toBe('12');
  });
});
