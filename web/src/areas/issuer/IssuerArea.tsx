/**
 * The issuer's area (market regulation staff): the license registry and each license, the import,
 * the queue of sharing requests for the department's resources, and the department's inbox.
 */
import { Result } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { registerMessages } from '../../app/i18n.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { issuerMessages } from './messages.ts';

registerMessages('issuer', issuerMessages);

const RegistryPage = lazy(() => import('./RegistryPage.tsx'));
const LicenseDetailPage = lazy(() => import('./LicenseDetailPage.tsx'));
const ImportPage = lazy(() => import('./ImportPage.tsx'));
const RequestsPage = lazy(() => import('./RequestsPage.tsx'));
const InboxPage = lazy(() => import('./InboxPage.tsx'));
const ObjectionsPage = lazy(() => import('../../shared/objections/ObjectionsPage.tsx'));
const QualityDashboard = lazy(() => import('../../shared/quality/QualityPages.tsx').then((m) => ({ default: m.QualityDashboard })));
const QualityFindings = lazy(() => import('../../shared/quality/QualityPages.tsx').then((m) => ({ default: m.QualityFindings })));
const ScoreboardPage = lazy(() => import('../../shared/evaluation/EvaluationPages.tsx').then((m) => ({ default: m.ScoreboardPage })));
const StatementsPage = lazy(() => import('../../shared/statements/StatementsPage.tsx'));

const page = (element: ReactNode) => <Suspense fallback={<PageLoading />}>{element}</Suspense>;

export default function IssuerArea() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route index element={page(<RegistryPage />)} />
      <Route path="licenses/:identifier" element={page(<LicenseDetailPage />)} />
      <Route path="import" element={page(<ImportPage />)} />
      <Route path="requests" element={page(<RequestsPage />)} />
      <Route path="inbox" element={page(<InboxPage />)} />
      <Route path="objections" element={page(<ObjectionsPage mode="issuer" />)} />
      <Route path="quality" element={page(<QualityDashboard />)} />
      <Route path="quality/findings" element={page(<QualityFindings />)} />
      <Route path="statements" element={page(<StatementsPage />)} />
      <Route path="evaluation" element={page(<ScoreboardPage />)} />
      <Route path="*" element={<Result status="404" title={t('notFound.title')} subTitle={t('notFound.subtitle')} />} />
    </Routes>
  );
}
