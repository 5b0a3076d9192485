import { registerMessages } from '../../app/i18n.ts';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { enterpriseArea } from './area.tsx';

registerMessages('enterprise', {
  'zh-CN': {
    plans: {
      licenses: '本企业的电子证照，按纸质版式展示，附二维码。',
      accessLog: '哪些部门在何时、为何种用途使用了本企业的数据，每条记录可在浏览器中核验其审计证明。',
      authorisations: '授权第三方使用本企业证照，或撤销授权。',
    },
  },
  en: {
    plans: {
      licenses: 'Your licenses, shown as printed, with their QR codes.',
      accessLog: 'Which departments used your data, when and for what purpose; each entry’s audit proof checked in the browser.',
      authorisations: 'Authorise third parties to use your licenses, or revoke an authorisation.',
    },
  },
});

export default function EnterpriseArea() {
  return <AreaPlaceholders area={enterpriseArea} />;
}
