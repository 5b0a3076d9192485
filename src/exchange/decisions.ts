/**
 * The exchange asks the policies (src/policy, Cedar) on every call, thousands of times a second.
 * A Cedar evaluation costs ~100 µs (JSON across the WebAssembly boundary), and the policies are
 * fixed for the life of the process, so a decision is a pure function of its inputs: memoised
 * here, exactly (the key is every input), never approximated.
 */
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { decide, type Action, type Decision, type PolicyResource, type Principal } from '../policy/index.ts';

const MAX_ENTRIES = 20_000;
const memo = new Map<string, Decision>();

function principalKey(p: Principal): string {
  switch (p.kind) {
    case 'client':
      return `c\u0000${p.clientId}\u0000${p.departmentCode}\u0000${p.roles.join('\u0001')}`;
    case 'person':
      return `p\u0000${p.personId}\u0000${p.departmentCode}\u0000${p.roles.join('\u0001')}`;
    case 'holder':
      return `h\u0000${p.holderCode}\u0000${p.accountId}`;
    case 'operator':
      return `o\u0000${p.name}`;
    case 'system':
      return `s\u0000${p.job}`;
  }
}

export function decideMemo(principal: Principal, action: Action, resource: PolicyResource, context: Record<string, CedarValueJson> = {}): Decision {
  // Every input is in the key; the separators cannot occur in ids, and the rest is JSON.
  const key = `${principalKey(principal)}\u0000${action}\u0000${JSON.stringify(resource)}\u0000${JSON.stringify(context)}`;
  let decision = memo.get(key);
  if (decision === undefined) {
    decision = decide(principal, action, resource, context);
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(key, decision);
  }
  return decision;
}
