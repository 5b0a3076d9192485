/**
 * The exchange serves current licenses from memory and reads the rest together: it must never
 * serve a license older than a change that committed before the lookup (in this process), nor
 * for longer than the change feed takes to arrive (in another).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform, startBackgroundWork } from '../../src/app/platform.ts';
import { currentLicenses } from '../../src/licenses/index.ts';
import { CurrentLicenseReader } from '../../src/licenses/registry/currentLicenses.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { testStoreKind } from '../support/store.ts';
import { agreement, catalogBusinessLicense, issue, lookup } from './support.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  await catalogBusinessLicense(t);
  await agreement(t, t.consumer, { fields: ['name', 'domicile'] });
});
afterAll(() => t.close());

const TYPE = 'business-license';

describe('current licenses in memory', () => {
  it('reads the lookups of concurrent requests together: one statement for many holders', async () => {
    const licenses = await Promise.all(Array.from({ length: 30 }, () => issue(t)));
    const reader = new CurrentLicenseReader(t.platform.store, 1000);
    const found = await Promise.all([...licenses.map((l) => reader.find(TYPE, l.holder.code)), reader.find(TYPE, '91370100MA3C0000X2')]);
    expect(found.slice(0, 30).map((l) => l?.identifier)).toEqual(licenses.map((l) => l.identifier));
    expect(found[30]).toBeUndefined();
    expect(reader.stats.reads).toBe(1);
    // Read lately: from memory, no statement.
    expect((await reader.find(TYPE, licenses[0].holder.code))?.identifier).toBe(licenses[0].identifier);
    expect(reader.stats).toMatchObject({ reads: 1, hits: 1 });
    // Holders without a license are not remembered: a license issued now is found at once.
    const later = await issue(t);
    expect((await reader.find(TYPE, later.holder.code))?.identifier).toBe(later.identifier);
  });

  it('keeps at most its size, forgetting the least recently read', async () => {
    const licenses = await Promise.all(Array.from({ length: 3 }, () => issue(t)));
    const reader = new CurrentLicenseReader(t.platform.store, 2);
    for (const l of licenses) await reader.find(TYPE, l.holder.code);
    const reads = reader.stats.reads;
    await reader.find(TYPE, licenses[2].holder.code);
    expect(reader.stats.reads).toBe(reads);
    await reader.find(TYPE, licenses[0].holder.code);
    expect(reader.stats.reads).toBe(reads + 1);
  });

  it('does not remember a read that a change overtook', async () => {
    const license = await issue(t);
    // A store whose first answer waits until the change has been heard.
    let heard!: () => void;
    const changeHeard = new Promise<void>((resolve) => (heard = resolve));
    const store = t.platform.store;
    const slow = { ...store, query: async <T>(sql: string, params?: unknown[], options?: { name?: string }) => (await changeHeard, store.query<T>(sql, params, options)) };
    const reader = new CurrentLicenseReader(slow as typeof store, 1000);
    const reading = reader.find(TYPE, license.holder.code);
    await new Promise((r) => setImmediate(r)); // the read went out
    reader.forget(`${TYPE}|${license.holder.code}`);
    heard();
    await reading;
    await reader.find(TYPE, license.holder.code);
    expect(reader.stats.reads).toBe(2);
  });

  it('a lookup right after an amendment or a revocation answers the new version and status (this process)', async () => {
    const license = await issue(t);
    const before = await lookup(t, t.consumer, license.holder.code);
    expect(before.body).toMatchObject({ version: 1, status: 'valid' });
    const amended = await api(t, 'POST', `/api/v1/licenses/${license.identifier}/amend`, { token: t.issuer.token, body: { data: { domicile: '山东省济南市历下区新地址 1 号' }, reason: '住所变更' } });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    const after = await lookup(t, t.consumer, license.holder.code);
    expect(after.body).toMatchObject({ version: 2, status: 'valid', identifier: amended.body.identifier });
    expect(after.body.fields.domicile).toBe('山东省济南市历下区新地址 1 号');
    const revoked = await api(t, 'POST', `/api/v1/licenses/${amended.body.identifier}/revoke`, { token: t.issuer.token, body: { reason: '依法吊销' } });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect((await lookup(t, t.consumer, license.holder.code)).body).toMatchObject({ version: 2, status: 'revoked' });
  });

  // Several server processes on one PostgreSQL: the revocation is heard through NOTIFY.
  it.runIf(testStoreKind() === 'postgres')('revoked in one process, answered as revoked by another within a second', async () => {
    const license = await issue(t);
    const other = await openPlatform(loadConfig({}, { CERTBRIDGE_MASTER_KEY: 'ab'.repeat(32), DATABASE_URL: t.databaseUrl! }));
    const stop = startBackgroundWork(other);
    try {
      expect((await currentLicenses(other).find(TYPE, license.holder.code))?.status).toBe('valid');
      expect((await currentLicenses(other).find(TYPE, license.holder.code))?.status).toBe('valid');
      expect(currentLicenses(other).stats.hits).toBeGreaterThan(0); // served from memory
      await new Promise((r) => setTimeout(r, 300));
      const revoked = await api(t, 'POST', `/api/v1/licenses/${license.identifier}/revoke`, { token: t.issuer.token, body: { reason: '依法吊销' } });
      expect(revoked.status).toBe(200);
      const until = Date.now() + 1_000;
      let status: string | undefined;
      while (status !== 'revoked' && Date.now() < until) {
        status = (await currentLicenses(other).find(TYPE, license.holder.code))?.status;
        if (status !== 'revoked') await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe('revoked');
    } finally {
      await stop();
      await other.store.close();
    }
  });
});
