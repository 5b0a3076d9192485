import { TranslationOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../app/i18n.ts';

/** One button that offers the other language, written in that language (中文 ↔ English). */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { t, i18n } = useTranslation();
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      type={dark ? 'text' : 'default'}
      icon={<TranslationOutlined aria-hidden />}
      onClick={() => void setLanguage(other)}
      title={t('language')}
      style={dark ? { color: '#fff' } : undefined}
      lang={other}
    >
      {other === 'en' ? 'English' : '中文'}
    </Button>
  );
}
