/**
 * A list as clerks know it from every admin console (Ant Design Pro's ProTable): the total, page
 * sizes, columns they can hide (remembered per list), export of what the list shows under its
 * current filter to an .xlsx spreadsheet with the headers they read, and batch actions on the rows
 * they tick. Pages pass antd Table props and their columns; the toolbar comes with it.
 */
import { DownloadOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Flex, Popover, Space, Table, Typography, type TableColumnType, type TableProps } from 'antd';
import { useEffect, useMemo, useRef, useState, type Key, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../app/api.ts';
import './messages.ts';
import { exportFileName, sheetOf, type ExportColumn } from './sheet.ts';

/** A column of a DataTable: antd's, with what the export needs (a `key`; `exportValue` when the cell is not plain). */
export type DataColumn<T> = TableColumnType<T> & ExportColumn<T> & { key: string };

/** An action on the ticked rows (approve, mark read, suspend…). */
export interface BatchAction<T> {
  key: string;
  label: ReactNode;
  danger?: boolean;
  /**
   * Runs on the chosen rows (`eachRow` runs a call per row and says which failed); the list then
   * says how many were done and clears its selection. `false`: the person cancelled (a reason not given).
   */
  run: (rows: T[]) => Promise<void | false> | void | false;
  /** Rows this action does not apply to cannot be ticked for it. */
  appliesTo?: (row: T) => boolean;
}

export interface DataTableProps<T> extends Omit<TableProps<T>, 'columns' | 'rowSelection' | 'title'> {
  columns: DataColumn<T>[];
  /** The list's name in the reader's language: the spreadsheet's file and sheet name. */
  listName: string;
  /** A key that does not change with the language: the hidden columns are remembered under it. */
  listKey: string;
  /** All the rows under the current filter, when the table shows only a page of them (default: the rows shown). */
  exportRows?: () => Promise<readonly T[]>;
  /** The count under the current filter, when the server pages (default: the rows given); null when the platform does not count (a cursor-paged list). */
  total?: number | null;
  batchActions?: BatchAction<T>[];
  /** Left of the toolbar, before the total (filters, a create button). */
  toolbar?: ReactNode;
}

/** Some rows of a batch failed: how many were done, how many not, and the first reason. */
export class BatchFailure extends Error {
  constructor(
    readonly done: number,
    readonly failed: number,
    readonly first: unknown,
  ) {
    super(`${failed} of ${done + failed} failed`);
  }
}

/** Runs `call` on each row in turn (one request at a time); throws a BatchFailure when some failed. */
export async function eachRow<T>(rows: readonly T[], call: (row: T) => Promise<unknown>): Promise<void> {
  let done = 0;
  const failures: unknown[] = [];
  for (const row of rows) {
    try {
      await call(row);
      done += 1;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new BatchFailure(done, failures.length, failures[0]);
}

const HIDDEN = (list: string) => `certbridge.columns.${list}`;

function rememberedHidden(list: string): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(HIDDEN(list)) ?? '[]');
    return Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function remember(list: string, hidden: string[]): void {
  try {
    localStorage.setItem(HIDDEN(list), JSON.stringify(hidden));
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function DataTable<T extends object>({ columns, listName, listKey, exportRows, total, batchActions, toolbar, pagination, dataSource, ...table }: DataTableProps<T>) {
  const { t } = useTranslation('lists');
  const { message } = App.useApp();
  const [hidden, setHidden] = useState<string[]>(() => rememberedHidden(listKey));
  const [selected, setSelected] = useState<Key[]>([]);
  const [exporting, setExporting] = useState(false);
  const [running, setRunning] = useState<string>();

  // antd draws a hidden row (aria-hidden) to measure columns when the table scrolls sideways; with
  // row selection it holds a checkbox a keyboard could reach. Take it out of reach (axe: aria-hidden-focus).
  const frame = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const input of frame.current?.querySelectorAll<HTMLInputElement>('.ant-table-measure-row input') ?? []) {
      input.tabIndex = -1;
      input.disabled = true;
    }
  });
  // On a narrow screen the table scrolls sideways inside itself (the page does not): a keyboard must
  // reach that region to scroll it too (axe: scrollable-region-focusable), named as the list.
  useEffect(() => {
    const here = frame.current;
    if (!here) return;
    const reach = () => {
      for (const region of here.querySelectorAll<HTMLElement>('.ant-table-content, .ant-table-body')) {
        if (region.scrollWidth > region.clientWidth) {
          region.tabIndex = 0;
          region.setAttribute('role', 'region');
          region.setAttribute('aria-label', listName);
        } else if (region.getAttribute('role') === 'region') {
          region.removeAttribute('tabindex');
          region.removeAttribute('role');
          region.removeAttribute('aria-label');
        }
      }
    };
    reach();
    const watch = new ResizeObserver(reach);
    watch.observe(here);
    return () => watch.disconnect();
  });

  const shown = useMemo(() => columns.filter((c) => !hidden.includes(c.key)), [columns, hidden]);
  const rows = useMemo(() => [...(dataSource ?? [])], [dataSource]);
  // null: the platform does not count (a cursor-paged list not loaded to its end), so no total is shown.
  const count = total === undefined ? rows.length : total;
  const rowKey = table.rowKey;
  const keyOf = (row: T, index: number): Key =>
    typeof rowKey === 'function' ? rowKey(row, index) : ((row as Record<string, unknown>)[(rowKey as string | undefined) ?? 'key'] as Key);
  const chosenRows = rows.filter((row, i) => selected.includes(keyOf(row, i)));

  const setHiddenColumns = (next: string[]) => {
    setHidden(next);
    remember(listKey, next);
  };

  const exportSheet = async () => {
    setExporting(true);
    try {
      const all = exportRows ? await exportRows() : rows;
      const { default: writeXlsxFile } = await import('write-excel-file/browser');
      const file = exportFileName(listName);
      await writeXlsxFile(sheetOf(all, shown), { sheet: listName.slice(0, 31), stickyRowsCount: 1 }).toFile(file);
      message.success(t('exported', { count: all.length, file }));
    } catch (error) {
      message.error(t('exportFailed', { message: problemMessage(error, t) }));
    } finally {
      setExporting(false);
    }
  };

  const runBatch = async (action: BatchAction<T>) => {
    const chosen = chosenRows.filter((row) => action.appliesTo?.(row) ?? true);
    setRunning(action.key);
    try {
      if ((await action.run(chosen)) === false) return;
      message.success(t('batchDone', { done: chosen.length }));
      setSelected([]);
    } catch (error) {
      if (error instanceof BatchFailure) {
        message.error(t('batchPartly', { done: error.done, failed: error.failed, message: problemMessage(error.first, t) }));
        setSelected([]);
      } else message.error(problemMessage(error, t));
    } finally {
      setRunning(undefined);
    }
  };

  const settings = (
    <Flex vertical gap={4}>
      {columns.map((c) => (
        <Checkbox
          key={c.key}
          checked={!hidden.includes(c.key)}
          onChange={(e) => setHiddenColumns(e.target.checked ? hidden.filter((k) => k !== c.key) : [...hidden, c.key])}
        >
          {c.exportTitle ?? (c.title as ReactNode)}
        </Checkbox>
      ))}
      <Button size="small" type="link" onClick={() => setHiddenColumns([])} style={{ alignSelf: 'flex-start', padding: 0 }}>
        {t('resetColumns')}
      </Button>
    </Flex>
  );

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap style={{ marginBottom: 12 }}>
        <Space wrap>
          {toolbar}
          {count !== null && (
            <Typography.Text type="secondary" data-testid="list-total">
              {t('total', { count })}
            </Typography.Text>
          )}
          {batchActions && selected.length > 0 && (
            <>
              <Typography.Text strong>{t('selected', { count: selected.length })}</Typography.Text>
              {batchActions.map((action) => (
                <Button key={action.key} size="small" danger={action.danger} loading={running === action.key} disabled={running !== undefined} onClick={() => void runBatch(action)}>
                  {action.label}
                </Button>
              ))}
              <Button size="small" type="link" onClick={() => setSelected([])}>
                {t('clearSelection')}
              </Button>
            </>
          )}
        </Space>
        <Space>
          <Button icon={<DownloadOutlined aria-hidden />} loading={exporting} onClick={() => void exportSheet()} disabled={rows.length === 0}>
            {exporting ? t('exporting') : t('export')}
          </Button>
          <Popover content={settings} trigger="click" placement="bottomRight" title={t('columns')}>
            <Button icon={<SettingOutlined aria-hidden />} aria-label={t('columns')} />
          </Popover>
        </Space>
      </Flex>
      <div ref={frame}>
      <Table<T>
        {...table}
        dataSource={dataSource}
        columns={shown}
        rowSelection={
          batchActions
            ? {
                selectedRowKeys: selected,
                onChange: setSelected,
                getCheckboxProps: (row) => ({ disabled: !batchActions.some((a) => a.appliesTo?.(row) ?? true) }),
              }
            : undefined
        }
        pagination={
          pagination === false
            ? false
            : {
                defaultPageSize: 20,
                showSizeChanger: true,
                pageSizeOptions: [10, 20, 50, 100],
                showTotal: (n) => t('total', { count: n }),
                ...pagination,
              }
        }
      />
      </div>
    </>
  );
}
