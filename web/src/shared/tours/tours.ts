/**
 * The guided tours of practice mode (练习模式): issuing (the issuer's registry and the issuing
 * form, field by field, to the license issued), approving (one request of the issuer's queue and
 * its decision form), requesting (the consumer's catalog and request form, to the request sent),
 * deciding (the coordination office's decision on an appeal) and objecting (an enterprise's
 * objection to a field of its license, to the objection submitted). Every tour runs on practice
 * data: started outside practice mode, it asks to switch into it first (TourStart).
 * Each step names the page it is on and the element it points at by its `data-tour` attribute —
 * the pages carry the attributes, this module knows no page's code. A step may act, with a small
 * set of actions: `open` clicks a button (by its `data-tour`) when the element is not on the page
 * yet (a dialog, a drawer, the next page of a form), `example` offers to fill an example value into
 * the field, `press` makes "next" press the element (a submit button) and go on when what it
 * leads to shows. A step whose element is not on the page is shown in the middle of the screen, so
 * a tour never breaks. "Back" (上一步) returns to the step before in a state where it makes sense:
 * `back` clicks a button (a dialog's cancel, a form's previous page) when the step before is not
 * on the page or lies under what this step opened, and that step's `open` opens it again. The step
 * after a `press` cannot go back (what was submitted stays submitted): its back button is disabled
 * and says why.
 *
 * The attributes the pages carry (docs/console.md, "Practice mode"):
 *   /issuer                 registry-filters, issue-license, registry-table, registry-first
 *   the issuing dialog      issue-type, field-/holder/code, field-/data/<field> (generated form), issue-submit, issue-cancel
 *   /issuer/licenses/:id    license-issued
 *   /issuer/requests        requests-queue, request-deadline, request-review, request-decide,
 *                           request-approve, decision-fields, decision-reason, decision-submit, decision-cancel, request-decision
 *   /consumer               catalog-search, catalog-resource, request-button
 *   /consumer/request       request-sharing, request-fields, request-purpose, request-description,
 *                           request-legal-basis, request-next, request-prev, request-send, request-result
 *   /coordinator/escalations escalations-tabs, appeals-tab, appeal-decide, escalation-case, escalation-decision,
 *                           escalation-fields, escalation-reason, escalation-submit, escalation-cancel, escalation-decided
 *   /enterprise             license-object, objection-fields, objection-proposed, objection-reason,
 *                           objection-evidence, objection-submit, objection-cancel, objection-submitted
 *
 * Example values are written as practice data; `{holderCode}` and `{holderName}` are the practice
 * copy's enterprise to issue to (given by the banner, which knows the copy).
 */

/** Who a tour is for: a role of staff, or an enterprise signed in. */
export type TourRole = 'issuer' | 'consumer' | 'coordinator' | 'enterprise';

export type TourKey = 'issuing' | 'requesting' | 'approving' | 'deciding' | 'objecting';

export interface TourStep {
  /** The page the step is on; without one, the page the previous step led to. */
  path?: string;
  /** The `data-tour` attribute of the element it points at. */
  target: string;
  /** The message key (namespace `tours`) of its title and text: `<tour>.<key>.title`, `.text`. */
  key: string;
  /** The `data-tour` of a button to click when the element is not on the page. */
  open?: string;
  /** An example value the clerk may have filled into the field (practice only). */
  example?: string;
  /** "Next" presses the element (a submit button), and goes on when the next step's element shows. */
  press?: boolean;
  /** The `data-tour` of a button that undoes what this step opened (a dialog's cancel, a form's previous page), pressed by "back". */
  back?: string;
}

export interface TourDefinition {
  key: TourKey;
  /** Who the tour is for. */
  role: TourRole;
  /** It submits a form: it runs on practice data only (started outside practice mode, it switches into it first). */
  practice: boolean;
  steps: TourStep[];
}

/** Practice values a tour's examples name: `{holderCode}`, `{holderName}`. */
export type TourExamples = Record<string, string>;

export const TOURS: readonly TourDefinition[] = [
  {
    key: 'issuing',
    role: 'issuer',
    practice: true,
    steps: [
      { path: '/issuer', target: 'registry-filters', key: 'filters' },
      { path: '/issuer', target: 'issue-license', key: 'issue' },
      { path: '/issuer', target: 'issue-type', key: 'type', open: 'issue-license', example: '营业执照', back: 'issue-cancel' },
      { path: '/issuer', target: 'field-/holder/code', key: 'holderCode', open: 'issue-license', example: '{holderCode}' },
      { path: '/issuer', target: 'field-/data/name', key: 'name', open: 'issue-license', example: '{holderName}' },
      { path: '/issuer', target: 'field-/data/entityType', key: 'entityType', open: 'issue-license', example: '有限责任公司（自然人投资或控股）' },
      { path: '/issuer', target: 'field-/data/legalRepresentative', key: 'legalRepresentative', open: 'issue-license', example: '张练习' },
      { path: '/issuer', target: 'field-/data/registeredCapital', key: 'registeredCapital', open: 'issue-license', example: '100万元人民币' },
      { path: '/issuer', target: 'field-/data/establishedOn', key: 'establishedOn', open: 'issue-license', example: '2020-05-18' },
      { path: '/issuer', target: 'field-/data/businessTermFrom', key: 'businessTerm', open: 'issue-license', example: '2020-05-18' },
      { path: '/issuer', target: 'field-/data/domicile', key: 'domicile', open: 'issue-license', example: '山东省济南市历下区练习路1号' },
      { path: '/issuer', target: 'field-/data/businessScope', key: 'businessScope', open: 'issue-license', example: '软件开发；信息技术咨询服务。' },
      { path: '/issuer', target: 'field-/data/issuedOn', key: 'issuedOn', open: 'issue-license' },
      { path: '/issuer', target: 'issue-submit', key: 'submit', open: 'issue-license', press: true },
      { target: 'license-issued', key: 'issued' },
      { path: '/issuer', target: 'registry-first', key: 'registry' },
    ],
  },
  {
    key: 'approving',
    role: 'issuer',
    practice: true,
    steps: [
      { path: '/issuer/requests', target: 'requests-queue', key: 'queue' },
      { path: '/issuer/requests', target: 'request-deadline', key: 'deadline' },
      { path: '/issuer/requests', target: 'request-decide', key: 'open', open: 'request-review', back: 'request-close' },
      { path: '/issuer/requests', target: 'decision-fields', key: 'fields', open: 'request-approve', back: 'decision-cancel' },
      { path: '/issuer/requests', target: 'decision-reason', key: 'reason', open: 'request-approve', example: '用途明确、法律依据充分，同意共享所列字段（练习）。' },
      { path: '/issuer/requests', target: 'decision-submit', key: 'submit', open: 'request-approve', press: true },
      { path: '/issuer/requests', target: 'request-decision', key: 'decided' },
    ],
  },
  {
    key: 'requesting',
    role: 'consumer',
    practice: true,
    steps: [
      { path: '/consumer', target: 'catalog-search', key: 'search' },
      { path: '/consumer', target: 'catalog-resource', key: 'resource' },
      { path: '/consumer', target: 'request-button', key: 'button' },
      { target: 'request-sharing', key: 'sharing', open: 'request-button' },
      { target: 'request-fields', key: 'fields', open: 'request-next', back: 'request-prev' },
      { target: 'request-purpose', key: 'purpose', open: 'request-next', back: 'request-prev' },
      { target: 'request-description', key: 'description', example: '办理企业登记业务时核验企业名称和法定代表人（练习）。' },
      { target: 'request-legal-basis', key: 'legalBasis', example: '《优化营商环境条例》第三十七条（练习）' },
      { target: 'request-send', key: 'submit', open: 'request-next', press: true, back: 'request-prev' },
      { target: 'request-result', key: 'sent' },
    ],
  },
  {
    key: 'deciding',
    role: 'coordinator',
    practice: true,
    steps: [
      { path: '/coordinator/escalations', target: 'escalations-tabs', key: 'queue' },
      { path: '/coordinator/escalations', target: 'appeal-decide', key: 'open', open: 'appeals-tab' },
      { path: '/coordinator/escalations', target: 'escalation-case', key: 'case', open: 'appeal-decide', back: 'escalation-cancel' },
      { path: '/coordinator/escalations', target: 'escalation-decision', key: 'decision', open: 'appeal-decide' },
      { path: '/coordinator/escalations', target: 'escalation-fields', key: 'fields', open: 'appeal-decide' },
      { path: '/coordinator/escalations', target: 'escalation-reason', key: 'reason', open: 'appeal-decide', example: '用途明确、确属履职所需，支持申诉，开通所列字段（练习）。' },
      { path: '/coordinator/escalations', target: 'escalation-submit', key: 'submit', open: 'appeal-decide', press: true },
      { path: '/coordinator/escalations', target: 'escalation-decided', key: 'decided' },
    ],
  },
  {
    key: 'objecting',
    role: 'enterprise',
    practice: true,
    steps: [
      { path: '/enterprise', target: 'license-object', key: 'object' },
      { path: '/enterprise', target: 'objection-fields', key: 'fields', open: 'license-object', example: '住所', back: 'objection-cancel' },
      { path: '/enterprise', target: 'objection-proposed', key: 'proposed', open: 'license-object', example: '山东省济南市历下区练习路2号' },
      { path: '/enterprise', target: 'objection-reason', key: 'reason', open: 'license-object', example: '住所已于上月变更，证照上仍是旧地址（练习）。' },
      { path: '/enterprise', target: 'objection-evidence', key: 'evidence', open: 'license-object', example: '住所变更登记通知书（练习）' },
      { path: '/enterprise', target: 'objection-submit', key: 'submit', open: 'license-object', press: true },
      { path: '/enterprise', target: 'objection-submitted', key: 'submitted' },
    ],
  },
];

/** The tours for a person's roles (a coordinator practises deciding appeals: the issuer's tours do not apply). */
export const toursFor = (roles: readonly TourRole[]): TourDefinition[] => TOURS.filter((tour) => roles.includes(tour.role));

export const tourOf = (key: TourKey): TourDefinition | undefined => TOURS.find((tour) => tour.key === key);

/** Whether "back" is barred on step `index`: the step before it submitted a form, which cannot be undone. */
export const backBarred = (tour: TourDefinition, index: number): boolean => index > 0 && tour.steps[index - 1].press === true;

/** The element shown on the page with a `data-tour` attribute (a hidden one, e.g. a form page not shown yet, does not count). */
export const elementOf = (name: string): HTMLElement | null =>
  [...document.querySelectorAll<HTMLElement>(`[data-tour="${CSS.escape(name)}"]`)].find((element) => element.getClientRects().length > 0) ?? null;

/** The element a step points at, when it is on the page. */
export const targetOf = (step: TourStep): HTMLElement | null => elementOf(step.target);

/** The highest z-index among an element and its ancestors (a dialog's, a drawer's): 0 on the page itself. */
export function layerOf(element: HTMLElement): number {
  let layer = 0;
  for (let e: HTMLElement | null = element; e; e = e.parentElement) {
    const z = Number.parseInt(getComputedStyle(e).zIndex, 10);
    if (!Number.isNaN(z)) layer = Math.max(layer, z);
  }
  return layer;
}

/** A step's example with the practice values put in, or nothing when one is missing. */
export function exampleOf(step: TourStep, examples: TourExamples | undefined): string | undefined {
  if (step.example === undefined || !examples) return undefined;
  let missing = false;
  const value = step.example.replace(/\{(\w+)\}/g, (_, name: string) => examples[name] ?? ((missing = true), ''));
  return missing ? undefined : value;
}

/** The event an element with a `data-tour` attribute receives to take an example (useTourExample); `detail` is the value. */
export const TOUR_EXAMPLE = 'certbridge:tour-example';

/**
 * Fills an example into the element a step points at: a page that listens (useTourExample: a
 * generated form, a select) takes it; otherwise the first text box in it is typed into, as React
 * sees typing.
 */
export function fillExample(element: HTMLElement, value: string): void {
  if (!element.dispatchEvent(new CustomEvent(TOUR_EXAMPLE, { bubbles: true, cancelable: true, detail: value }))) return;
  const box = element.matches('input, textarea') ? element : element.querySelector<HTMLElement>('input:not([type="hidden"]):not([type="file"]), textarea');
  if (!(box instanceof HTMLInputElement || box instanceof HTMLTextAreaElement)) return;
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box) as object, 'value')?.set?.call(box, value);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.focus();
}
