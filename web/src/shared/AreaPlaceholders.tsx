import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import type { AreaDefinition } from '../app/area.ts';
import { Placeholder } from './Placeholder.tsx';

/**
 * The routes of an area whose pages are not built yet: each menu item a placeholder naming what
 * it will do (`plans.<key>` in the area's words). `pages` replaces the placeholder of a built page.
 */
export function AreaPlaceholders({ area, pages = {} }: { area: AreaDefinition; pages?: Record<string, ReactNode> }) {
  const { t } = useTranslation(area.key);
  const { t: common } = useTranslation();
  return (
    <Routes>
      {area.menu.map((item) => {
        const element = pages[item.key] ?? <Placeholder title={t(`menu.${item.key}`)} description={t(`plans.${item.key}`, { defaultValue: '' }) || undefined} />;
        return item.path ? <Route key={item.key} path={item.path} element={element} /> : <Route key={item.key} index element={element} />;
      })}
      <Route path="*" element={<Result status="404" title={common('notFound.title')} subTitle={common('notFound.subtitle')} />} />
    </Routes>
  );
}
