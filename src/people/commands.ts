/**
 * `certbridge users create --department <code> --role issuer|consumer|coordinator [--name N]
 * [--username U] [--json]`: opens a staff account as the operator (through `createPerson`, directly
 * on the store or through the running server's API) and prints its username and generated
 * password, which are shown only this once.
 */
import { PERSON_ROLES, type PersonRole } from './accounts.ts';

export interface UsersCreateOptions {
  department: string;
  role: string;
  name?: string;
  username?: string;
  json?: boolean;
}

export interface UserToCreate {
  departmentCode: string;
  role: PersonRole;
  name?: string;
  username?: string;
}

/** How the account is opened: `createPerson` on the store as the operator, or the running server's API. */
export type CreateUser = (input: UserToCreate) => Promise<{ username: string; password: string; name?: string; departmentCode?: string; role?: string }>;

export const USER_ROLES: readonly PersonRole[] = PERSON_ROLES;

/** Checks the options before any store is opened: a bad role or an empty department is an error at once. */
export function userToCreate(options: UsersCreateOptions): UserToCreate {
  const role = options.role.trim();
  if (!(PERSON_ROLES as readonly string[]).includes(role)) {
    throw Object.assign(new Error(`the role must be one of ${PERSON_ROLES.join(', ')}, not "${options.role}"`), { field: '--role' });
  }
  const departmentCode = options.department.trim().toUpperCase();
  if (departmentCode === '') throw Object.assign(new Error('--department needs the credit code of a department (certbridge departments list)'), { field: '--department' });
  return {
    departmentCode,
    role: role as PersonRole,
    ...(options.name?.trim() ? { name: options.name.trim() } : {}),
    ...(options.username?.trim() ? { username: options.username.trim() } : {}),
  };
}

/** Opens the account and prints it: with --json exactly {"username","password"}; otherwise readable lines. */
export async function runUsersCreate(options: UsersCreateOptions, create: CreateUser, write: (text: string) => void): Promise<void> {
  const input = userToCreate(options);
  const created = await create(input);
  if (options.json) {
    write(`${JSON.stringify({ username: created.username, password: created.password })}\n`);
    return;
  }
  write(
    `opened the staff account ${created.username} (${input.role}, department ${input.departmentCode}${created.name && created.name !== created.username ? `, ${created.name}` : ''})\n` +
      `username: ${created.username}\npassword: ${created.password}\n(the password is not stored and will not be shown again; sign in to the console with these)\n`,
  );
}
