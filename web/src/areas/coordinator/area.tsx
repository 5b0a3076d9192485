import { ExceptionOutlined } from '@ant-design/icons';
import { ApartmentOutlined, BankOutlined, DashboardOutlined, FileSearchOutlined, LineChartOutlined, RiseOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { AccountBookOutlined, FileProtectOutlined, SlidersOutlined, TrophyOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';
import { useEscalations } from '../../shared/badges.ts';

export const coordinatorArea: AreaDefinition = {
  key: 'coordinator',
  icon: <DashboardOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('coordinator'),
  menu: [
    { path: '', key: 'dashboard', icon: <DashboardOutlined />, realOnly: true },
    { path: 'escalations', key: 'escalations', icon: <RiseOutlined />, badge: useEscalations },
    { path: 'objections', key: 'objections', icon: <ExceptionOutlined /> },
    { path: 'departments', key: 'departments', icon: <ApartmentOutlined />, realOnly: true },
    { path: 'license-types', key: 'licenseTypes', icon: <FileProtectOutlined />, realOnly: true },
    { path: 'issuers', key: 'issuers', icon: <BankOutlined />, realOnly: true },
    { path: 'audit', key: 'audit', icon: <FileSearchOutlined />, realOnly: true },
    { path: 'quality', key: 'quality', icon: <LineChartOutlined />, realOnly: true },
    { path: 'quality/findings', key: 'findings', icon: <UnorderedListOutlined />, realOnly: true },
    { path: 'evaluation', key: 'scoreboard', icon: <TrophyOutlined />, realOnly: true },
    { path: 'evaluation/weights', key: 'weights', icon: <SlidersOutlined />, realOnly: true },
    { path: 'statements', key: 'statements', icon: <AccountBookOutlined /> },
  ],
  words: {
    'zh-CN': { title: '统筹协调', menu: { dashboard: '运行概览', escalations: '升级与申诉', objections: '数据异议裁决', departments: '部门名录', licenseTypes: '证照类型', issuers: '发证机关名录', audit: '审计日志', quality: '数据质量', findings: '质量问题', scoreboard: '考核排名', weights: '考核权重', statements: '月度对账单' } },
    en: { title: 'Coordination', menu: { dashboard: 'Dashboard', escalations: 'Escalations and appeals', objections: 'Objections to decide', departments: 'Departments', licenseTypes: 'License types', issuers: 'Authorised issuers', audit: 'Audit log', quality: 'Data quality', findings: 'Quality findings', scoreboard: 'Scoreboard', weights: 'Evaluation weights', statements: 'Monthly statement' } },
  },
  page: lazy(() => import('./CoordinatorArea.tsx')),
};
