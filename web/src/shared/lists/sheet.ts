/**
 * A list as a spreadsheet: the columns a clerk sees, with their titles in the reader's language as
 * headers and each cell's plain value (what the column's `exportValue` says, else the row's value
 * at `dataIndex`). Columns with neither (buttons, links) are left out. Plain functions, so the
 * export is tested without a browser; `DataTable` writes the sheet with write-excel-file.
 */
import type { SheetData } from 'write-excel-file/browser';

/** What a cell of an exported list can hold. */
export type ExportValue = string | number | boolean | Date | null | undefined;

/** The part of a column the export reads. */
export interface ExportColumn<T> {
  key?: React.Key;
  title?: unknown;
  /** The header when the title is not plain text. */
  exportTitle?: string;
  dataIndex?: unknown;
  /** The cell's plain value; without it the row's value at `dataIndex`. */
  exportValue?: (row: T) => ExportValue;
}

const headerOf = <T>(column: ExportColumn<T>): string | undefined =>
  column.exportTitle ?? (typeof column.title === 'string' || typeof column.title === 'number' ? String(column.title) : undefined);

function valueAt(row: unknown, path: unknown): ExportValue {
  const steps = Array.isArray(path) ? path : [path];
  let value: unknown = row;
  for (const step of steps) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[String(step)] : undefined;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  return JSON.stringify(value);
}

/** The columns that go into a spreadsheet: those with a plain header and a value. */
export const exportableColumns = <T>(columns: readonly ExportColumn<T>[]): ExportColumn<T>[] =>
  columns.filter((column) => headerOf(column) !== undefined && (column.exportValue !== undefined || column.dataIndex !== undefined));

/** The sheet: a header row of titles, then one row per item. */
export function sheetOf<T>(rows: readonly T[], columns: readonly ExportColumn<T>[]): SheetData {
  const chosen = exportableColumns(columns);
  const header = chosen.map((column) => ({ value: headerOf(column) ?? '', fontWeight: 'bold' as const }));
  const body = rows.map((row) =>
    chosen.map((column) => {
      const value = column.exportValue ? column.exportValue(row) : valueAt(row, column.dataIndex);
      if (value === null || value === undefined || value === '') return null;
      return value instanceof Date ? { value, format: 'yyyy-mm-dd hh:mm' } : { value };
    }),
  );
  return [header, ...body];
}

/** A file name for the export: the list's name and today's date (`资质登记簿-2026-12-05.xlsx`). */
export function exportFileName(name: string, now = new Date()): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `${name.replace(/[\\/:*?"<>|]+/g, '_')}-${day}.xlsx`;
}
