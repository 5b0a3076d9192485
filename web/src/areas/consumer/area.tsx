import { ExceptionOutlined } from '@ant-design/icons';
import { ApiOutlined, AppstoreOutlined, BarChartOutlined, FileSearchOutlined, SolutionOutlined } from '@ant-design/icons';
import { AccountBookOutlined, TrophyOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

export const consumerArea: AreaDefinition = {
  key: 'consumer',
  icon: <AppstoreOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('consumer'),
  menu: [
    { path: '', key: 'catalog', icon: <AppstoreOutlined /> },
    { path: 'agreements', key: 'agreements', icon: <SolutionOutlined /> },
    { path: 'lookup', key: 'lookup', icon: <FileSearchOutlined /> },
    { path: 'usage', key: 'usage', icon: <BarChartOutlined /> },
    { path: 'subscriptions', key: 'subscriptions', icon: <ApiOutlined /> },
    { path: 'objections', key: 'objections', icon: <ExceptionOutlined /> },
    { path: 'statements', key: 'statements', icon: <AccountBookOutlined /> },
    { path: 'evaluation', key: 'scoreboard', icon: <TrophyOutlined />, realOnly: true },
  ],
  words: {
    'zh-CN': { title: '证照使用', menu: { catalog: '资源目录', agreements: '我的共享协议', lookup: '证照查询', usage: '用量统计', subscriptions: '订阅与推送', objections: '我的数据异议', statements: '月度对账单', scoreboard: '考核排名' } },
    en: { title: 'Using licenses', menu: { catalog: 'Catalog', agreements: 'My agreements', lookup: 'License lookup', usage: 'Usage', subscriptions: 'Subscriptions', objections: 'My objections', statements: 'Monthly statement', scoreboard: 'Scoreboard' } },
  },
  page: lazy(() => import('./ConsumerArea.tsx')),
};
