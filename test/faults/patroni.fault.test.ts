// Long form only (`npm run test:faults`): PostgreSQL's primary killed under load with Patroni (scenarios.ts: patroniFailover).
// Needs Debian's patroni, etcd-server and haproxy, and root (the clusters run as the postgres user).
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { patroniFailover } from './scenarios.ts';

const TOOLS = ['/usr/bin/patroni', '/usr/bin/etcd', '/usr/sbin/haproxy'].every((tool) => existsSync(tool));

describe('PostgreSQL failover with Patroni', () => {
  it.runIf(TOOLS && canRunPrivateCluster())('the primary killed under issuance load: the standby promoted, the node reconnects, nothing acknowledged lost', async () => {
    await patroniFailover({ acknowledgedBefore: 100, acknowledgedAfter: 100, concurrency: 6 });
  }, 600_000);
});
