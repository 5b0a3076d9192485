import { lazy, Suspense, type ReactNode } from 'react';
import { AreaPlaceholders } from '../../shared/AreaPlaceholders.tsx';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { enterpriseArea } from './area.tsx';
import './messages.ts';

// Each page its own chunk: an enterprise opening its licenses does not load the proof checker.
const LicensesPage = lazy(() => import('./LicensesPage.tsx'));
const AccessLogPage = lazy(() => import('./AccessLogPage.tsx'));
const AuthorisationsPage = lazy(() => import('./AuthorisationsPage.tsx'));
const ObjectionsPage = lazy(() => import('../../shared/objections/ObjectionsPage.tsx'));

const page = (element: ReactNode) => <Suspense fallback={<PageLoading />}>{element}</Suspense>;

/** The enterprise portal: my licenses, who used my data, my authorisations. */
export default function EnterpriseArea() {
  return (
    <AreaPlaceholders
      area={enterpriseArea}
      pages={{ licenses: page(<LicensesPage />), accessLog: page(<AccessLogPage />), authorisations: page(<AuthorisationsPage />), objections: page(<ObjectionsPage mode="enterprise" />) }}
    />
  );
}
