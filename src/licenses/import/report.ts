/**
 * The report of rejected rows and warnings: a CSV file, UTF-8 with a byte-order mark (so
 * that Excel on a Chinese Windows opens it as UTF-8), one line per problem, so a row with
 * three problems has three lines. Columns:
 *
 *   row         the data row in the imported file, 1-based; a CSV header is not counted
 *               (the first record after the header is row 1; blank lines are not counted)
 *   field       the standard's field at fault (creditCode or holderCode, name, …)
 *   code        a stable code: invalid-credit-code, legacy-credit-code, missing-field,
 *               invalid-date, invalid-registered-capital, invalid-license-data,
 *               unknown-code-value, unknown-field, duplicate-in-file, malformed-record
 *   reason      what is wrong, in words (credit code rules in English and Chinese)
 *   creditCode  the row's credit code as given, to find the row again in the source system
 *   severity    error (the row was rejected, nothing issued) or warning (the row was
 *               accepted: a legacy credit code under --accept-legacy-codes)
 *   column      the department's column (or JSON key / XML element) holding the field
 *   line        the line of the file where the row starts (CSV, NDJSON); empty otherwise
 *
 * The report is written only when there is something to report; a run with nothing to
 * report removes a report left by an earlier run, so a report on disk always describes the
 * last run. It is written to a temporary file and renamed at the end.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { ImportFileError } from './errors.ts';

export const REPORT_COLUMNS = ['row', 'field', 'code', 'reason', 'creditCode', 'severity', 'column', 'line'] as const;

export interface RowProblem {
  severity: 'error' | 'warning';
  /** The standard's field name. */
  field: string;
  /** The source column, when it differs from the field or is known. */
  column?: string;
  code: string;
  reason: string;
}

/**
 * Quotes a CSV value, and defuses values a spreadsheet would run as a formula: the report
 * echoes values from the imported file, which is not trusted.
 */
export function csvValue(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class RejectedRowsReport {
  private stream?: WriteStream;
  private failure?: Error;
  private readonly temporary: string;
  /** Lines written so far, by severity. */
  readonly counts = { error: 0, warning: 0 };

  constructor(readonly path: string) {
    this.temporary = `${path}.${process.pid}.tmp`;
  }

  /** Adds a row's problems; resolves when the file can take more (back-pressure on huge reports). */
  async add(row: { rowNumber: number; line?: number }, creditCode: string | undefined, problems: readonly RowProblem[]): Promise<void> {
    if (problems.length === 0) return;
    if (!this.stream) {
      this.stream = createWriteStream(this.temporary, { encoding: 'utf8' });
      this.stream.on('error', (error) => (this.failure ??= error));
      this.stream.write(`\uFEFF${REPORT_COLUMNS.join(',')}\n`);
    }
    this.assertWritable();
    let text = '';
    for (const p of problems) {
      this.counts[p.severity]++;
      text += `${[row.rowNumber, p.field, p.code, p.reason, creditCode, p.severity, p.column ?? p.field, row.line].map(csvValue).join(',')}\n`;
    }
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  private assertWritable(): void {
    if (this.failure) throw new ImportFileError(`cannot write the report ${this.path}: ${this.failure.message}`);
  }

  /** Ends the run: the report's path, or null (and no stale report) when there was nothing to report. */
  async finish(): Promise<string | null> {
    if (!this.stream) {
      await rm(this.path, { force: true });
      return null;
    }
    const stream = this.stream;
    this.stream = undefined;
    stream.end();
    await finished(stream).catch((error: Error) => (this.failure ??= error));
    this.assertWritable();
    await rename(this.temporary, this.path);
    return this.path;
  }
}
