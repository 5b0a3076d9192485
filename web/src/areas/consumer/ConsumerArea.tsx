import { registerMessages } from '../../app/i18n.ts';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { consumerArea } from './area.tsx';

registerMessages('consumer', {
  'zh-CN': {
    plans: {
      catalog: '浏览和检索政务数据资源目录，查看共享类型、共享条件与法律依据。',
      agreements: '本部门的共享协议：状态、期限与用量。',
      lookup: '在已生效的共享协议下查询证照（窗口办事人员使用）。',
      usage: '按协议和时间统计的调用量图表。',
      subscriptions: '证照变更订阅及其推送状态。',
    },
  },
  en: {
    plans: {
      catalog: 'Browse and search the data resource catalog, with each resource’s sharing class, conditions and legal basis.',
      agreements: 'Your department’s sharing agreements: status, deadlines and use.',
      lookup: 'Look up a license under an active agreement (for a clerk at a counter).',
      usage: 'Charts of calls per agreement over time.',
      subscriptions: 'Subscriptions to license changes and their delivery state.',
    },
  },
});

export default function ConsumerArea() {
  return <AreaPlaceholders area={consumerArea} />;
}
