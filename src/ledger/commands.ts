/**
 * `certbridge ledger post`: one pass of the ledger's follower, for operators (the server runs it
 * continuously). Entries committed but not yet in the tree are sequenced first, so the pass sees
 * every lookup made so far.
 */
import { sequence } from '../audit/index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { Platform } from '../platform/platform.ts';
import { postLookups } from './index.ts';

export async function runLedgerPost(platform: Platform, principal: Principal, options: { json?: boolean }, out: CliOutput): Promise<void> {
  await sequence(platform);
  const result = await postLookups(platform, principal);
  out.write(
    options.json
      ? `${JSON.stringify(result)}\n`
      : `posted ${result.posted} lookups to the ledger (${result.unpriced} not charged: no price on their day, or a department's own resource); ${
          result.lastIndex < 0 ? 'the audit log has no entries yet' : `the audit log is followed up to entry ${result.lastIndex}`
        }\n`,
  );
}
