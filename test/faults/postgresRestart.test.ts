// Short form of test/faults/postgresRestart.fault.test.ts, part of `npm test` (see scenarios.ts).
// About 30–60 s on an idle machine; the timeout allows for a loaded two-core one (each starts the server as a child process).
import { describe, it } from 'vitest';
import { privateClusterHere } from './harness.ts';
import { postgresRestart } from './scenarios.ts';

describe('PostgreSQL restart and stop (short, private cluster)', () => {
  it.runIf(privateClusterHere())('the server survives, answers 503 store-unavailable meanwhile, recovers at once, loses nothing', async () => {
    // Looser bound than the long form: here it shares two cores with the rest of the suite.
    await postgresRestart({ restarts: 1, acknowledgedBeforeRestart: 30, concurrency: 6, stoppedMs: 2_000, recoveryBoundMs: 3_000 });
  }, 240_000);
});
