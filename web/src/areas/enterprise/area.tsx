import { ExceptionOutlined } from '@ant-design/icons';
import { HistoryOutlined, IdcardOutlined, KeyOutlined, ShopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

export const enterpriseArea: AreaDefinition = {
  key: 'enterprise',
  icon: <ShopOutlined />,
  allows: (p) => p.kind === 'holder',
  menu: [
    { path: '', key: 'licenses', icon: <IdcardOutlined /> },
    { path: 'access-log', key: 'accessLog', icon: <HistoryOutlined /> },
    { path: 'authorisations', key: 'authorisations', icon: <KeyOutlined /> },
    { path: 'objections', key: 'objections', icon: <ExceptionOutlined /> },
  ],
  words: {
    'zh-CN': { title: '企业服务', menu: { licenses: '我的证照', accessLog: '数据使用记录', authorisations: '授权管理', objections: '我的数据异议' } },
    en: { title: 'Enterprise', menu: { licenses: 'My licenses', accessLog: 'Who used my data', authorisations: 'Authorisations', objections: 'My objections' } },
  },
  page: lazy(() => import('./EnterpriseArea.tsx')),
};
