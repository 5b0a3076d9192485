// The pgBackRest point-in-time restore drill (scenarios.ts: pgBackRestDrill) in `npm run test:faults` too.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { pgBackRestDrill } from './scenarios.ts';

describe('backup and point-in-time restore with pgBackRest (long)', () => {
  it.runIf(existsSync('/usr/bin/pgbackrest') && canRunPrivateCluster())('restored to a moment: the audit log verifies, licenses of before verify, of after are gone, issuance works', async () => {
    await pgBackRestDrill();
  }, 600_000);
});
