import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLicenseIdentifier, parseLicenseIdentifier } from '../../src/standards/index.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

const expectProblem = (response: { status: number; body: any; headers: Headers }, status: number, code: string, field?: string) => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
  expect(response.body.status).toBe(status);
  expect(typeof response.body.title).toBe('string');
  expect(response.body.title).not.toBe(code);
  if (field !== undefined) expect(response.body.field).toBe(field);
};

async function licenseCount(): Promise<number> {
  const rows = await t.platform.store.query<{ n: number }>('select count(*)::int as n from licenses');
  return rows.rows[0].n;
}

describe('every error is a clear problem, and nothing is half-written', () => {
  it('malformed JSON', async () => {
    const r = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, rawBody: '{"type": "business-license",' });
    expectProblem(r, 400, 'malformed-json');
  });

  it('unknown fields at the top, in the holder and in the license data', async () => {
    const base = licenseRequest();
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, extra: 1 } }), 400, 'unknown-field', '/extra');
    expectProblem(
      await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, holder: { ...base.holder, nickname: 'x' } } }),
      400,
      'unknown-field',
      '/holder/nickname',
    );
    expectProblem(
      await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, data: { ...base.data, colour: 'red' } } }),
      400,
      'unknown-field',
      '/data/colour',
    );
  });

  it('missing and invalid license fields name the field', async () => {
    const base = licenseRequest();
    const { name: _name, ...withoutName } = base.data;
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, data: withoutName } }), 400, 'missing-field', '/data/name');
    expectProblem(
      await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, data: { ...base.data, establishedOn: '2020-13-45' } } }),
      400,
      'invalid-license-data',
      '/data/establishedOn',
    );
    expectProblem(
      await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, data: { ...base.data, registeredCapital: 'lots' } } }),
      400,
      'invalid-license-data',
      '/data/registeredCapital',
    );
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, type: 'fishing-permit' } }), 400, 'unknown-license-type', '/type');
  });

  it('an invalid credit code names the rule', async () => {
    const base = licenseRequest();
    const code = base.holder.code;
    const wrongCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const r = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, holder: { code: wrongCheck } } });
    expectProblem(r, 400, 'invalid-credit-code', '/holder/code');
    expect(r.body.detail).toMatch(/check/i);
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { ...base, holder: { code: 'ABC' } } }), 400, 'invalid-credit-code', '/holder/code');
  });

  it('missing, malformed and wrong credentials', async () => {
    const body = licenseRequest();
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { body }), 401, 'unauthenticated');
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { body, headers: { authorization: 'Token abc' } }), 401, 'unauthenticated');
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { body, token: 'not.a.token' }), 401, 'invalid-token');
    const [h, p, s] = t.issuer.token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['coordinator'] })).toString('base64url')}.${s}`;
    expectProblem(await api(t, 'POST', '/api/v1/licenses', { body, token: forged }), 401, 'invalid-token');
  });

  it('the token endpoint: wrong secret, unknown client, wrong grant', async () => {
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' });
    const ok = await api(t, 'POST', '/oauth/token', { rawBody: 'grant_type=client_credentials', headers: basic(t.issuer.clientId, t.issuer.clientSecret) });
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('Bearer');
    expect(ok.body.expires_in).toBeLessThanOrEqual(900);
    const wrong = await api(t, 'POST', '/oauth/token', { rawBody: 'grant_type=client_credentials', headers: basic(t.issuer.clientId, 'nope') });
    expectProblem(wrong, 401, 'invalid-client');
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expectProblem(await api(t, 'POST', '/oauth/token', { rawBody: 'grant_type=client_credentials', headers: basic('nobody', 'x') }), 401, 'invalid-client');
    expectProblem(await api(t, 'POST', '/oauth/token', { rawBody: 'grant_type=password', headers: basic(t.issuer.clientId, t.issuer.clientSecret) }), 400, 'unsupported-grant-type');
  });

  it('wrong state transitions and unknown licenses', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const id = issued.body.identifier;
    expectProblem(await api(t, 'POST', `/api/v1/licenses/${id}/reinstate`, { token: t.issuer.token, body: { reason: 'x' } }), 409, 'invalid-transition');
    expectProblem(await api(t, 'POST', `/api/v1/licenses/${id}/revoke`, { token: t.issuer.token, body: {} }), 400, 'missing-field', '/reason');
    const parsed = parseLicenseIdentifier(id);
    if (!parsed.ok) throw new Error('issued identifier does not parse');
    const unknown = buildLicenseIdentifier({ ...parsed.parts, serial: '99999999' });
    expectProblem(await api(t, 'GET', `/api/v1/licenses/${unknown}`, { token: t.issuer.token }), 404, 'license-not-found');
    expectProblem(await api(t, 'GET', '/api/v1/licenses/1.2.3', { token: t.issuer.token }), 400, 'invalid-license-identifier');
    expectProblem(await api(t, 'GET', '/api/v1/nothing-here'), 404, 'not-found');
  });

  it('a failed amendment leaves no trace', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const before = await licenseCount();
    const bad = await api(t, 'POST', `/api/v1/licenses/${issued.body.identifier}/amend`, {
      token: t.issuer.token,
      body: { data: { establishedOn: 'yesterday' }, reason: 'typo' },
    });
    expectProblem(bad, 400, 'invalid-license-data', '/data/establishedOn');
    const versions = await api(t, 'GET', `/api/v1/licenses/${issued.body.identifier}/versions`, { token: t.issuer.token });
    expect(versions.body).toHaveLength(1);
    expect(await licenseCount()).toBe(before);
  });
});
