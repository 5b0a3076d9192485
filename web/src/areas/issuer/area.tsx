import { ExceptionOutlined } from '@ant-design/icons';
import { AuditOutlined, FileProtectOutlined, InboxOutlined, LineChartOutlined, UnorderedListOutlined, UploadOutlined } from '@ant-design/icons';
import { AccountBookOutlined, TrophyOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';
import { useObjectionsToAnswer, usePendingRequests, useUnreadMessages } from '../../shared/badges.ts';

export const issuerArea: AreaDefinition = {
  key: 'issuer',
  icon: <FileProtectOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('issuer'),
  menu: [
    { path: '', key: 'registry', icon: <FileProtectOutlined /> },
    { path: 'import', key: 'import', icon: <UploadOutlined /> },
    { path: 'requests', key: 'requests', icon: <AuditOutlined />, badge: usePendingRequests },
    { path: 'objections', key: 'objections', icon: <ExceptionOutlined />, badge: useObjectionsToAnswer },
    { path: 'inbox', key: 'inbox', icon: <InboxOutlined />, badge: useUnreadMessages },
    { path: 'quality', key: 'quality', icon: <LineChartOutlined /> },
    { path: 'quality/findings', key: 'findings', icon: <UnorderedListOutlined /> },
    { path: 'statements', key: 'statements', icon: <AccountBookOutlined /> },
    { path: 'evaluation', key: 'scoreboard', icon: <TrophyOutlined />, realOnly: true },
  ],
  words: {
    'zh-CN': { title: '证照签发', menu: { registry: '证照登记簿', import: '批量导入', requests: '共享申请', objections: '数据异议', inbox: '部门消息', quality: '数据质量', findings: '质量问题', statements: '月度对账单', scoreboard: '考核排名' } },
    en: { title: 'Issuing', menu: { registry: 'License registry', import: 'Import', requests: 'Sharing requests', objections: 'Objections', inbox: 'Inbox', quality: 'Data quality', findings: 'Quality findings', statements: 'Monthly statement', scoreboard: 'Scoreboard' } },
  },
  page: lazy(() => import('./IssuerArea.tsx')),
};
