// Short form of the node-kill drill (scenarios.ts: nodeKillBehindProxy), part of `npm test`: two nodes on a private PostgreSQL
// cluster behind Debian's HAProxy, one killed under issuance load. Skipped where HAProxy or a private cluster is not available.
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { privateClusterHere } from './harness.ts';
import { nodeKillBehindProxy } from './scenarios.ts';

const HAPROXY = existsSync('/usr/sbin/haproxy');

describe('a node killed behind the load balancer (short)', () => {
  it.runIf(privateClusterHere() && HAPROXY)('two nodes behind HAProxy, one killed: nothing acknowledged is lost, the other takes its work over', async () => {
    await nodeKillBehindProxy({ acknowledgedBefore: 30, acknowledgedAfter: 30, concurrency: 6 });
  }, 240_000);
});
