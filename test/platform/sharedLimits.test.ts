/**
 * Request-rate limits shared by several server processes (issue 19, part 4): two real servers on one
 * PostgreSQL database count public verifications per address together in the machine's Redis
 * (CERTBRIDGE_REDIS_URL), so an address gets the limit once, not once per node; and a server whose
 * Redis is unreachable still answers (the limit is skipped, never a 500).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/serverProcess.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';

const LIMIT = 10;

it.runIf(testStoreKind() === 'postgres')('two nodes count one address together in Redis; an unreachable Redis skips the limit', async () => {
  // A database of its own on the machine's Redis, emptied first (runs of other checkouts use others).
  const db = 1 + Math.floor(Math.random() * 15);
  const redis = new Redis(`redis://127.0.0.1:6379/${db}`, { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  const { url, drop } = await createTestStore({ migrated: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-limits-'));
  const env = { DATABASE_URL: url!, CERTBRIDGE_MASTER_KEY: 'ef'.repeat(32), CERTBRIDGE_DATA_DIR: dataDir, CERTBRIDGE_VERIFY_RATE: String(LIMIT) };
  const servers: ServerProcess[] = [];
  try {
    servers.push(...(await Promise.all([0, 1].map(() => startServer({ env: { ...env, CERTBRIDGE_REDIS_URL: `redis://127.0.0.1:6379/${db}` }, args: ['--migrate'] })))));
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const response = await fetch(`${servers[i % 2].url}/api/v1/verify/1.2.156.3005.2.no-such-license`);
      await response.text();
      statuses.push(response.status);
    }
    // Ten answered (a malformed identifier: 400) between the two nodes, then refused on both.
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual([429, 429, 429, 429]);
    expect(await redis.dbsize()).toBeGreaterThan(0);

    const cut = await startServer({ env: { ...env, CERTBRIDGE_REDIS_URL: 'redis://127.0.0.1:1/0' } });
    servers.push(cut);
    const answered = await fetch(`${cut.url}/api/v1/verify/1.2.156.3005.2.no-such-license`);
    await answered.text();
    // Answered as without any limit: the identifier is refused as malformed (400), not a 500 nor a 429.
    expect(answered.status).toBe(400);
    expect(cut.output()).toMatch(/shared rate-limit counter \(CERTBRIDGE_REDIS_URL\) is unreachable/);
  } finally {
    for (const server of servers) await server.kill('SIGKILL');
    await redis.flushdb().catch(() => undefined);
    redis.disconnect();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 180_000);
