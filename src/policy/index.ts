import '../platform/wasmCalls.ts';
import { readdirSync, readFileSync } from 'node:fs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { Principal } from '../platform/auth/principal.ts';
import { DomainError } from '../platform/errors.ts';

export type { ClientPrincipal, HolderPrincipal, OperatorPrincipal, PersonPrincipal, Principal, StaffPrincipal, SystemPrincipal } from '../platform/auth/principal.ts';

/** `capability:verb`, e.g. `license:amend`; each capability's actions are listed in its .cedar file. */
export type Action = `${string}:${string}`;

/** The thing acted on, with the attributes the policies look at. */
export interface PolicyResource {
  type: string;
  id: string;
  attrs?: Record<string, cedar.CedarValueJson>;
}

/**
 * Every capability's policies live beside this file (`*.cedar`), read as one policy set:
 * the only place where allow/deny is decided. Anything not permitted is denied.
 */
const POLICY_SET_ID = 'certbridge';
const policyDir = new URL('./', import.meta.url);
const policyText = readdirSync(policyDir)
  .filter((f) => f.endsWith('.cedar'))
  .sort()
  .map((f) => readFileSync(new URL(f, policyDir), 'utf8'))
  .join('\n');
const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: policyText });
if (parsed.type !== 'success') {
  throw new Error(`the policies do not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
}

const uid = (type: string, id: string) => ({ type: `CertBridge::${type}`, id });

function principalEntity(principal: Principal): cedar.EntityJson {
  switch (principal.kind) {
    case 'client':
    case 'person':
      return {
        uid: principal.kind === 'client' ? uid('Client', principal.clientId) : uid('Person', principal.personId),
        attrs: {
          id: principal.kind === 'client' ? principal.clientId : principal.personId,
          department: principal.departmentCode,
          departmentEntity: { __entity: uid('Department', principal.departmentCode) },
          roles: [...principal.roles],
          ...(principal.kind === 'person' && principal.practice ? { practice: true, practiceDepartments: [...(principal.practiceDepartments ?? [])] } : {}),
        },
        parents: [],
      };
    case 'holder':
      return {
        uid: uid('Holder', principal.holderCode),
        attrs: { holderCode: principal.holderCode, ...(principal.practice ? { practice: true, practiceDepartments: [...(principal.practiceDepartments ?? [])] } : {}) },
        parents: [],
      };
    case 'operator':
      return { uid: uid('Operator', principal.name), attrs: {}, parents: [] };
    case 'system':
      return { uid: uid('System', principal.job), attrs: {}, parents: [] };
  }
}

export interface Decision {
  allowed: boolean;
  /** Ids of the policies that decided it, for the audit trail. */
  policies: string[];
}

const MAX_MEMO = 20_000;
const memo = new Map<string, Decision>();

function principalKey(p: Principal): string {
  switch (p.kind) {
    case 'client':
      return `c\u0000${p.clientId}\u0000${p.departmentCode}\u0000${p.roles.join('\u0001')}`;
    case 'person':
      return `p\u0000${p.personId}\u0000${p.departmentCode}\u0000${p.roles.join('\u0001')}${p.practice ? `\u0000practice\u0000${(p.practiceDepartments ?? []).join('\u0001')}` : ''}`;
    case 'holder':
      return `h\u0000${p.holderCode}${p.practice ? `\u0000practice\u0000${(p.practiceDepartments ?? []).join('\u0001')}` : ''}`;
    case 'operator':
      return `o\u0000${p.name}`;
    case 'system':
      return `s\u0000${p.job}`;
  }
}

/**
 * Asks the policies whether `principal` may do `action` on `resource`, in `context`. The policies
 * are fixed for the life of the process, so a decision is a pure function of its inputs: memoised,
 * exactly (the key is every input), because the exchange asks thousands of times a second and one
 * evaluation across the WebAssembly boundary costs ~100 µs.
 */
export function decide(principal: Principal, action: Action, resource: PolicyResource, context: Record<string, cedar.CedarValueJson> = {}): Decision {
  const key = `${principalKey(principal)}\u0000${action}\u0000${JSON.stringify(resource)}\u0000${JSON.stringify(context)}`;
  let decision = memo.get(key);
  if (decision === undefined) {
    decision = evaluate(principal, action, resource, context);
    if (memo.size >= MAX_MEMO) memo.clear();
    memo.set(key, decision);
  }
  return decision;
}

function evaluate(principal: Principal, action: Action, resource: PolicyResource, context: Record<string, cedar.CedarValueJson>): Decision {
  const subject = principalEntity(principal);
  const answer = cedar.statefulIsAuthorized({
    principal: subject.uid as cedar.EntityUid,
    action: uid('Action', action),
    resource: uid(resource.type, resource.id),
    context,
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [subject, { uid: uid(resource.type, resource.id), attrs: resource.attrs ?? {}, parents: [] }],
  });
  if (answer.type !== 'success') {
    throw new Error(`policy evaluation failed: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  return { allowed: answer.response.decision === 'allow', policies: answer.response.diagnostics.reason };
}

/** Like `decide`, but a denial is a 403 problem naming the action. */
export function authorize(principal: Principal, action: Action, resource: PolicyResource, context?: Record<string, cedar.CedarValueJson>): void {
  if (!decide(principal, action, resource, context).allowed) {
    throw new DomainError('forbidden', 'forbidden', `${action} on ${resource.type} ${resource.id} is not allowed`, { details: { action } });
  }
}
