/**
 * The guided tours of practice mode (练习模式): issuing (the issuer's registry), requesting (the
 * consumer's catalog and request form) and approving (the issuer's queue of sharing requests).
 * Each step names the page it is on and the element it points at by its `data-tour` attribute —
 * the pages carry the attributes, this module knows no page's code. A step whose element is not on
 * the page (yet) is shown in the middle of the screen, so a tour never breaks.
 *
 * The attributes the pages carry (docs/console.md, "Practice mode"):
 *   /issuer            registry-filters, issue-license, registry-table
 *   /issuer/requests   requests-queue, request-deadline, request-decide
 *   /consumer          catalog-search, catalog-resource, request-button
 *   /consumer/request  request-sharing, request-fields, request-purpose, request-submit
 */
import type { Role } from '../../app/session.tsx';

export type TourKey = 'issuing' | 'requesting' | 'approving';

export interface TourStep {
  /** The page the step is on. */
  path: string;
  /** The `data-tour` attribute of the element it points at. */
  target: string;
  /** The message key (namespace `tours`) of its title and text: `<tour>.<key>.title`, `.text`. */
  key: string;
}

export interface TourDefinition {
  key: TourKey;
  /** Who the tour is for. */
  role: Role;
  steps: TourStep[];
}

export const TOURS: readonly TourDefinition[] = [
  {
    key: 'issuing',
    role: 'issuer',
    steps: [
      { path: '/issuer', target: 'registry-filters', key: 'filters' },
      { path: '/issuer', target: 'issue-license', key: 'issue' },
      { path: '/issuer', target: 'registry-table', key: 'table' },
    ],
  },
  {
    key: 'approving',
    role: 'issuer',
    steps: [
      { path: '/issuer/requests', target: 'requests-queue', key: 'queue' },
      { path: '/issuer/requests', target: 'request-deadline', key: 'deadline' },
      { path: '/issuer/requests', target: 'request-decide', key: 'decide' },
    ],
  },
  {
    key: 'requesting',
    role: 'consumer',
    steps: [
      { path: '/consumer', target: 'catalog-search', key: 'search' },
      { path: '/consumer', target: 'catalog-resource', key: 'resource' },
      { path: '/consumer', target: 'request-button', key: 'button' },
      { path: '/consumer/request', target: 'request-sharing', key: 'sharing' },
      { path: '/consumer/request', target: 'request-fields', key: 'fields' },
      { path: '/consumer/request', target: 'request-purpose', key: 'purpose' },
      { path: '/consumer/request', target: 'request-submit', key: 'submit' },
    ],
  },
];

/** The tours for a person's roles (a coordinator practises approving escalations: the issuer's tours do not apply). */
export const toursFor = (roles: readonly Role[]): TourDefinition[] => TOURS.filter((tour) => roles.includes(tour.role));

/** The element a step points at, when it is on the page. */
export const targetOf = (step: TourStep): HTMLElement | null => document.querySelector<HTMLElement>(`[data-tour="${CSS.escape(step.target)}"]`);
