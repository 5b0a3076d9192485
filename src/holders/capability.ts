import type { Capability } from '../platform/capability.ts';
import { unauthenticated } from '../platform/errors.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { holderTokenHolds } from './index.ts';
import { holdersRoutes } from './routes.ts';

export const holdersCapability: Capability = {
  name: 'holders',
  migrations: [sqlMigration('holders', '001_holders', import.meta.url)],
  routes: holdersRoutes,
  // A holder's token dies with its account's password (a change ends the old password's sessions) or with the account.
  attach: (platform) =>
    platform.tokens.addCheck('holder', async (principal, claims) =>
      principal.kind === 'holder' && !(await holderTokenHolds(platform.store, principal.accountId, claims.iat))
        ? unauthenticated('token-revoked', 'this token was issued before the password was changed, or the account is disabled: sign in again')
        : undefined,
    ),
};
