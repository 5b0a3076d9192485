import { ApartmentOutlined, BankOutlined, DashboardOutlined, FileSearchOutlined, RiseOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

export const coordinatorArea: AreaDefinition = {
  key: 'coordinator',
  icon: <DashboardOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('coordinator'),
  menu: [
    { path: '', key: 'dashboard', icon: <DashboardOutlined /> },
    { path: 'escalations', key: 'escalations', icon: <RiseOutlined /> },
    { path: 'departments', key: 'departments', icon: <ApartmentOutlined /> },
    { path: 'issuers', key: 'issuers', icon: <BankOutlined /> },
    { path: 'audit', key: 'audit', icon: <FileSearchOutlined /> },
  ],
  words: {
    'zh-CN': { title: '统筹协调', menu: { dashboard: '运行概览', escalations: '升级与申诉', departments: '部门名录', issuers: '发证机关名录', audit: '审计日志' } },
    en: { title: 'Coordination', menu: { dashboard: 'Dashboard', escalations: 'Escalations and appeals', departments: 'Departments', issuers: 'Authorised issuers', audit: 'Audit log' } },
  },
  page: lazy(() => import('./CoordinatorArea.tsx')),
};
