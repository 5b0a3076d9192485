import { AuditOutlined, FileProtectOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

export const issuerArea: AreaDefinition = {
  key: 'issuer',
  icon: <FileProtectOutlined />,
  allows: (p) => p.kind === 'person' && p.roles.includes('issuer'),
  menu: [
    { path: '', key: 'registry', icon: <FileProtectOutlined /> },
    { path: 'import', key: 'import', icon: <UploadOutlined /> },
    { path: 'requests', key: 'requests', icon: <AuditOutlined /> },
    { path: 'inbox', key: 'inbox', icon: <InboxOutlined /> },
  ],
  words: {
    'zh-CN': { title: '证照签发', menu: { registry: '证照登记簿', import: '批量导入', requests: '共享申请', inbox: '部门消息' } },
    en: { title: 'Issuing', menu: { registry: 'License registry', import: 'Import', requests: 'Sharing requests', inbox: 'Inbox' } },
  },
  page: lazy(() => import('./IssuerArea.tsx')),
};
