/**
 * Who acts. Every facade function takes one and decides through the policy module (src/policy):
 * - a department's **system** (client credentials),
 * - a **person**, an officer of a department with a role (the console),
 * - a license **holder**, an enterprise signed in with its own account,
 * - the **operator** at the server's console (the CLI beside a running server),
 * - the platform itself (**system** background work: expiry, escalation, sweeps).
 */
export type Role = 'issuer' | 'consumer' | 'coordinator';

/** A department's information system, authenticated with client credentials. */
export interface ClientPrincipal {
  kind: 'client';
  clientId: string;
  departmentCode: string;
  roles: readonly string[];
}

/** A member of a department's staff, signed in to the console. */
export interface PersonPrincipal {
  kind: 'person';
  personId: string;
  username: string;
  departmentCode: string;
  roles: readonly string[];
  /** The console session it acts in (its id's hash): practice mode is a property of the session. */
  session?: string;
  /** In practice mode the person acts in a sandbox copy of the department. */
  practice?: boolean;
  /** In practice mode: the departments of the person's practice copy, the only ones they act on (src/practice). */
  practiceDepartments?: readonly string[];
}

/** A license holder (an enterprise), signed in with its own account. */
export interface HolderPrincipal {
  kind: 'holder';
  /** The enterprise it acts as: its own, or in practice mode the practice copy's example enterprise. */
  holderCode: string;
  accountId: string;
  /** The console session it acts in (its id's hash), when signed in to the console. */
  session?: string;
  /** In practice mode the enterprise acts as an enterprise of its practice copy (src/practice). */
  practice?: boolean;
  /** In practice mode: the departments of its practice copy, the only ones whose licenses it reaches. */
  practiceDepartments?: readonly string[];
}

/** The operator of this installation (the CLI, through the running server's local credential). */
export interface OperatorPrincipal {
  kind: 'operator';
  name: string;
}

/** The platform's own background work. */
export interface SystemPrincipal {
  kind: 'system';
  job: string;
}

export type Principal = ClientPrincipal | PersonPrincipal | HolderPrincipal | OperatorPrincipal | SystemPrincipal;

/** Staff of a department, whether a system or a person: they act for the department with its roles. */
export type StaffPrincipal = ClientPrincipal | PersonPrincipal;

export const isStaff = (p: Principal): p is StaffPrincipal => p.kind === 'client' || p.kind === 'person';

/** How an actor appears in events, records and the audit log. */
export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'client':
      return p.clientId;
    case 'person':
      return `person:${p.username}`;
    case 'holder':
      return `holder:${p.holderCode}`;
    case 'operator':
      return `operator:${p.name}`;
    case 'system':
      return 'system';
  }
}

export const systemPrincipal = (job: string): SystemPrincipal => ({ kind: 'system', job });
