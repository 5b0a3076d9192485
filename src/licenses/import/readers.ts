/**
 * Readers of a department's files: CSV, JSON (array, {"records": [...]} or NDJSON) and XML.
 * Each yields one record per data row as a plain object of column name → value, numbered
 * from 1 (a CSV header is not counted). CSV and NDJSON are streamed, so a file of a million
 * rows is never held whole in memory; a JSON array and XML are parsed whole.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ImportFileError } from './errors.ts';

export type ImportFormat = 'csv' | 'json' | 'ndjson' | 'xml';

export interface SourceRow {
  /** 1-based data row: the CSV header is not counted, nor are blank lines. */
  rowNumber: number;
  /** 1-based line of the file where the row starts (CSV, NDJSON); undefined for a JSON array or XML. */
  line?: number;
  record: Record<string, unknown>;
  /** Why the row could not be read as a record (wrong number of CSV fields, a line that is not JSON, …). */
  malformed?: string;
}

export interface ReadOptions {
  /**
   * Called once, before any row is yielded, with the column names: the CSV header, or the
   * keys of the first JSON / XML record. May throw to refuse the file before anything happens.
   */
  onColumns?: (columns: string[]) => void;
  /** Called with the number of bytes of the file read so far. */
  onBytes?: (bytesRead: number) => void;
}

const FORMATS: Record<string, ImportFormat> = { '.csv': 'csv', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.xml': 'xml' };

/** The format, from the file's extension (case-insensitive). */
export function formatOf(file: string): ImportFormat {
  const format = FORMATS[extname(file).toLowerCase()];
  if (!format) {
    throw new ImportFileError(`cannot tell the format of ${file} from its extension: use .csv, .json, .ndjson, .jsonl or .xml`);
  }
  return format;
}

export function readRecords(file: string, format: ImportFormat, options: ReadOptions = {}): AsyncGenerator<SourceRow> {
  switch (format) {
    case 'csv':
      return readCsv(file, options);
    case 'ndjson':
      return readNdjson(file, options);
    case 'json':
      return readJson(file, options);
    case 'xml':
      return readXml(file, options);
  }
}

const NOT_UTF8 =
  'is not UTF-8 text (an export in GBK/GB18030? convert it first, e.g. `iconv -f GB18030 -t UTF-8 in.csv > out.csv`)';

/** Departments' systems often export GBK: say so plainly instead of importing mojibake. */
function assertUtf8(file: string, bytes: Uint8Array, complete: boolean): void {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    throw new ImportFileError(`${file} ${NOT_UTF8}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function* readCsv(file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  input.on('data', (chunk) => {
    // Checking the first chunk is enough to catch a GBK export; the rest is not re-scanned.
    if (bytes === 0) {
      try {
        assertUtf8(file, chunk as Buffer, false);
      } catch (error) {
        input.destroy(error as Error);
        return;
      }
    }
    bytes += chunk.length;
    options.onBytes?.(bytes);
  });
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    // Rows with too few or too many fields are rejected one by one, not the whole file.
    relax_column_count: true,
    // A stray quote inside an unquoted field (北京"新"公司) is kept as text, as spreadsheets do.
    relax_quotes: true,
    // An unclosed quote would otherwise swallow the rest of the file into one field.
    max_record_size: 1 << 20,
  });
  pipeline(input, parser, () => undefined); // errors surface through the iteration below

  let header: string[] | undefined;
  let rowNumber = 0;
  let excessLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((name) => name.trim());
        const named = header.filter((name) => name !== '');
        const duplicated = named.filter((name, i) => named.indexOf(name) !== i);
        if (duplicated.length > 0) throw new ImportFileError(`the header of ${file} repeats the column(s) ${[...new Set(duplicated)].join(', ')}`);
        if (named.length === 0) throw new ImportFileError(`the first line of ${file} must be a header naming the columns`);
        options.onColumns?.(named);
        continue;
      }
      rowNumber++;
      // info.lines is the line where the record ends, and csv-parse counts a CRLF inside a
      // quoted field as two lines (and keeps the excess): undo both to find where the row starts.
      let breaks = 0;
      let crlf = 0;
      for (const field of record) {
        if (!field.includes('\n') && !field.includes('\r')) continue;
        breaks += field.match(/\r\n|\r|\n/g)!.length;
        crlf += field.match(/\r\n/g)?.length ?? 0;
      }
      const line = info.lines - excessLines - crlf - breaks;
      excessLines += crlf;
      const values: Record<string, unknown> = {};
      let malformed: string | undefined;
      for (let i = 0; i < record.length; i++) {
        const name = header[i];
        if (name) values[name] = record[i];
        // Trailing empty fields (a spreadsheet's trailing commas) are harmless; data outside the header is not.
        else if (record[i].trim() !== '') malformed ??= `field ${i + 1} has a value but no column name in the header`;
      }
      if (record.length < header.length) malformed = `${record.length} fields where the header has ${header.length}`;
      yield malformed ? { rowNumber, line, record: values, malformed } : { rowNumber, line, record: values };
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const e = error as { code?: string; message?: string };
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new ImportFileError(`cannot read ${file}: ${e.message}`);
    // A CSV syntax error (an unclosed quote) leaves the rest of the file unreadable.
    if (error instanceof CsvError) throw new ImportFileError(`${file} is not valid CSV: ${e.message}`);
    throw error;
  } finally {
    input.destroy();
  }
}

async function* readNdjson(file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const input = createReadStream(file, { encoding: 'utf8' });
  let bytes = 0;
  let checked = false;
  input.on('data', (chunk) => {
    bytes += Buffer.byteLength(chunk as string);
    options.onBytes?.(bytes);
    // The utf8 decoder turns invalid bytes into U+FFFD: a cheap sign of a GBK export.
    if (!checked) {
      checked = true;
      if ((chunk as string).includes('\uFFFD')) input.destroy(new ImportFileError(`${file} ${NOT_UTF8}`));
    }
  });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let rowNumber = 0;
  let columnsSeen = false;
  try {
    for await (const text of lines) {
      line++;
      const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (trimmed === '') continue;
      rowNumber++;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        yield { rowNumber, line, record: {}, malformed: `line ${line} is not JSON: ${(error as Error).message}` };
        continue;
      }
      if (!isPlainObject(value)) {
        yield { rowNumber, line, record: {}, malformed: `line ${line} is not a JSON object` };
        continue;
      }
      if (!columnsSeen) {
        columnsSeen = true;
        options.onColumns?.(Object.keys(value));
      }
      yield { rowNumber, line, record: value };
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new ImportFileError(`cannot read ${file}: ${e.message}`);
    throw error;
  } finally {
    input.destroy();
  }
}

/**
 * The first line of the file (read on its own, up to 1 MB) and whether anything but white
 * space follows it: enough to tell NDJSON from one JSON document without reading it all.
 */
async function peekFirstLine(file: string): Promise<{ head: string; more: boolean }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    if (end === -1) return { head: text, more: bytesRead === buffer.length };
    return { head: text.slice(0, end), more: text.slice(end).trim() !== '' || bytesRead === buffer.length };
  } finally {
    await handle.close();
  }
}

async function readWhole(file: string, options: ReadOptions): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new ImportFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  assertUtf8(file, bytes, true);
  options.onBytes?.(bytes.length);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

async function* readJson(file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  // A .json file may still be NDJSON: its first line is then a whole object with more lines after it.
  let peek: { head: string; more: boolean };
  try {
    peek = await peekFirstLine(file);
  } catch (error) {
    throw new ImportFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const head = peek.head.replace(/^\uFEFF/, '').trim();
  if (peek.more && head.startsWith('{')) {
    let oneObject = false;
    try {
      oneObject = isPlainObject(JSON.parse(head));
    } catch {
      // not a whole object on one line: one pretty-printed document
    }
    if (oneObject) {
      yield* readNdjson(file, options);
      return;
    }
  }
  const text = await readWhole(file, options);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  let records: unknown[];
  if (Array.isArray(document)) records = document;
  else if (isPlainObject(document) && Array.isArray(document.records)) records = document.records;
  else if (isPlainObject(document) && !('records' in document)) records = [document];
  else throw new ImportFileError(`${file} must hold an array of records, {"records": [...]}, or one JSON object per line`);
  let columnsSeen = false;
  for (let i = 0; i < records.length; i++) {
    const value = records[i];
    if (!isPlainObject(value)) {
      yield { rowNumber: i + 1, record: {}, malformed: `record ${i + 1} is not a JSON object` };
      continue;
    }
    if (!columnsSeen) {
      columnsSeen = true;
      options.onColumns?.(Object.keys(value));
    }
    yield { rowNumber: i + 1, record: value };
  }
}

const XML_PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Entity processing is off in the parser (no DTD entity can ever expand), so the five
 * predefined entities and character references, which every XML exporter writes, are
 * decoded here. (Text inside CDATA that looks like an entity is decoded too: an accepted edge.)
 */
function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return XML_PREDEFINED[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Refuses what could make the parser read files or expand without bound (XXE, billion laughs). */
export function assertNoDoctype(file: string, text: string): void {
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(text)) {
    throw new ImportFileError(
      `${file} contains a <!DOCTYPE> or <!ENTITY> declaration: refused, because entity declarations can read local files (XXE) or expand without bound; export the file without a DOCTYPE`,
    );
  }
}

async function* readXml(file: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const text = await readWhole(file, options);
  assertNoDoctype(file, text);
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) throw new ImportFileError(`${file} declares encoding ${declared}: only UTF-8 is read`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ImportFileError(`${file} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Keep every value a string: a credit code or a date must not turn into a number.
    parseTagValue: false,
    trimValues: true,
    processEntities: false,
    htmlEntities: false,
    tagValueProcessor: (_name, value) => decodeXmlText(value),
    // The children of the root are the records, even when there is only one.
    isArray: (_name, jPath) => typeof jPath === 'string' && jPath.split('.').length === 2,
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(document);
  if (roots.length !== 1) throw new ImportFileError(`${file} must have one root element, found ${roots.length}`);
  const root = document[roots[0]];
  if (!isPlainObject(root)) return; // <licenses/>: no records
  const kinds = Object.keys(root).filter((k) => k !== '#text');
  if (kinds.length > 1) {
    throw new ImportFileError(
      `<${roots[0]}> in ${file} must contain one kind of record element, found ${kinds.map((k) => `<${k}>`).join(', ')}`,
    );
  }
  if (kinds.length === 0) return;
  const records = root[kinds[0]] as unknown[];
  let columnsSeen = false;
  for (let i = 0; i < records.length; i++) {
    const element = records[i];
    if (element === '') {
      yield { rowNumber: i + 1, record: {} };
      continue;
    }
    if (!isPlainObject(element)) {
      throw new ImportFileError(
        `<${kinds[0]}> elements in ${file} must contain one child element per field, e.g. <${roots[0]}><${kinds[0]}><creditCode>…</creditCode>…</${kinds[0]}></${roots[0]}>`,
      );
    }
    const record: Record<string, unknown> = {};
    let malformed: string | undefined;
    for (const [name, value] of Object.entries(element)) {
      if (name === '#text') malformed ??= `<${kinds[0]}> ${i + 1} has text outside its field elements`;
      else if (Array.isArray(value)) malformed ??= `<${name}> appears more than once in <${kinds[0]}> ${i + 1}`;
      else if (isPlainObject(value)) malformed ??= `<${name}> in <${kinds[0]}> ${i + 1} contains elements, not a value`;
      else record[name] = value;
    }
    if (!columnsSeen) {
      columnsSeen = true;
      options.onColumns?.(Object.keys(record));
    }
    yield malformed ? { rowNumber: i + 1, record, malformed } : { rowNumber: i + 1, record };
  }
}
