/**
 * The console: providers (language, Ant Design's locale and theme, the session) and the routes.
 * Every page is its own chunk: the public pages (/verify — what a phone opens from a QR code —
 * and /sign-in) load without the shell or any role area.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { PageLoading } from '../shared/PageLoading.tsx';
import type { AreaDefinition } from './area.ts';
import { queryClient } from './api.ts';
import { AREAS, homeOf } from './areas.ts';
import { SessionProvider, useSession } from './session.tsx';
import { theme } from './theme.ts';

const SignInPage = lazy(() => import('../areas/sign-in/SignInPage.tsx'));
const VerifyPage = lazy(() => import('../areas/verify/VerifyPage.tsx'));
const AppShell = lazy(() => import('./AppShell.tsx'));

/** `/`: the principal's home when signed in, the sign-in page otherwise. */
function Home() {
  const { state } = useSession();
  if (state.status === 'loading') return <PageLoading />;
  return <Navigate to={state.status === 'signed-in' ? homeOf(state.principal) : '/sign-in'} replace />;
}

/** The signed-in part: a session or the sign-in page (coming back here afterwards). */
function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <PageLoading />;
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}${state.ended ? '&ended=1' : ''}`} replace />;
  }
  return children;
}

function AreaRoute({ area }: { area: AreaDefinition }) {
  const { principal } = useSession();
  const { t } = useTranslation();
  if (!principal || !area.allows(principal)) return <Result status="403" title={t('forbidden.title')} subTitle={t('forbidden.subtitle')} />;
  const Page = area.page;
  return <Page />;
}

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title={t('notFound.title')} subTitle={t('notFound.subtitle')} />;
}

/** The title of the browser tab follows the language. */
function DocumentTitle() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('appName')} · ${t('product')}`;
  }, [t]);
  return null;
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

/** Whether the reader asked the system for less motion (vestibular disorders, slow machines); followed live. */
function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(REDUCED_MOTION);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => window.matchMedia(REDUCED_MOTION).matches,
  );
}

export function App() {
  const { i18n } = useTranslation();
  // Drawers, dialogs and menus open without sliding for a reader who asked the system for less motion.
  const reducedMotion = usePrefersReducedMotion();
  const themed = useMemo(() => ({ ...theme, token: { ...theme.token, motion: !reducedMotion } }), [reducedMotion]);
  return (
    <QueryClientProvider client={queryClient}>
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={themed}>
      <AntApp>
        <DocumentTitle />
        <SessionProvider>
          <BrowserRouter>
            <ErrorBoundary>
              <Suspense fallback={<PageLoading />}>
                <Routes>
                  <Route path="/" element={<Home />} />
                  <Route path="/sign-in" element={<SignInPage />} />
                  <Route path="/verify" element={<VerifyPage />} />
                  <Route path="/verify/:identifier" element={<VerifyPage />} />
                  {/* The QR code's link, opened in a browser: the platform answers this page. */}
                  <Route path="/api/v1/verify/:identifier" element={<VerifyPage />} />
                  <Route
                    element={
                      <RequireSession>
                        <AppShell />
                      </RequireSession>
                    }
                  >
                    {AREAS.map((area) => (
                      <Route key={area.key} path={`/${area.key}/*`} element={<AreaRoute area={area} />} />
                    ))}
                  </Route>
                  <Route path="*" element={<NotFound />} />
                </Routes>
              </Suspense>
            </ErrorBoundary>
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
    </QueryClientProvider>
  );
}
