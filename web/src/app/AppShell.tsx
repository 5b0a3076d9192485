/**
 * The frame of the signed-in console: a side menu with the areas the principal works in (one
 * group per area), a header with the organisation, the language and sign-out, and the page.
 * On a phone (and a narrow tablet) the header is one row — the menu button and the organisation —
 * and the menu, with the account's name, practice mode, language and sign-out, opens in a drawer:
 * nothing wraps into a second row and nothing covers the title.
 */
import { LogoutOutlined, MenuOutlined, SafetyCertificateFilled, UserOutlined } from '@ant-design/icons';
import { App as AntApp, Badge, Button, ConfigProvider, Drawer, Flex, Grid, Layout, Menu, Result, Tag, Typography, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../shared/LanguageSwitch.tsx';
import { PageLoading } from '../shared/PageLoading.tsx';
import { PracticeBanner, PracticeSwitch } from '../shared/PracticeBanner.tsx';
import { TourHost } from '../shared/tours/TourHost.tsx';
import { stopTour } from '../shared/tours/tourStore.ts';
import { problemMessage } from './api.ts';
import type { AreaMenuItem } from './area.ts';
import { areasOf } from './areas.ts';
import { principalLabels, useSession, type Principal } from './session.tsx';
import { BRAND, PRACTICE, practiceTheme } from './theme.ts';

const itemPath = (area: string, path: string) => (path ? `/${area}/${path}` : `/${area}`);

function roleTags(principal: Principal, t: (key: string) => string): string[] {
  return principal.kind === 'holder' ? [t('roles.holder')] : principal.roles.map((role) => t(`roles.${role}`));
}

/** The count of work waiting behind a menu item (nothing when there is none). */
function MenuBadge({ useCount }: { useCount: () => number | undefined }) {
  const count = useCount();
  return count ? <Badge count={count} overflowCount={99} size="small" style={{ marginInlineStart: 8 }} /> : null;
}

export default function AppShell() {
  const { t, i18n } = useTranslation();
  const { principal, signOut } = useSession();
  const { message } = AntApp.useApp();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const phone = !screens.lg;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const areas = useMemo(() => (principal ? areasOf(principal) : []), [principal]);
  const practising = principal?.practice === true;
  const shown = (item: AreaMenuItem) => !(practising && item.realOnly);
  const items = useMemo<MenuProps['items']>(
    () =>
      areas.map((area) => ({
        type: 'group' as const,
        key: area.key,
        label: i18n.t(`${area.key}:title`),
        children: area.menu.filter(shown).map((item) => ({
          key: itemPath(area.key, item.path),
          icon: item.icon,
          label: (
            <Link to={itemPath(area.key, item.path)}>
              {i18n.t(`${area.key}:menu.${item.key}`)}
              {item.badge && <MenuBadge useCount={item.badge} />}
            </Link>
          ),
        })),
      })),
    // i18n.language: the labels change with the language
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [areas, i18n, i18n.language, practising],
  );
  // The deepest menu item the URL is in.
  const here = useMemo(() => {
    const items = areas.flatMap((area) => area.menu.map((item) => ({ area, item, key: itemPath(area.key, item.path) })));
    return items.filter(({ key }) => location.pathname === key || location.pathname.startsWith(`${key}/`)).sort((a, b) => b.key.length - a.key.length)[0];
  }, [areas, location.pathname]);
  const selected = here?.key;

  if (!principal) return null;
  const { name, organisation } = principalLabels(principal);
  // Practice mode is known with the session, before the first page is drawn: its colours from the start.
  const accent = practising ? PRACTICE.accent : BRAND.blue;
  const deep = practising ? PRACTICE.deep : BRAND.deepBlue;

  const onSignOut = async () => {
    try {
      stopTour();
      await signOut();
      navigate('/sign-in', { replace: true });
    } catch (error) {
      void message.error(problemMessage(error, t));
    }
  };

  const brand = (
    <Link to="/" aria-label={t('appNameShort')} style={{ display: 'flex', alignItems: 'center', gap: 10, height: 64, paddingInline: collapsed && !phone ? 20 : 16, color: '#fff', overflow: 'hidden', whiteSpace: 'nowrap' }}>
      <SafetyCertificateFilled aria-hidden style={{ fontSize: 24, color: '#fff' }} />
      {collapsed && !phone ? null : <span style={{ fontSize: 16, fontWeight: 600 }}>{t('appNameShort')}</span>}
    </Link>
  );
  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      items={items}
      selectedKeys={selected ? [selected] : []}
      onClick={() => {
        if (phone) setDrawerOpen(false);
      }}
    />
  );
  const roles = (
    <Flex gap={4} wrap>
      {roleTags(principal, t).map((role) => (
        <Tag key={role} color="blue" style={{ marginInlineEnd: 0 }}>
          {role}
        </Tag>
      ))}
    </Flex>
  );
  const signOutButton = (
    <Button icon={<LogoutOutlined aria-hidden />} onClick={() => void onSignOut()}>
      {t('signOut')}
    </Button>
  );

  return (
    <ConfigProvider theme={practising ? practiceTheme : undefined}>
      <Layout style={{ minHeight: '100vh' }} data-practice-mode={practising ? 'on' : 'off'}>
        {phone ? (
          <Drawer
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            placement="left"
            size={280}
            closable={false}
            title={null}
            styles={{ body: { padding: 0, background: deep, display: 'flex', flexDirection: 'column' }, section: { background: deep } }}
            aria-label={t('menu')}
          >
            {brand}
            {menu}
            <Flex vertical gap={8} style={{ padding: 16, marginTop: 'auto', background: '#fff' }} data-testid="account-panel">
              <Typography.Text>
                <UserOutlined aria-hidden /> {name}
              </Typography.Text>
              {roles}
              <PracticeSwitch />
              <LanguageSwitch />
              {signOutButton}
            </Flex>
          </Drawer>
        ) : (
          <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} collapsedWidth={64} width={232} aria-label={t('menu')}>
            {brand}
            {menu}
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Header style={{ borderBottom: `3px solid ${accent}`, height: 'auto', minHeight: phone ? 56 : 64, lineHeight: 1.4, paddingInline: phone ? 8 : 16 }}>
            {phone ? (
              <Flex align="center" gap={8} style={{ minHeight: 53 }}>
                <Button type="text" icon={<MenuOutlined aria-hidden />} aria-label={t('menu')} aria-expanded={drawerOpen} onClick={() => setDrawerOpen(true)} />
                <Typography.Text strong style={{ fontSize: 16, flex: 1, minWidth: 0 }} ellipsis>
                  {organisation}
                </Typography.Text>
              </Flex>
            ) : (
              <Flex align="center" justify="space-between" gap={12} wrap style={{ minHeight: 61 }}>
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text strong style={{ fontSize: 16 }} ellipsis>
                    {organisation}
                  </Typography.Text>
                  {roles}
                </Flex>
                <Flex align="center" gap={8} wrap>
                  <Typography.Text>
                    <UserOutlined aria-hidden /> {name}
                  </Typography.Text>
                  <PracticeSwitch />
                  <LanguageSwitch />
                  {signOutButton}
                </Flex>
              </Flex>
            )}
          </Layout.Header>
          <Layout.Content style={{ padding: phone ? 12 : 24 }}>
            <PracticeBanner />
            <TourHost />
            {/* Keyed by the department acted for: switching practice mode on or off loads the page afresh. */}
            <Suspense key={principal.kind === 'person' ? principal.departmentCode : principal.holderCode} fallback={<PageLoading />}>
              {here && !shown(here.item) && (here.item.path !== '' || location.pathname === here.key) ? (
                <Result
                  status="info"
                  title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('realOnly.title')}</h1>}
                  subTitle={t('realOnly.subtitle')}
                  extra={
                    <Link to={itemPath(here.area.key, here.area.menu.find(shown)?.path ?? '')}>
                      <Button type="primary">{t('realOnly.back')}</Button>
                    </Link>
                  }
                  data-testid="real-only"
                />
              ) : (
                <Outlet />
              )}
            </Suspense>
          </Layout.Content>
          <Layout.Footer style={{ textAlign: 'center', padding: '12px 16px' }}>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              {t('footer')}
            </Typography.Text>
          </Layout.Footer>
        </Layout>
      </Layout>
    </ConfigProvider>
  );
}
