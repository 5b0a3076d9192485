/** The words of every list's toolbar (totals, selection, export, column settings). */
import { registerMessages } from '../../app/i18n.ts';

registerMessages('lists', {
  'zh-CN': {
    total: '共 {{count}} 条',
    selected: '已选 {{count}} 项',
    clearSelection: '取消选择',
    export: '导出 Excel',
    exporting: '正在导出…',
    exported: '已导出 {{count}} 条到 {{file}}',
    exportFailed: '导出失败：{{message}}',
    columns: '列设置',
    resetColumns: '恢复默认',
    batchDone: '已处理 {{done}} 项',
    batchPartly: '已处理 {{done}} 项，{{failed}} 项未成功：{{message}}',
  },
  en: {
    total: '{{count}} in all',
    selected: '{{count}} selected',
    clearSelection: 'Clear selection',
    export: 'Export to Excel',
    exporting: 'Exporting…',
    exported: 'Exported {{count}} rows to {{file}}',
    exportFailed: 'Export failed: {{message}}',
    columns: 'Columns',
    resetColumns: 'Reset',
    batchDone: '{{done}} done',
    batchPartly: '{{done}} done, {{failed}} not: {{message}}',
  },
});
