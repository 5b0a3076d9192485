// Long form (npm run test:faults): three restarts under heavier load, then five seconds stopped.
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { postgresRestart } from './scenarios.ts';

describe('PostgreSQL restart and stop (private cluster)', () => {
  it.runIf(canRunPrivateCluster())('the server survives, answers 503 store-unavailable meanwhile, is back within ~1 s, loses nothing', async () => {
    await postgresRestart({ restarts: 3, acknowledgedBeforeRestart: 150, concurrency: 12, stoppedMs: 5_000, recoveryBoundMs: 1_000 });
  });
});
