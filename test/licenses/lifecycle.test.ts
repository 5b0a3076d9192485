import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.close());

describe('license lifecycle over HTTP', () => {
  it('issues a license with a signed credential and reads it back', async () => {
    const request = licenseRequest({ registeredCapital: '100万元人民币', businessTermTo: null });
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: request });
    expect(issued.status).toBe(201);
    expect(issued.body.identifier).toMatch(/^1\.2\.156\.3005\.2\./);
    expect(issued.body.version).toBe(1);
    expect(issued.body.status).toBe('valid');
    expect(issued.body.credential.split('~').length).toBeGreaterThan(5);
    expect(issued.body.holder.code).toBe(request.holder.code);
    expect(issued.body.data.businessTermTo).toBeNull();

    const read = await api(t, 'GET', `/api/v1/licenses/${issued.body.identifier}`, { token: t.issuer.token });
    expect(read.status).toBe(200);
    expect(read.body.data.name).toBe(request.data.name);
  });

  it('amends into a new immutable version and keeps the history', async () => {
    const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const id = issued.body.identifier as string;
    const amended = await api(t, 'POST', `/api/v1/licenses/${id}/amend`, {
      token: t.issuer.token,
      body: { data: { domicile: '山东省济南市历下区经十路100号' }, reason: '住所变更' },
    });
    expect(amended.status).toBe(200);
    expect(amended.body.version).toBe(2);
    expect(amended.body.identifier).not.toBe(id);
    expect(amended.body.identifier.split('.').at(-2)).toBe('002');
    expect(amended.body.data.domicile).toBe('山东省济南市历下区经十路100号');

    const versions = await api(t, 'GET', `/api/v1/licenses/${id}/versions`, { token: t.issuer.token });
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body[0].data.domicile).toBe(issued.body.data.domicile);
    expect(versions.body[1].reason).toBe('住所变更');
  });

  it('suspends, reinstates, revokes and cancels, refusing changes the state does not allow', async () => {
    const { body } = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const id = body.identifier as string;
    const change = (action: string) => api(t, 'POST', `/api/v1/licenses/${id}/${action}`, { token: t.issuer.token, body: { reason: `test ${action}` } });
    expect((await change('suspend')).body.status).toBe('suspended');
    expect((await change('reinstate')).body.status).toBe('valid');
    expect((await change('revoke')).body.status).toBe('revoked');
    const amend = await api(t, 'POST', `/api/v1/licenses/${id}/amend`, { token: t.issuer.token, body: { data: { domicile: 'x' }, reason: 'r' } });
    expect(amend.status).toBe(409);
    expect(amend.headers.get('content-type')).toContain('application/problem+json');
    expect(amend.body.code).toBe('invalid-transition');
    expect((await change('reinstate')).body.code).toBe('invalid-transition');
    expect((await change('cancel')).body.status).toBe('cancelled');
    const events = await api(t, 'GET', `/api/v1/licenses/${id}/events`, { token: t.issuer.token });
    expect(events.body.map((e: { event: string }) => e.event)).toEqual(['issued', 'suspended', 'reinstated', 'revoked', 'cancelled']);
  });

  it('lets only the issuing department change its licenses', async () => {
    const { body } = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
    const other = await api(t, 'POST', `/api/v1/licenses/${body.identifier}/revoke`, { token: t.otherIssuer.token, body: { reason: 'x' } });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('forbidden');
    const consumer = await api(t, 'POST', '/api/v1/licenses', { token: t.consumer.token, body: licenseRequest() });
    expect(consumer.status).toBe(403);
    const still = await api(t, 'GET', `/api/v1/licenses/${body.identifier}`, { token: t.issuer.token });
    expect(still.body.status).toBe('valid');
  });

  it('issues one license per holder', async () => {
    const request = licenseRequest();
    expect((await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: request })).status).toBe(201);
    const again = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: request });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('license-exists');
    expect(again.body.field).toBe('/holder/code');
  });
});
