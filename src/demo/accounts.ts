/**
 * The demo's people: one staff account per role — an issuer at the market regulation
 * administration, a consumer at the tax bureau, a coordinator at the big data bureau (the
 * coordination office) — and the account of one demo enterprise (a license holder), so that a new
 * user signs in to the console with what `npm start` prints. Like the demo systems' secrets, the
 * passwords are fixed and printed: demo only.
 */
import { openHolderAccount } from '../holders/index.ts';
import { findCurrentLicense } from '../licenses/index.ts';
import { createPerson } from '../people/index.ts';
import type { ClientPrincipal } from '../platform/auth/principal.ts';
import { DomainError } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { DEMO_OPERATOR, demoClientId, demoDepartments } from './seed.ts';
import { syntheticEnterprises } from './synthetic.ts';

export interface DemoAccount {
  /** What the account does in the console. */
  role: 'issuer' | 'consumer' | 'coordinator' | 'enterprise';
  /** What to type as the username: a staff username, or the enterprise's credit code. */
  username: string;
  password: string;
  name: string;
  /** The department (staff) or the enterprise. */
  of: string;
}

const STAFF = [
  { role: 'issuer', department: 'samr', name: '王芳' },
  { role: 'consumer', department: 'tax', name: '李强' },
  { role: 'coordinator', department: 'coordinator', name: '张伟' },
] as const;

/** Well-known demo password of an account (≥ 12 characters, as every password must be). Demo only. */
export const demoPassword = (role: DemoAccount['role']) => `demo-${role}-password`;
export const demoUsername = (role: (typeof STAFF)[number]['role']) => `demo.${role}`;

/**
 * The demo enterprise: the first synthetic market entity whose business term never ends (长期),
 * so its business license stays valid (its credit code and name are the same on every machine).
 */
export function demoEnterprise(): { creditCode: string; name: string } {
  for (const enterprise of syntheticEnterprises(5000)) {
    if (enterprise.data.businessTermTo === null) return { creditCode: enterprise.creditCode, name: enterprise.data.name };
  }
  throw new Error('the demo has no enterprise with an open-ended business term');
}

/** The accounts the demo opens, as they are printed at start. */
export function demoAccounts(): DemoAccount[] {
  const departments = demoDepartments();
  const enterprise = demoEnterprise();
  return [
    ...STAFF.map((s) => ({
      role: s.role,
      username: demoUsername(s.role),
      password: demoPassword(s.role),
      name: s.name,
      of: departments.find((d) => d.key === s.department)!.name,
    })),
    { role: 'enterprise' as const, username: enterprise.creditCode, password: demoPassword('enterprise'), name: enterprise.name, of: enterprise.name },
  ];
}

/** Whether an error says the account is there already (a demo seeded on an earlier start). */
const exists = (error: unknown, code: string) => error instanceof DomainError && error.code === code;

/**
 * Opens the demo accounts that are not there yet (idempotent: run at every `npm start`, also on a
 * store seeded before the demo had accounts). Staff accounts are opened by the operator; the
 * enterprise's by the market regulation administration's system, which issued its license.
 * Returns the accounts opened now.
 */
export async function seedDemoAccounts(platform: Platform): Promise<DemoAccount[]> {
  const departments = demoDepartments();
  const opened: DemoAccount[] = [];
  const accounts = demoAccounts();
  for (const s of STAFF) {
    const account = accounts.find((a) => a.role === s.role)!;
    const department = departments.find((d) => d.key === s.department)!;
    try {
      await createPerson(platform, DEMO_OPERATOR, { departmentCode: department.code, role: s.role, name: s.name, username: account.username, password: account.password });
      opened.push(account);
    } catch (error) {
      if (!exists(error, 'username-taken')) throw error;
    }
  }
  const enterprise = accounts.find((a) => a.role === 'enterprise')!;
  // Only when its license was issued (a demo seeded with fewer enterprises may not have it).
  if (await findCurrentLicense(platform.store, 'business-license', enterprise.username)) {
    const samr = departments.find((d) => d.key === 'samr')!;
    const system: ClientPrincipal = { kind: 'client', clientId: demoClientId('samr'), departmentCode: samr.code, roles: samr.roles };
    try {
      await openHolderAccount(platform, system, { holderCode: enterprise.username, password: enterprise.password });
      opened.push(enterprise);
    } catch (error) {
      if (!exists(error, 'holder-account-exists')) throw error;
    }
  }
  return opened;
}

const ROLE_WORDS: Record<DemoAccount['role'], string> = { issuer: '发证部门', consumer: '用证部门', coordinator: '协调办公室', enterprise: '企业' };

/** What `npm start` prints about signing in to the console: where, and with which demo accounts. */
export function demoAccountsText(base: string, accounts: DemoAccount[] = demoAccounts()): string {
  const width = Math.max(...accounts.map((a) => a.username.length));
  const passwordWidth = Math.max(...accounts.map((a) => a.password.length));
  const lines = [`Open the console at ${base}/ and sign in with a demo account (demo only):`];
  for (const a of accounts) {
    const who = a.role === 'enterprise' ? a.name : `${a.name}, ${a.of}`;
    lines.push(`  ${a.role.padEnd(12)} username: ${a.username.padEnd(width)}   password: ${a.password.padEnd(passwordWidth)}   ${ROLE_WORDS[a.role]}: ${who}`);
  }
  return `${lines.join('\n')}\n`;
}
