/** The words of the license-type components shared by the areas (namespace `licenseTypes`). */
import { registerMessages } from '../../app/i18n.ts';

export const licenseTypeMessages = {
  'zh-CN': {
    validation: {
      required: '请填写{{field}}',
      pattern: '{{field}}的格式不正确',
      minLength: '请填写{{field}}',
      maxLength: '{{field}}太长',
      enum: '请从列表中选择{{field}}',
      format: '{{field}}的格式不正确（日期为 YYYY-MM-DD）',
      type: '{{field}}的类型不正确',
      other: '{{field}}不符合该证照类型的数据标准',
    },
    choose: '请选择',
    longTerm: '长期',
    termRange: '{{from}} 至 {{to}}',
    identifier: '证照标识',
    version: '第 {{version}} 版',
    qrAlt: '证照核验二维码',
    qrHint: '扫码核验',
    verificationCode: '核验码',
    type: '证照类型',
    chooseType: '选择证照类型',
  },
  en: {
    validation: {
      required: 'Please fill in {{field}}',
      pattern: '{{field}} is not in the right form',
      minLength: 'Please fill in {{field}}',
      maxLength: '{{field}} is too long',
      enum: 'Please choose {{field}} from the list',
      format: '{{field}} is not in the right form (dates are YYYY-MM-DD)',
      type: '{{field}} has the wrong type',
      other: "{{field}} does not meet the license type's data standard",
    },
    choose: 'Choose',
    longTerm: 'Long-term',
    termRange: '{{from}} to {{to}}',
    identifier: 'License identifier',
    version: 'Version {{version}}',
    qrAlt: 'Verification QR code',
    qrHint: 'Scan to verify',
    verificationCode: 'Verification code',
    type: 'License type',
    chooseType: 'Choose a license type',
  },
};

registerMessages('licenseTypes', licenseTypeMessages);
