/**
 * A role area of the console (issuer, consumer, coordinator, enterprise portal) is a folder under
 * web/src/areas/<key>/ with:
 * - `area.tsx`: this definition — small, loaded with the shell: who works there, its menu, the
 *   words of its menu, and its pages as a lazy import (their own chunk);
 * - its pages (e.g. `IssuerArea.tsx`, a default-exported component with the area's <Routes>),
 *   its words (`registerMessages`), and whatever else it needs.
 * Adding an area is adding its folder and one line in `areas.ts`.
 */
import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { Principal } from './session.tsx';

export interface AreaMenuItem {
  /** Below the area's path; '' is the area's home. */
  path: string;
  /** Key of the label in the area's namespace (`menu.<key>`). */
  key: string;
  icon: ReactNode;
  /** The page shows real departments' figures (a province's ranking): not in practice mode, where it is left out of the menu and says so. */
  realOnly?: true;
  /** A hook counting the work waiting there (web/src/shared/badges.ts), shown as the item's badge. */
  badge?: () => number | undefined;
}

type Words = { title: string; menu: Record<string, string> } & Record<string, unknown>;

export interface AreaDefinition {
  /** The folder, the URL segment (/issuer) and the i18n namespace. */
  key: string;
  icon: ReactNode;
  /** Whether the principal works here. Navigation only: the platform decides every call. */
  allows(principal: Principal): boolean;
  menu: AreaMenuItem[];
  /** The area's title and menu labels, in both languages (the rest of its words load with its chunk). */
  words: { 'zh-CN': Words; en: Words };
  page: LazyExoticComponent<ComponentType>;
}
