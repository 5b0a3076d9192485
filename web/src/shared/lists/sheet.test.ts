import { describe, expect, it } from 'vitest';
import { exportFileName, exportableColumns, sheetOf, type ExportColumn } from './sheet.ts';

interface Row {
  code: string;
  holder: { name: string };
  capital: number;
  issuedAt: string;
  status: string;
}

const rows: Row[] = [
  { code: '91370100MA3C5X1E2K', holder: { name: '济南示例科技有限公司' }, capital: 500, issuedAt: '2026-11-01', status: 'valid' },
  { code: '91370200MA3C5X1E3L', holder: { name: '青岛示例贸易有限公司' }, capital: 0, issuedAt: '', status: 'suspended' },
];

const columns: ExportColumn<Row>[] = [
  { key: 'code', title: '统一社会信用代码', dataIndex: 'code' },
  { key: 'name', title: '名称', dataIndex: ['holder', 'name'] },
  { key: 'capital', title: '注册资本（万元）', dataIndex: 'capital' },
  { key: 'issuedAt', title: '发照日期', dataIndex: 'issuedAt' },
  { key: 'status', exportTitle: '状态', title: { type: 'span' }, exportValue: (row) => (row.status === 'valid' ? '有效' : '中止') },
  { key: 'actions', title: '操作' },
  { key: 'icon', title: { type: 'img' }, dataIndex: 'code' },
];

describe('a list as a spreadsheet', () => {
  it('has the titles the clerk reads as its header row and leaves out columns without a value or a plain title', () => {
    expect(exportableColumns(columns).map((c) => c.key)).toEqual(['code', 'name', 'capital', 'issuedAt', 'status']);
    const [header] = sheetOf(rows, columns);
    expect(header).toEqual(['统一社会信用代码', '名称', '注册资本（万元）', '发照日期', '状态'].map((value) => ({ value, fontWeight: 'bold' })));
  });

  it('writes each row: nested values, numbers as numbers, words from exportValue, empty cells empty', () => {
    const [, first, second] = sheetOf(rows, columns);
    expect(first).toEqual([{ value: '91370100MA3C5X1E2K' }, { value: '济南示例科技有限公司' }, { value: 500 }, { value: '2026-11-01' }, { value: '有效' }]);
    expect(second).toEqual([{ value: '91370200MA3C5X1E3L' }, { value: '青岛示例贸易有限公司' }, { value: 0 }, null, { value: '中止' }]);
  });

  it('names the file after the list and the day, without characters a file name cannot hold', () => {
    expect(exportFileName('证照/登记簿', new Date(2026, 11, 5))).toBe('证照_登记簿-2026-12-05.xlsx');
  });
});
