import { QuestionCircleOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AreaDefinition } from '../../app/area.ts';

/** The help pages (使用帮助): for everyone signed in, the guide of each role they have. */
export const helpArea: AreaDefinition = {
  key: 'help',
  icon: <QuestionCircleOutlined />,
  allows: () => true,
  menu: [{ path: '', key: 'guide', icon: <QuestionCircleOutlined /> }],
  words: {
    'zh-CN': { title: '帮助', menu: { guide: '使用帮助' }, openPage: '打开这个页面', picture: '{{heading}}的页面截图', roles: '角色',
      tourTitle: '跟着引导做一遍',
      tourText: '引导会一步一步带您在练习数据上填写并提交表单；还没进入练习模式的，会先征得您同意再进入。',
      startTour: '开始引导',
    },
    en: { title: 'Help', menu: { guide: 'How to' }, openPage: 'Open this page', picture: 'The page: {{heading}}', roles: 'Role',
      tourTitle: 'Walk through it with the tour',
      tourText: 'The tour walks you through filling in and submitting the form, step by step, on practice data; outside practice mode it asks you first before switching into it.',
      startTour: 'Start the tour',
    },
  },
  page: lazy(() => import('./HelpArea.tsx')),
};
