// Long form (npm run test:faults): three kills under heavier load, on both stores.
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { killNine } from './scenarios.ts';

describe('kill -9 under load', () => {
  it('embedded store: three kills; every acknowledged license survives, the audit log verifies', async () => {
    await killNine('embedded', { cycles: 3, acknowledgedPerCycle: 200, concurrency: 12 });
  });

  it.runIf(canRunPrivateCluster())('PostgreSQL (private cluster): three kills; every acknowledged license survives, the audit log verifies', async () => {
    await killNine('postgres', { cycles: 3, acknowledgedPerCycle: 300, concurrency: 12 });
  });
});
