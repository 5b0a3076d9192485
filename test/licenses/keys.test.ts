import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

const kidOf = (credential: string) => JSON.parse(Buffer.from(credential.split('.')[0], 'base64url').toString()).kid as string;

it('rotates an issuer key: new licenses use the new kid, old credentials still verify, both keys are published', async () => {
  const before = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
  const oldKid = kidOf(before.body.credential);

  const denied = await api(t, 'POST', '/api/v1/keys/rotate', { token: t.issuer.token, body: { purpose: 'license', department: t.issuer.department.code } });
  expect(denied.status).toBe(403);
  const rotated = await api(t, 'POST', '/api/v1/keys/rotate', { token: t.coordinator.token, body: { purpose: 'license', department: t.issuer.department.code } });
  expect(rotated.status).toBe(200);
  expect(rotated.body.kid).not.toBe(oldKid);

  const after = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
  expect(kidOf(after.body.credential)).toBe(rotated.body.kid);

  const old = await api(t, 'POST', '/api/v1/verify', { body: { credential: before.body.credential } });
  expect(old.body.checks.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
  expect(old.body.valid).toBe(true);
  expect(old.body.checks.find((c: { check: string }) => c.check === 'issuer-key').detail).toMatch(/retired/);

  const jwks = await api(t, 'GET', '/.well-known/jwks.json');
  const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
  expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
});

it('keeps private keys sealed in the database', async () => {
  const rows = await t.platform.store.query<{ private_key_enc: string; public_jwk: { x: string } }>('select private_key_enc, public_jwk from signing_keys');
  expect(rows.rows.length).toBeGreaterThan(0);
  for (const row of rows.rows) {
    expect(row.private_key_enc).not.toContain('PRIVATE KEY');
    expect(Buffer.from(row.private_key_enc, 'base64url').length).toBeGreaterThan(32 + 12);
  }
});
