import { describe, expect, it } from 'vitest';
import { decide, type Action, type PersonPrincipal, type Principal, type PolicyResource } from '../../src/policy/index.ts';

/**
 * The allow/deny matrix of the policies (src/policy/*.cedar): who may do what to which kind of
 * resource. One row per action and resource; one column per principal. Adding a capability's
 * actions means adding rows to MATRIX below, nothing else.
 */

// Departments: S owns the resources (the market regulation administration), T consumes them
// (the tax bureau), C is the coordination office, H is another department, not a party.
const S = '11370000MB0000001S';
const T = '11370000MB0000002T';
const C = '11370000MB0000003C';
const H = '11370000MB0000004H';

const PRINCIPALS = {
  /** The owning department's system (issuer of the licenses). */
  owner: { kind: 'client', clientId: 'samr', departmentCode: S, roles: ['issuer'] },
  /** The requesting department's system. */
  consumer: { kind: 'client', clientId: 'tax', departmentCode: T, roles: ['consumer'] },
  /** The coordination office (provincial big-data bureau). */
  coordinator: { kind: 'client', clientId: 'bdb', departmentCode: C, roles: ['coordinator'] },
  /** A consumer system of a department that is no party to the resource or agreement. */
  other: { kind: 'client', clientId: 'hrss', departmentCode: H, roles: ['consumer'] },
  /** An enterprise signed in as a license holder. */
  holder: { kind: 'holder', holderCode: '91370100MA3C5K7X2P', accountId: 'acct-1' },
} as const satisfies Record<string, Principal>;

type Who = keyof typeof PRINCIPALS;
const COLUMNS: readonly Who[] = ['owner', 'consumer', 'coordinator', 'other', 'holder'];

interface Row {
  action: Action;
  /** A fixed resource, or one that depends on who asks (their own department, say). */
  resource: PolicyResource | ((who: Principal) => PolicyResource);
  label: string;
  /** One word per column of COLUMNS: "allow" or "deny". */
  expect: string;
}

const SHARING_CLASSES = ['unconditional', 'conditional', 'not-shared'] as const;

const catalogResource = (sharingClass: string, ownerDepartment = S): PolicyResource => ({
  type: 'CatalogResource',
  id: 'business-license',
  attrs: { ownerDepartment, sharingClass },
});

const agreement = (status: string, sharingClass = 'conditional', ownerDepartment = S, consumerDepartment = T): PolicyResource => ({
  type: 'Agreement',
  id: 'a-1',
  attrs: { ownerDepartment, consumerDepartment, status, sharingClass },
});

const PLATFORM: PolicyResource = { type: 'Platform', id: 'certbridge' };
const ownDepartment = (p: Principal): PolicyResource => ({ type: 'Department', id: p.kind === 'client' ? p.departmentCode : 'none' });

const HOLDER = '91370100MA3C5K7X2P';
const subscriptionOf = (department: string): PolicyResource => ({ type: 'Subscription', id: 's-1', attrs: { department } });
const holderRecord = (holderCode: string, issuers: string[] = []): PolicyResource => ({ type: 'HolderRecord', id: holderCode, attrs: { holderCode, issuers } });
const registryOf = (issuerCode?: string): PolicyResource => ({ type: 'LicenseRegistry', id: issuerCode ?? '*', attrs: issuerCode === undefined ? {} : { issuerCode } });

const MATRIX: Row[] = [
  //                                                                         owner consumer coordinator other holder
  // ── catalog ──
  { action: 'catalog:read', resource: { type: 'Catalog', id: 'catalog' }, label: 'the catalog', expect: 'allow allow allow allow deny' },
  ...SHARING_CLASSES.flatMap((c): Row[] => [
    { action: 'catalog:read', resource: catalogResource(c), label: `a ${c} resource`, expect: 'allow allow allow allow deny' },
    { action: 'catalog:create', resource: catalogResource(c), label: `a ${c} resource of S`, expect: 'allow deny deny deny deny' },
    { action: 'catalog:update', resource: catalogResource(c), label: `a ${c} resource of S`, expect: 'allow deny deny deny deny' },
  ]),
  { action: 'catalog:create', resource: catalogResource('conditional', H), label: 'a resource of H', expect: 'deny deny deny allow deny' },

  // ── agreements ──
  { action: 'agreement:request', resource: catalogResource('unconditional'), label: 'an unconditional resource', expect: 'deny allow deny allow deny' },
  { action: 'agreement:request', resource: catalogResource('conditional'), label: 'a conditional resource', expect: 'deny allow deny allow deny' },
  { action: 'agreement:request', resource: catalogResource('not-shared'), label: 'a not-shared resource', expect: 'deny deny deny deny deny' },
  { action: 'agreement:list', resource: PLATFORM, label: 'the platform', expect: 'allow allow allow allow deny' },
  { action: 'coordination:oversee', resource: PLATFORM, label: 'the platform', expect: 'deny deny allow deny deny' },
  ...SHARING_CLASSES.flatMap((c): Row[] => [
    { action: 'agreement:read', resource: agreement('submitted', c), label: `a submitted request for a ${c} resource`, expect: 'allow allow allow deny deny' },
    { action: 'agreement:comment', resource: agreement('submitted', c), label: `a submitted request for a ${c} resource`, expect: 'allow allow allow deny deny' },
    { action: 'agreement:decide', resource: agreement('submitted', c), label: `a submitted request for a ${c} resource`, expect: 'allow deny deny deny deny' },
    { action: 'agreement:decide', resource: agreement('escalated', c), label: `an escalated request for a ${c} resource`, expect: 'allow deny allow deny deny' },
    { action: 'agreement:appeal', resource: agreement('rejected', c), label: `a rejected request for a ${c} resource`, expect: 'deny allow deny deny deny' },
    { action: 'agreement:decide-appeal', resource: agreement('rejected', c), label: `an appealed rejection for a ${c} resource`, expect: 'deny deny allow deny deny' },
    { action: 'agreement:revoke', resource: agreement('active', c), label: `an active agreement for a ${c} resource`, expect: 'allow deny deny deny deny' },
    { action: 'agreement:suspend', resource: agreement('active', c), label: `an active agreement for a ${c} resource`, expect: 'allow deny allow deny deny' },
    { action: 'agreement:reinstate', resource: agreement('suspended', c), label: `a suspended agreement for a ${c} resource`, expect: 'allow deny allow deny deny' },
  ]),
  // The coordination office never judges an appeal in its own cause.
  { action: 'agreement:decide-appeal', resource: agreement('rejected', 'conditional', C, T), label: "a rejection of the coordination office's own resource", expect: 'deny deny deny deny deny' },

  // ── inbox ──
  { action: 'inbox:read', resource: ownDepartment, label: "one's own department's inbox", expect: 'allow allow allow allow deny' },
  { action: 'inbox:update', resource: ownDepartment, label: "one's own department's inbox", expect: 'allow allow allow allow deny' },
  { action: 'inbox:read', resource: { type: 'Department', id: H }, label: "H's inbox", expect: 'deny deny deny allow deny' },

  // ── audit: the log as C2SP tlog-tiles (tiles hold hashes only; entry bundles hold every entry) ──
  { action: 'audit:read-tiles', resource: { type: 'AuditLog', id: 'certbridge' }, label: 'the tiles of hashes', expect: 'allow allow allow allow allow' },
  { action: 'audit:read-bundles', resource: { type: 'AuditLog', id: 'certbridge' }, label: 'the entry bundles', expect: 'deny deny allow deny deny' },

  // ── exchange: add its rows here ──
  // (rows whose decision depends on facts in the context — agreements, authorisations, quota — are in EXCHANGE_CONTEXT_MATRIX at the end)
  { action: 'exchange:call', resource: { type: 'LicenseType', id: 'business-license', attrs: { key: 'business-license' } }, label: 'the business license type', expect: 'deny allow deny allow deny' },
  { action: 'exchange:read-usage', resource: ownDepartment, label: "one's own department's usage", expect: 'deny allow allow allow deny' },
  { action: 'exchange:read-usage', resource: { type: 'Department', id: T }, label: "T's usage", expect: 'deny allow allow deny deny' },
  { action: 'exchange:read-usage', resource: PLATFORM, label: "the whole platform's usage", expect: 'deny deny allow deny deny' },
  { action: 'subscription:read', resource: subscriptionOf(T), label: "T's subscription", expect: 'deny allow allow deny deny' },
  { action: 'subscription:delete', resource: subscriptionOf(T), label: "T's subscription", expect: 'deny allow deny deny deny' },
  { action: 'subscription:redeliver', resource: subscriptionOf(T), label: "T's subscription", expect: 'deny allow deny deny deny' },
  { action: 'webhook:configure', resource: ownDepartment, label: "one's own department's webhook", expect: 'allow allow allow allow deny' },
  { action: 'webhook:read', resource: ownDepartment, label: "one's own department's webhook", expect: 'allow allow allow allow deny' },
  { action: 'webhook:redeliver', resource: ownDepartment, label: "one's own department's webhook", expect: 'allow allow allow allow deny' },
  { action: 'webhook:configure', resource: { type: 'Department', id: H }, label: "H's webhook", expect: 'deny deny allow allow deny' },
  { action: 'webhook:read', resource: { type: 'Department', id: S }, label: "S's webhook", expect: 'allow deny allow deny deny' },

  // ── compensation ledger (共享补偿) ──
  { action: 'ledger:set-price', resource: PLATFORM, label: 'the prices', expect: 'deny deny allow deny deny' },
  { action: 'ledger:correct', resource: PLATFORM, label: 'the ledger', expect: 'deny deny allow deny deny' },
  { action: 'ledger:read-prices', resource: PLATFORM, label: 'the prices', expect: 'allow allow allow allow deny' },
  { action: 'ledger:read-statement', resource: ownDepartment, label: "one's own department's statement", expect: 'allow allow allow allow deny' },
  { action: 'ledger:read-statement', resource: { type: 'Department', id: T }, label: "T's statement", expect: 'deny allow allow deny deny' },
  { action: 'ledger:read-statement', resource: { type: 'Department', id: S }, label: "S's statement", expect: 'allow deny allow deny deny' },
  { action: 'ledger:post', resource: PLATFORM, label: 'the ledger (postings from the log)', expect: 'deny deny deny deny deny' },

  // ── holders ──
  { action: 'holder-account:create', resource: holderRecord(HOLDER, [S]), label: 'a holder S issued a license to', expect: 'allow deny allow deny deny' },
  { action: 'holder-account:create', resource: holderRecord(HOLDER, [H]), label: 'a holder S issued nothing to', expect: 'deny deny allow deny deny' },
  { action: 'holder-account:change-password', resource: holderRecord(HOLDER), label: "the holder's own account", expect: 'deny deny deny deny allow' },
  { action: 'authorisation:grant', resource: holderRecord(HOLDER), label: "the holder's own license", expect: 'deny deny deny deny allow' },
  { action: 'authorisation:revoke', resource: holderRecord(HOLDER), label: "the holder's own authorisation", expect: 'deny deny deny deny allow' },
  { action: 'authorisation:list', resource: holderRecord(HOLDER), label: "the holder's own authorisations", expect: 'deny deny allow deny allow' },
  { action: 'license:list-held', resource: holderRecord(HOLDER), label: "the licenses the holder holds", expect: 'deny deny deny deny allow' },
  { action: 'license:list-held', resource: holderRecord('91370100MA3C5K7Y3Q'), label: "the licenses another holder holds", expect: 'deny deny deny deny deny' },
  { action: 'authorisation:grant', resource: holderRecord('91370100MA3C5K7Y3Q'), label: "another holder's license", expect: 'deny deny deny deny deny' },
  { action: 'authorisation:revoke', resource: holderRecord('91370100MA3C5K7Y3Q'), label: "another holder's authorisation", expect: 'deny deny deny deny deny' },

  // ── licenses: the registry (GET /api/v1/licenses) ──
  { action: 'license:list', resource: registryOf(S), label: "the registry of S's licenses", expect: 'allow deny allow deny deny' },
  { action: 'license:list', resource: registryOf(H), label: "the registry of H's licenses", expect: 'deny deny allow deny deny' },
  { action: 'license:list', resource: registryOf(), label: "every issuer's licenses", expect: 'deny deny allow deny deny' },
  { action: 'license:list', resource: (p) => registryOf(p.kind === 'client' ? p.departmentCode : 'none'), label: "one's own department's licenses", expect: 'allow deny allow deny deny' },

  // ── people: staff accounts ──
  { action: 'person:create', resource: ownDepartment, label: "one's own department", expect: 'deny deny allow deny deny' },
  { action: 'person:create', resource: { type: 'Department', id: H }, label: 'department H', expect: 'deny deny allow deny deny' },
  { action: 'person:list', resource: ownDepartment, label: "one's own department", expect: 'allow allow allow allow deny' },
  { action: 'person:list', resource: { type: 'Department', id: H }, label: 'department H', expect: 'deny deny allow allow deny' },
  { action: 'person:disable', resource: ownDepartment, label: "one's own department", expect: 'allow allow allow allow deny' },
  { action: 'person:disable', resource: { type: 'Department', id: S }, label: 'department S', expect: 'allow deny allow deny deny' },
  { action: 'person:enable', resource: { type: 'Department', id: H }, label: 'department H', expect: 'deny deny allow allow deny' },
  { action: 'person:reset-password', resource: ownDepartment, label: "one's own department", expect: 'allow allow allow allow deny' },
  { action: 'person:reset-password', resource: { type: 'Department', id: S }, label: 'department S', expect: 'allow deny allow deny deny' },
];

const cases = MATRIX.flatMap((row) => {
  const expected = row.expect.split(/\s+/);
  if (expected.length !== COLUMNS.length || expected.some((e) => e !== 'allow' && e !== 'deny')) {
    throw new Error(`matrix row ${row.action} on ${row.label}: expect one of allow/deny for each of ${COLUMNS.join(', ')}`);
  }
  return COLUMNS.map((who, i) => ({ ...row, who, allowed: expected[i] === 'allow' }));
});

describe('policy matrix: roles × actions × resource classes', () => {
  it.each(cases)('$action on $label by $who', ({ action, resource, who, allowed }) => {
    const principal = PRINCIPALS[who];
    const target = typeof resource === 'function' ? resource(principal) : resource;
    expect(decide(principal, action, target).allowed).toBe(allowed);
  });

  it('denies what no policy mentions', () => {
    for (const who of COLUMNS) expect(decide(PRINCIPALS[who], 'catalog:delete', catalogResource('conditional')).allowed).toBe(false);
  });
});

// ── exchange: decisions that depend on the facts the exchange gathers (context) ──

const LICENSE_TYPE: PolicyResource = { type: 'LicenseType', id: 'business-license', attrs: { key: 'business-license' } };
const grantOf = (consumerDepartment: string, purpose = 'tax-administration') => ({
  agreementId: 'a-1',
  consumerDepartment,
  licenseType: 'business-license',
  purpose,
  resourceId: 'business-license',
});
const authorisationFor = (grantee: { type: 'Client' | 'Department'; id: string }, holderCode = HOLDER, purpose = 'bank-account-opening') => ({
  id: 'auth-1',
  holderCode,
  licenseType: 'business-license',
  purpose,
  granteeKind: grantee.type === 'Client' ? 'client' : 'department',
  granteeId: grantee.id,
});
const subscribable = (accessModes: string[]): PolicyResource => ({
  type: 'CatalogResource',
  id: 'business-license',
  attrs: { resourceId: 'business-license', ownerDepartment: S, sharingClass: 'conditional', accessModes },
});

interface ContextRow {
  action: Action;
  resource: PolicyResource;
  context: Parameters<typeof decide>[3];
  label: string;
  expect: string;
}

const EXCHANGE_CONTEXT_MATRIX: ContextRow[] = [
  //                                                                        owner consumer coordinator other holder
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'tax-administration', quotaExceeded: false }, label: 'without agreement or authorisation', expect: 'deny deny deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'tax-administration', agreement: grantOf(T), quotaExceeded: false }, label: "under T's agreement for the declared purpose", expect: 'deny allow deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'credit-supervision', agreement: grantOf(T), quotaExceeded: false }, label: "under T's agreement for another purpose", expect: 'deny deny deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'tax-administration', agreement: grantOf(T), quotaExceeded: true }, label: "under T's agreement past its daily quota", expect: 'deny deny deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'tax-administration', agreement: grantOf(H), quotaExceeded: false }, label: "under H's agreement", expect: 'deny deny deny allow deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'bank-account-opening', holderCode: HOLDER, authorisation: authorisationFor({ type: 'Department', id: T }), quotaExceeded: false }, label: "under the holder's authorisation of department T", expect: 'deny allow deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'bank-account-opening', holderCode: HOLDER, authorisation: authorisationFor({ type: 'Client', id: 'hrss' }), quotaExceeded: false }, label: "under the holder's authorisation of system hrss", expect: 'deny deny deny allow deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'bank-account-opening', holderCode: '91370100MA3C5K7Y3Q', authorisation: authorisationFor({ type: 'Department', id: T }), quotaExceeded: false }, label: "under another holder's authorisation", expect: 'deny deny deny deny deny' },
  { action: 'exchange:read', resource: LICENSE_TYPE, context: { purpose: 'credit-supervision', holderCode: HOLDER, authorisation: authorisationFor({ type: 'Department', id: T }), quotaExceeded: false }, label: 'under an authorisation for another purpose', expect: 'deny deny deny deny deny' },
  { action: 'subscription:create', resource: subscribable(['query', 'subscription']), context: { agreement: grantOf(T) }, label: "a subscribable resource under T's agreement", expect: 'deny allow deny deny deny' },
  { action: 'subscription:create', resource: subscribable(['query', 'subscription']), context: {}, label: 'a subscribable resource without agreement', expect: 'deny deny deny deny deny' },
  { action: 'subscription:create', resource: subscribable(['query']), context: { agreement: grantOf(T) }, label: "a query-only resource under T's agreement", expect: 'deny deny deny deny deny' },
];

describe('policy matrix of the exchange: roles × actions × facts in the context', () => {
  const contextCases = EXCHANGE_CONTEXT_MATRIX.flatMap((row) => {
    const expected = row.expect.split(/\s+/);
    if (expected.length !== COLUMNS.length) throw new Error(`matrix row ${row.action} on ${row.label}: one allow/deny per column`);
    return COLUMNS.map((who, i) => ({ ...row, who, allowed: expected[i] === 'allow' }));
  });
  it.each(contextCases)('$action $label by $who', ({ action, resource, context, who, allowed }) => {
    expect(decide(PRINCIPALS[who], action, resource, context).allowed).toBe(allowed);
  });
});

// ── people: a member of staff acts with the department's roles exactly like its systems ──

const personLike = (client: Principal): Principal =>
  client.kind === 'client' ? { kind: 'person', personId: `p-${client.clientId}`, username: client.clientId, departmentCode: client.departmentCode, roles: client.roles } : client;

describe('policy matrix: people of a department decide like its systems', () => {
  const staff = COLUMNS.filter((who) => PRINCIPALS[who].kind === 'client');
  const rows = [
    ...MATRIX.map((row) => ({ ...row, context: undefined as Parameters<typeof decide>[3] })),
    // An authorisation naming one system is for that system only, not for the staff of its department.
    ...EXCHANGE_CONTEXT_MATRIX.filter((row) => !row.label.includes('of system')),
  ];
  const peopleCases = rows.flatMap((row) => staff.map((who) => ({ ...row, who })));
  it.each(peopleCases)('$action on $label by a person like $who', ({ action, resource, context, who }) => {
    const client = PRINCIPALS[who];
    const target = typeof resource === 'function' ? resource(client) : resource;
    expect(decide(personLike(client), action, target, context).allowed).toBe(decide(client, action, target, context).allowed);
  });

  it("a holder's authorisation naming one system is not one for the staff of its department", () => {
    const clerk = personLike(PRINCIPALS.other);
    const context = { purpose: 'bank-account-opening', holderCode: HOLDER, authorisation: authorisationFor({ type: 'Client', id: 'hrss' }), quotaExceeded: false };
    expect(decide(PRINCIPALS.other, 'exchange:read', LICENSE_TYPE, context).allowed).toBe(true);
    expect(decide(clerk, 'exchange:read', LICENSE_TYPE, context).allowed).toBe(false);
  });
});

// ── the operator of the installation (the CLI beside the server) ──

describe('policy matrix: the operator', () => {
  const operator: Principal = { kind: 'operator', name: 'local' };
  it.each(['person:create', 'person:list', 'person:disable', 'person:enable', 'person:reset-password'] as const)('%s on any department is allowed (certbridge users …)', (action) => {
    expect(decide(operator, action, { type: 'Department', id: H }).allowed).toBe(true);
  });
  it('runs a posting pass of the ledger (certbridge ledger post), as the platform\'s background work does; sets no price', () => {
    expect(decide(operator, 'ledger:post', PLATFORM).allowed).toBe(true);
    expect(decide({ kind: 'system', job: 'ledger' }, 'ledger:post', PLATFORM).allowed).toBe(true);
    expect(decide(operator, 'ledger:set-price', PLATFORM).allowed).toBe(false);
    expect(decide(operator, 'ledger:read-statement', { type: 'Department', id: H }).allowed).toBe(false);
  });
  it('lists no licenses: the registry is for issuing departments and the coordination office', () => {
    expect(decide(operator, 'license:list', registryOf()).allowed).toBe(false);
    expect(decide(operator, 'license:list', registryOf(S)).allowed).toBe(false);
  });
});

// ── people with several roles: a person is exactly as strong as a system with the same roles ──

describe('policy matrix: a person of S with the issuer and consumer roles decides like a system of S with them', () => {
  const system: Principal = { kind: 'client', clientId: 'samr-2', departmentCode: S, roles: ['issuer', 'consumer'] };
  const person: Principal = { kind: 'person', personId: 'p-samr-2', username: 'samr.clerk', departmentCode: S, roles: ['issuer', 'consumer'] };
  it.each(MATRIX.map((row) => ({ ...row })))('$action on $label', ({ action, resource }) => {
    const target = typeof resource === 'function' ? resource(system) : resource;
    expect(decide(person, action, target).allowed).toBe(decide(system, action, target).allowed);
  });
});

// ── practice mode (练习模式): a person in practice acts only inside their practice copy ──

describe('policy matrix: practice mode', () => {
  // A practice copy: its issuer, consumer and coordination office (codes in the practice range).
  const PI = '11379999PRA00011PX';
  const PT = '11379999PRA00012PX';
  const PC = '11379999PRA00013PX';
  const copy = [PI, PT, PC];
  const practising = (departmentCode: string, role: string): Principal => ({
    kind: 'person',
    personId: `p-${role}`,
    username: `practice.${role}`,
    departmentCode,
    roles: [role],
    practice: true,
    practiceDepartments: copy,
  });
  const issuer = practising(PI, 'issuer');
  const consumer = practising(PT, 'consumer');
  const office = practising(PC, 'coordinator');
  // What a practice principal may do on something no department owns: read the catalog, list
  // agreements (the facades show it its copy's), issue (a guard keeps the holder in the copy).
  const neutral = (action: string, resource: PolicyResource) =>
    (action === 'catalog:read' && resource.type === 'Catalog') ||
    (action === 'agreement:list' && resource.type === 'Platform') ||
    (action === 'objection:list' && resource.type === 'Platform') ||
    (action === 'license:issue' && resource.type === 'LicenseType');

  const outside = MATRIX.flatMap((row) =>
    COLUMNS.filter((who) => PRINCIPALS[who].kind === 'client').map((who) => ({ ...row, who })),
  );
  it.each(outside)('$action on $label (real departments) by a practising person like $who is denied', ({ action, resource, who }) => {
    const roles = (PRINCIPALS[who] as { roles: readonly string[] }).roles;
    const inPractice = { ...practising(copy[0], roles[0]), roles: [...roles] } as PersonPrincipal;
    const target = typeof resource === 'function' ? resource(inPractice) : resource;
    if (target.type === 'Department' && target.id === inPractice.departmentCode) return; // its own (practice) department
    const context: Record<string, boolean> = action === 'license:issue' ? { authorisedIssuer: true } : {};
    const expected = neutral(action, target) ? decide({ ...inPractice, practice: false }, action, target, context).allowed : false;
    expect(decide(inPractice, action, target, context).allowed).toBe(expected);
  });

  it('inside the copy, a practising person acts with their role as in their real department', () => {
    const license: PolicyResource = { type: 'License', id: 'l-1', attrs: { issuerCode: PI } };
    expect(decide(issuer, 'license:revoke', license).allowed).toBe(true);
    expect(decide(issuer, 'license:read', license).allowed).toBe(true);
    expect(decide(issuer, 'license:list', { type: 'LicenseRegistry', id: PI, attrs: { issuerCode: PI } }).allowed).toBe(true);
    expect(decide(issuer, 'license:issue', LICENSE_TYPE, { authorisedIssuer: true }).allowed).toBe(true);
    expect(decide(issuer, 'agreement:decide', agreement('submitted', 'conditional', PI, PT)).allowed).toBe(true);
    expect(decide(consumer, 'agreement:request', catalogResource('conditional', PI)).allowed).toBe(true);
    expect(decide(consumer, 'agreement:appeal', agreement('rejected', 'conditional', PI, PT)).allowed).toBe(true);
    expect(decide(office, 'agreement:decide', agreement('escalated', 'conditional', PI, PT)).allowed).toBe(true);
    expect(decide(issuer, 'inbox:read', { type: 'Department', id: PI }).allowed).toBe(true);
  });

  it('outside the copy, nothing: real departments, agreements half in the copy, oversight, the audit log, the exchange', () => {
    expect(decide(issuer, 'license:list', { type: 'LicenseRegistry', id: '*', attrs: {} }).allowed).toBe(false);
    expect(decide(office, 'license:list', { type: 'LicenseRegistry', id: '*', attrs: {} }).allowed).toBe(false);
    expect(decide(office, 'license:read', { type: 'License', id: 'l-2', attrs: { issuerCode: S } }).allowed).toBe(false);
    expect(decide(issuer, 'agreement:decide', agreement('submitted', 'conditional', PI, T)).allowed).toBe(false);
    expect(decide(consumer, 'agreement:request', catalogResource('conditional', S)).allowed).toBe(false);
    expect(decide(office, 'coordination:oversee', PLATFORM).allowed).toBe(false);
    expect(decide(office, 'audit:query', { type: 'AuditLog', id: 'log' }).allowed).toBe(false);
    expect(decide(consumer, 'exchange:call', LICENSE_TYPE).allowed).toBe(false);
    expect(decide(office, 'person:create', { type: 'Department', id: PI }).allowed).toBe(false);
    expect(decide(issuer, 'inbox:read', { type: 'Department', id: PT }).allowed).toBe(false);
  });

  it('every person and every enterprise may use practice mode, in it or not; systems may not (the facade asks for a console session)', () => {
    expect(decide(issuer, 'practice:use', PLATFORM).allowed).toBe(true);
    expect(decide(personLike(PRINCIPALS.owner), 'practice:use', PLATFORM).allowed).toBe(true);
    expect(decide(PRINCIPALS.owner, 'practice:use', PLATFORM).allowed).toBe(false);
    expect(decide(PRINCIPALS.holder, 'practice:use', PLATFORM).allowed).toBe(true);
  });

  it("an enterprise in practice reaches its example enterprise's own records and the copy's licenses only; it grants nothing and changes no password", () => {
    const example = '91379999PRA0001017';
    const holder: Principal = { kind: 'holder', holderCode: example, accountId: 'acct-1', practice: true, practiceDepartments: copy };
    const own: PolicyResource = { type: 'HolderRecord', id: example, attrs: { holderCode: example } };
    expect(decide(holder, 'practice:use', PLATFORM).allowed).toBe(true);
    expect(decide(holder, 'license:list-held', own).allowed).toBe(true);
    expect(decide(holder, 'authorisation:list', own).allowed).toBe(true);
    expect(decide(holder, 'authorisation:grant', own).allowed).toBe(false);
    expect(decide(holder, 'holder-account:change-password', own).allowed).toBe(false);
    expect(decide(holder, 'objection:submit', { type: 'ObjectedLicense', id: 'l-1', attrs: { issuerCode: PI, holderCode: example, licenseType: 'business-license' } }).allowed).toBe(true);
    // A real license of the same code (impossible: the guard keeps practice codes out of real issuing) is still out of reach.
    expect(decide(holder, 'objection:submit', { type: 'ObjectedLicense', id: 'l-2', attrs: { issuerCode: '11370000MB0000000X', holderCode: example, licenseType: 'business-license' } }).allowed).toBe(false);
    // Out of practice the same enterprise grants as ever.
    expect(decide({ ...holder, practice: false }, 'authorisation:grant', own).allowed).toBe(true);
    // Overseeing a copy is the practising coordination office's only.
    expect(decide(office, 'practice:oversee-copy', PLATFORM).allowed).toBe(true);
    expect(decide(issuer, 'practice:oversee-copy', PLATFORM).allowed).toBe(false);
    expect(decide(personLike(PRINCIPALS.coordinator), 'practice:oversee-copy', PLATFORM).allowed).toBe(false);
  });
});
