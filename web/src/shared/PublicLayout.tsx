import { SafetyCertificateFilled } from '@ant-design/icons';
import { Flex, Layout, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BRAND } from '../app/theme.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The frame of the pages anyone may open (sign-in, verification): the platform's name, the language, and a footer. */
export function PublicLayout({ title, children }: { title?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: BRAND.deepBlue, paddingInline: 16, height: 'auto', lineHeight: 1.4 }}>
        <Flex align="center" justify="space-between" gap={12} style={{ minHeight: 56, maxWidth: 960, margin: '0 auto' }}>
          <Link to="/" style={{ color: '#fff', display: 'flex', alignItems: 'center', gap: 10, minWidth: 0 }}>
            <SafetyCertificateFilled aria-hidden style={{ fontSize: 28, color: '#fff' }} />
            <span style={{ display: 'flex', flexDirection: 'column', minWidth: 0 }}>
              <span style={{ fontSize: 17, fontWeight: 600, color: '#fff' }}>{t('appName')}</span>
              {title ? <span style={{ fontSize: 13, color: 'rgba(255,255,255,0.85)' }}>{title}</span> : null}
            </span>
          </Link>
          <LanguageSwitch dark />
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: '16px 12px 32px' }}>
        <div style={{ maxWidth: 960, margin: '0 auto' }}>{children}</div>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', padding: '16px 12px', background: 'transparent' }}>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {t('footer')}
        </Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}
