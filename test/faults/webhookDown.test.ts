// Short form of test/faults/webhookDown.fault.test.ts, part of `npm test` (see scenarios.ts).
// About 30–60 s on an idle machine; the timeout allows for a loaded two-core one (each starts the server as a child process).
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { testStoreKind } from '../support/store.ts';
import { webhookDown } from './scenarios.ts';

describe('webhook receiver down (short)', () => {
  it.runIf(testStoreKind() === 'pglite')('embedded store: every event arrives once it is back, in order per license', async () => {
    await webhookDown('embedded', { licenses: 5, downMs: 1_000, drainBoundMs: 20_000 });
  }, 240_000);

  it.runIf(testStoreKind() === 'postgres' && canRunPrivateCluster())('PostgreSQL (private cluster): every event arrives once it is back, in order per license', async () => {
    await webhookDown('postgres', { licenses: 5, downMs: 1_000, drainBoundMs: 20_000 });
  }, 240_000);
});
