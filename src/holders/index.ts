// The holders capability: license holders' local accounts and their authorisations (授权).
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { holdersRoutes } from './routes.ts';

export { authenticateHolder, createHolderAccount, isHolderCodeSyntax, type HolderAccount } from './accounts.ts';
export {
  findActiveAuthorisations,
  getAuthorisation,
  grantAuthorisation,
  licenseTypeFields,
  listAuthorisations,
  revokeAuthorisation,
  type ActiveAuthorisation,
  type Authorisation,
  type Grantee,
} from './authorisations.ts';

export const holdersCapability: Capability = {
  name: 'holders',
  migrations: [sqlMigration('holders', '001_holders', import.meta.url)],
  routes: holdersRoutes,
};
