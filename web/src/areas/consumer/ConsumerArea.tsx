import { Result } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { registerMessages } from '../../app/i18n.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { consumerMessages } from './messages.ts';

registerMessages('consumer', consumerMessages);

// Each page its own chunk: ECharts loads with the usage page only.
const CatalogPage = lazy(() => import('./CatalogPage.tsx'));
const RequestPage = lazy(() => import('./RequestPage.tsx'));
const AgreementsPage = lazy(() => import('./AgreementsPage.tsx'));
const LookupPage = lazy(() => import('./LookupPage.tsx'));
const UsagePage = lazy(() => import('./UsagePage.tsx'));
const SubscriptionsPage = lazy(() => import('./SubscriptionsPage.tsx'));
const ObjectionsPage = lazy(() => import('../../shared/objections/ObjectionsPage.tsx'));
const ScoreboardPage = lazy(() => import('../../shared/evaluation/EvaluationPages.tsx').then((m) => ({ default: m.ScoreboardPage })));
const StatementsPage = lazy(() => import('../../shared/statements/StatementsPage.tsx'));

const page = (element: ReactNode) => <Suspense fallback={<PageLoading />}>{element}</Suspense>;

/** The consumer's pages: the menu's (catalog, agreements, lookup, usage, subscriptions) and the guided request. */
export default function ConsumerArea() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route index element={page(<CatalogPage />)} />
      <Route path="request" element={page(<RequestPage />)} />
      <Route path="agreements" element={page(<AgreementsPage />)} />
      <Route path="lookup" element={page(<LookupPage />)} />
      <Route path="usage" element={page(<UsagePage />)} />
      <Route path="subscriptions" element={page(<SubscriptionsPage />)} />
      <Route path="objections" element={page(<ObjectionsPage mode="consumer" />)} />
      <Route path="statements" element={page(<StatementsPage />)} />
      <Route path="evaluation" element={page(<ScoreboardPage />)} />
      <Route path="*" element={<Result status="404" title={t('notFound.title')} subTitle={t('notFound.subtitle')} />} />
    </Routes>
  );
}
