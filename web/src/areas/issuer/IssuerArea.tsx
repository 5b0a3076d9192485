import { registerMessages } from '../../app/i18n.ts';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { issuerArea } from './area.tsx';

registerMessages('issuer', {
  'zh-CN': {
    plans: {
      registry: '按统一社会信用代码、名称、状态、发照日期检索本部门签发的证照；查看证照详情（版式、二维码、版本历史与逐项差异），办理暂停、恢复、吊销、注销。',
      import: '上传 CSV、JSON 或 XML 文件批量签发证照，显示进度，下载被拒绝记录的报告。',
      requests: '按办理期限排列的共享申请，逐项审核并作出决定。',
      inbox: '本部门收到的通知与提醒。',
    },
  },
  en: {
    plans: {
      registry: 'Search the licenses your department issued by credit code, name, status and date; see each one as printed, with its QR code and version history; suspend, reinstate, revoke or cancel.',
      import: 'Issue licenses from a CSV, JSON or XML file, with progress and a report of rejected rows.',
      requests: 'Incoming sharing requests, ordered by deadline, to review and decide.',
      inbox: 'Notifications for your department.',
    },
  },
});

export default function IssuerArea() {
  return <AreaPlaceholders area={issuerArea} />;
}
