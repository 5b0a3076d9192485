import { lazy, Suspense, type ReactNode } from 'react';
import { registerMessages } from '../../app/i18n.ts';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { consumerMessages } from '../consumer/messages.ts';
import { coordinatorArea } from './area.tsx';
import { coordinatorMessages } from './messages.ts';

registerMessages('coordinator', coordinatorMessages);
// Statuses, sharing classes and sensitivities are the consumer area's words, shared.
registerMessages('consumer', consumerMessages);

// Each page its own chunk: ECharts loads with the dashboard only.
const Dashboard = lazy(() => import('./Dashboard.tsx'));
const EscalationsPage = lazy(() => import('./EscalationsPage.tsx'));
const DepartmentsPage = lazy(() => import('./DepartmentsPage.tsx'));
const IssuersPage = lazy(() => import('./IssuersPage.tsx'));
const LicenseTypesPage = lazy(() => import('./LicenseTypesPage.tsx'));
const AuditPage = lazy(() => import('./AuditPage.tsx'));
const ObjectionsPage = lazy(() => import('../../shared/objections/ObjectionsPage.tsx'));
const QualityDashboard = lazy(() => import('../../shared/quality/QualityPages.tsx').then((m) => ({ default: m.QualityDashboard })));
const QualityFindings = lazy(() => import('../../shared/quality/QualityPages.tsx').then((m) => ({ default: m.QualityFindings })));
const ScoreboardPage = lazy(() => import('../../shared/evaluation/EvaluationPages.tsx').then((m) => ({ default: m.ScoreboardPage })));
const WeightsPage = lazy(() => import('../../shared/evaluation/EvaluationPages.tsx').then((m) => ({ default: m.WeightsPage })));
const StatementsPage = lazy(() => import('../../shared/statements/StatementsPage.tsx'));

const page = (element: ReactNode) => <Suspense fallback={<PageLoading />}>{element}</Suspense>;

export default function CoordinatorArea() {
  return (
    <AreaPlaceholders
      area={coordinatorArea}
      pages={{
        dashboard: page(<Dashboard />),
        escalations: page(<EscalationsPage />),
        objections: page(<ObjectionsPage mode="coordinator" />),
        departments: page(<DepartmentsPage />),
        licenseTypes: page(<LicenseTypesPage />),
        issuers: page(<IssuersPage />),
        audit: page(<AuditPage />),
        quality: page(<QualityDashboard selectDepartment />),
        findings: page(<QualityFindings selectDepartment />),
        scoreboard: page(<ScoreboardPage />),
        weights: page(<WeightsPage />),
        statements: page(<StatementsPage selectDepartment />),
      }}
    />
  );
}
