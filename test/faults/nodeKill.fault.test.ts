// Long form of the node-kill drill behind HAProxy (scenarios.ts: nodeKillBehindProxy): more load before and after the kill.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { canRunPrivateCluster } from '../support/pgCluster.ts';
import { nodeKillBehindProxy } from './scenarios.ts';

describe('a node killed behind the load balancer (long)', () => {
  it.runIf(existsSync('/usr/sbin/haproxy') && canRunPrivateCluster())('two nodes behind HAProxy, one killed under load: nothing acknowledged lost, the other takes its work over', async () => {
    await nodeKillBehindProxy({ acknowledgedBefore: 500, acknowledgedAfter: 500, concurrency: 12 });
  }, 600_000);
});
