import { lazy, Suspense } from 'react';
import { registerMessages } from '../../app/i18n.ts';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { coordinatorArea } from './area.tsx';

registerMessages('coordinator', {
  'zh-CN': {
    plans: {
      dashboard: '共享量趋势、各状态的共享申请、逾期与升级事项、主要提供方与使用方、审计告警。',
      escalations: '逾期升级的共享申请与申诉，由统筹协调机构作出决定。',
      departments: '部门及其接入系统的名录。',
      issuers: '各证照类型的发证机关名录（授权与撤销）。',
      audit: '审计日志检索，每条记录的包含证明可在页面中核验。',
    },
    dashboard: {
      title: '运行概览',
      requestsByStatus: '共享申请（按状态）',
      chartLabel: '各状态共享申请数量的柱状图',
      unavailable: '暂时无法读取共享申请数据',
      statuses: { submitted: '待审核', approved: '已批准', rejected: '已驳回', escalated: '已升级', active: '生效中', expired: '已到期', revoked: '已撤销', suspended: '已暂停' },
    },
  },
  en: {
    plans: {
      dashboard: 'Sharing volume over time, requests by status, overdue and escalated requests, top providers and consumers, audit alerts.',
      escalations: 'Overdue requests and appeals for the coordination office to decide.',
      departments: 'The registry of departments and their systems.',
      issuers: 'The registry of authorised issuers per license type.',
      audit: 'Search the audit log; check each entry’s inclusion proof in the page.',
    },
    dashboard: {
      title: 'Dashboard',
      requestsByStatus: 'Sharing requests by status',
      chartLabel: 'Bar chart of sharing requests per status',
      unavailable: 'The sharing requests cannot be read right now',
      statuses: { submitted: 'Submitted', approved: 'Approved', rejected: 'Rejected', escalated: 'Escalated', active: 'Active', expired: 'Expired', revoked: 'Revoked', suspended: 'Suspended' },
    },
  },
});

// ECharts loads with the dashboard only.
const Dashboard = lazy(() => import('./Dashboard.tsx'));

export default function CoordinatorArea() {
  return (
    <AreaPlaceholders
      area={coordinatorArea}
      pages={{
        dashboard: (
          <Suspense fallback={<PageLoading />}>
            <Dashboard />
          </Suspense>
        ),
      }}
    />
  );
}
