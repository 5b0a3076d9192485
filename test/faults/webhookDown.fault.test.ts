// Long form (npm run test:faults): more licenses, a longer outage, on both stores.
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { webhookDown } from './scenarios.ts';

describe('webhook receiver down', () => {
  it('embedded store: every event arrives once it is back, in order per license', async () => {
    await webhookDown('embedded', { licenses: 50, downMs: 5_000, drainBoundMs: 30_000 });
  });

  it.runIf(canRunPrivateCluster())('PostgreSQL (private cluster): every event arrives once it is back, in order per license', async () => {
    await webhookDown('postgres', { licenses: 50, downMs: 5_000, drainBoundMs: 30_000 });
  });
});
