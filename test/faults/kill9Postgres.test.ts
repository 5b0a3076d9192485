// Short form of test/faults/kill9.fault.test.ts on PostgreSQL (a private cluster), part of `npm test` (see scenarios.ts).
// About 30–60 s on an idle machine; the timeout allows for a loaded two-core one (each starts the server as a child process).
import { describe, it } from 'vitest';
import { privateClusterHere } from './harness.ts';
import { killNine } from './scenarios.ts';

describe('kill -9 under load (short)', () => {
  it.runIf(privateClusterHere())('PostgreSQL (private cluster): every acknowledged license survives, the audit log verifies', async () => {
    await killNine('postgres', { cycles: 1, acknowledgedPerCycle: 30, concurrency: 6 });
  }, 240_000);
});
