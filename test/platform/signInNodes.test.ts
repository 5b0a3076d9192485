/**
 * The per-address sign-in limit counted once for all nodes: two servers on one database (as two
 * nodes behind a load balancer) share one allowance per address, where a count per process gave an
 * attacker the allowance once per node (issue 19 part 4). Also the window's rules, on the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/app/platform.ts';
import { buildServer } from '../../src/app/server.ts';
import { StoreFailureCounts } from '../../src/platform/auth/signInGuard.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const LIMITS = { CERTBRIDGE_SIGNIN_ADDRESS_FAILURES: '6', CERTBRIDGE_TRUST_PROXY: '127.0.0.1' };

let t: TestPlatform;
let second: { app: FastifyInstance; url: string; dataDir: string };
beforeAll(async () => {
  t = await startTestPlatform(LIMITS);
  // The second node: its own platform and server on the same store.
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-test-'));
  const platform = await openPlatform(loadConfig({ dataDir, port: 0 }, { ...process.env, ...LIMITS, CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: '' }), t.platform.store);
  const app = await buildServer(platform);
  second = { app, url: await app.listen({ host: '127.0.0.1', port: 0 }), dataDir };
});
afterAll(async () => {
  await second.app.close();
  rmSync(second.dataDir, { recursive: true, force: true });
  await t.close();
});

const token = (url: string, id: string, secret: string, address: string) =>
  fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: 'grant_type=client_credentials',
  });

describe('failed sign-ins of one address, counted over all nodes', () => {
  it('refuses the address on the second node after failures spread over both', async () => {
    const address = '198.51.100.77';
    for (let i = 0; i < 6; i++) {
      const answer = await token(i % 2 === 0 ? t.url : second.url, t.consumer.clientId, 'wrong-secret', address);
      expect(answer.status).toBe(401);
    }
    for (const url of [second.url, t.url]) {
      const refused = await token(url, t.consumer.clientId, t.consumer.clientSecret, address);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { code: string }).code).toBe('too-many-attempts');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Another address is not held up.
    expect((await token(second.url, t.consumer.clientId, t.consumer.clientSecret, '198.51.100.78')).status).toBe(200);
  });

  it('counts a failure once per window by the database clock, and starts a new window when it ends', async () => {
    const counts = new StoreFailureCounts(t.platform.store);
    const key = 'people 203.0.113.200';
    await Promise.all(Array.from({ length: 5 }, () => counts.add(key, 600_000)));
    const seen = await counts.read(key);
    expect(seen.failures).toBe(5);
    expect(seen.until).toBeGreaterThan(Date.now() + 590_000);
    await t.platform.store.query("update sign_in_address_failures set window_ends = now() - interval '1 second' where key = $1", [key]);
    expect((await counts.read(key)).failures).toBe(0);
    await counts.add(key, 600_000);
    expect((await counts.read(key)).failures).toBe(1);
  });
});
