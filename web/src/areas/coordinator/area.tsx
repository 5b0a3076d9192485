import { ExceptionOutlined } from '@ant-design/icons';
import { ApartmentOutlined, BankOutlined, DashboardOutlined, FileSearchOutlined, LineChartOutlined, RiseOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { AccountBookOutlined, FileProtectOutlined, SlidersOutlined, TrophyOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

export const coordinatorArea: AreaDefinition = {
  key: 'coordinator',
  icon: <DashboardOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('coordinator'),
  menu: [
    { path: '', key: 'dashboard', icon: <DashboardOutlined /> },
    { path: 'escalations', key: 'escalations', icon: <RiseOutlined /> },
    { path: 'objections', key: 'objections', icon: <ExceptionOutlined /> },
    { path: 'departments', key: 'departments', icon: <ApartmentOutlined /> },
    { path: 'license-types', key: 'licenseTypes', icon: <FileProtectOutlined /> },
    { path: 'issuers', key: 'issuers', icon: <BankOutlined /> },
    { path: 'audit', key: 'audit', icon: <FileSearchOutlined /> },
    { path: 'quality', key: 'quality', icon: <LineChartOutlined /> },
    { path: 'quality/findings', key: 'findings', icon: <UnorderedListOutlined /> },
    { path: 'evaluation', key: 'scoreboard', icon: <TrophyOutlined /> },
    { path: 'evaluation/weights', key: 'weights', icon: <SlidersOutlined /> },
    { path: 'statements', key: 'statements', icon: <AccountBookOutlined /> },
  ],
  words: {
    'zh-CN': { title: '统筹协调', menu: { dashboard: '运行概览', escalations: '升级与申诉', objections: '数据异议裁决', departments: '部门名录', licenseTypes: '证照类型', issuers: '发证机关名录', audit: '审计日志', quality: '数据质量', findings: '质量问题', scoreboard: '考核排名', weights: '考核权重', statements: '月度对账单' } },
    en: { title: 'Coordination', menu: { dashboard: 'Dashboard', escalations: 'Escalations and appeals', objections: 'Objections to decide', departments: 'Departments', licenseTypes: 'License types', issuers: 'Authorised issuers', audit: 'Audit log', quality: 'Data quality', findings: 'Quality findings', scoreboard: 'Scoreboard', weights: 'Evaluation weights', statements: 'Monthly statement' } },
  },
  page: lazy(() => import('./CoordinatorArea.tsx')),
};
