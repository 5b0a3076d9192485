// The pgBackRest point-in-time restore drill (scenarios.ts: pgBackRestDrill), part of `npm test`: a private cluster archiving
// its WAL through Debian's pgbackrest, restored to a moment into a new folder. Skipped where pgbackrest or a private cluster is not available.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { privateClusterHere } from './harness.ts';
import { pgBackRestDrill } from './scenarios.ts';

const PGBACKREST = existsSync('/usr/bin/pgbackrest');

describe('backup and point-in-time restore with pgBackRest', () => {
  it.runIf(privateClusterHere() && PGBACKREST)('restored to a moment: the audit log verifies against the tree head of before, licenses of before verify, of after are gone, issuance works', async () => {
    await pgBackRestDrill();
  }, 300_000);
});
