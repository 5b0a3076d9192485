import { readFileSync } from 'node:fs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { Problem } from '../platform/problems.ts';

/** Who is asking: a department's system, authenticated with client credentials. */
export interface ClientPrincipal {
  kind: 'client';
  clientId: string;
  departmentCode: string;
  roles: readonly string[];
}

export type Principal = ClientPrincipal;

export type Action =
  | 'license:issue'
  | 'license:amend'
  | 'license:suspend'
  | 'license:reinstate'
  | 'license:revoke'
  | 'license:cancel'
  | 'license:read'
  | 'department:register'
  | 'client:create'
  | 'client:list'
  | 'key:rotate';

/** The thing acted on, with the attributes the policies look at. */
export type PolicyResource =
  | { type: 'LicenseType'; id: string }
  | { type: 'License'; id: string; issuerCode: string }
  | { type: 'Department'; id: string }
  | { type: 'Platform'; id: 'certbridge' };

const POLICY_SET_ID = 'certbridge';
const policyText = readFileSync(new URL('./policies.cedar', import.meta.url), 'utf8');
const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: policyText });
if (parsed.type !== 'success') {
  throw new Error(`policies.cedar does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
}

const uid = (type: string, id: string) => ({ type: `CertBridge::${type}`, id });

function entities(principal: Principal, resource: PolicyResource): cedar.EntityJson[] {
  const { type, id, ...attrs } = resource;
  return [
    {
      uid: uid('Client', principal.clientId),
      attrs: {
        department: principal.departmentCode,
        departmentEntity: { __entity: uid('Department', principal.departmentCode) },
        roles: [...principal.roles],
      },
      parents: [],
    },
    { uid: uid(type, id), attrs: attrs as Record<string, cedar.CedarValueJson>, parents: [] },
  ];
}

export interface Decision {
  allowed: boolean;
  /** Ids of the policies that decided it (permit or forbid), for the audit trail. */
  policies: string[];
}

/** Asks the policies whether `principal` may do `action` on `resource`. */
export function decide(principal: Principal, action: Action, resource: PolicyResource): Decision {
  const answer = cedar.statefulIsAuthorized({
    principal: uid('Client', principal.clientId),
    action: uid('Action', action),
    resource: uid(resource.type, resource.id),
    context: {},
    preparsedPolicySetId: POLICY_SET_ID,
    entities: entities(principal, resource),
  });
  if (answer.type !== 'success') {
    throw new Error(`policy evaluation failed: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  return { allowed: answer.response.decision === 'allow', policies: answer.response.diagnostics.reason };
}

/** Like `decide`, but a denial is a 403 problem naming the action. */
export function authorize(principal: Principal, action: Action, resource: PolicyResource): void {
  if (!decide(principal, action, resource).allowed) {
    throw new Problem(403, 'forbidden', `${action} on ${resource.type} ${resource.id} is not allowed for this client`, {
      extensions: { action },
    });
  }
}
