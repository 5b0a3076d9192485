import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { expect } from 'vitest';
import { activeAgreement, businessLicenseResource, registerResource } from '../agreements/support.ts';
import { api, licenseRequest, type TestClient, type TestPlatform } from '../support/platform.ts';

export { activeAgreement, addDepartment, agreementRequest } from '../agreements/support.ts';

/** The business license in the catalog (owned by the test issuer), as the demo has it. */
export async function catalogBusinessLicense(t: TestPlatform, overrides: Record<string, unknown> = {}) {
  return registerResource(t, t.issuer, businessLicenseResource(overrides));
}

/** Issues a business license and returns the API's answer. */
export async function issue(t: TestPlatform, overrides: Record<string, unknown> = {}) {
  // Open-ended by default: a synthetic license whose term already ended would read as expired.
  const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest({ businessTermTo: null, ...overrides }) });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return issued.body as { identifier: string; holder: { code: string }; data: Record<string, unknown>; credential: string };
}

/** An active agreement of `consumer` for the business license. */
export function agreement(t: TestPlatform, consumer: TestClient, request: Record<string, unknown> = {}, grant?: string[]) {
  return activeAgreement(t, consumer, t.issuer, request, grant);
}

/** `purpose: null` sends no X-Purpose header. */
export function lookup(t: TestPlatform, client: TestClient, holderCode: string, purpose: string | null = 'tax-administration', type = 'business-license') {
  return api(t, 'GET', `/api/v1/exchange/licenses/${holderCode}?type=${type}`, { token: client.token, headers: purpose ? { 'x-purpose': purpose } : {} });
}

export function batch(t: TestPlatform, client: TestClient, holders: string[], purpose = 'tax-administration') {
  return api(t, 'POST', '/api/v1/exchange/licenses:batch', { token: client.token, body: { type: 'business-license', holders }, headers: { 'x-purpose': purpose } });
}

/** The disclosures of an SD-JWT, decoded: name → value. */
export function disclosures(sdJwt: string): Record<string, unknown> {
  const parts = sdJwt.split('~');
  return Object.fromEntries(parts.slice(1, -1).map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as [string, string, unknown]).slice(1)));
}

/**
 * Verifies a presented credential as a consumer would, with jose and the platform's JWKS only:
 * the issuer's signature, and every disclosure's digest listed in the signed `_sd`.
 */
export async function verifyAsConsumer(t: TestPlatform, sdJwt: string): Promise<{ payload: Record<string, unknown>; disclosed: Record<string, unknown> }> {
  const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const [jwt, ...rest] = sdJwt.split('~');
  const { payload } = await compactVerify(jwt, createLocalJWKSet(jwks));
  const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> & { _sd: string[] };
  for (const d of rest.slice(0, -1)) {
    expect(claims._sd).toContain(createHash('sha256').update(d).digest('base64url'));
  }
  return { payload: claims, disclosed: disclosures(sdJwt) };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  answered: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 (no mocks): records every request and answers with what
 * `respond` says (default 204).
 */
export async function startReceiver(respond: (request: { json: any; count: number }) => number = () => 204) {
  const received: Received[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const status = respond({ json, count: ++count });
      received.push({ headers: req.headers, body, json, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    /** The requests it answered with 2xx. */
    accepted: () => received.filter((r) => r.answered >= 200 && r.answered < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits (polling) until `check` returns a truthy value; fails after a generous deadline. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what = 'condition'): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Checks a delivery's detached JWS (X-CertBridge-Signature) with jose and the JWKS. */
export async function verifyDelivery(t: TestPlatform, r: Received): Promise<void> {
  const signature = String(r.headers['x-certbridge-signature']);
  const [header, empty, sig] = signature.split('.');
  expect(empty).toBe('');
  const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const { payload } = await compactVerify(`${header}.${Buffer.from(r.body, 'utf8').toString('base64url')}.${sig}`, createLocalJWKSet(jwks));
  expect(new TextDecoder().decode(payload)).toBe(r.body);
}
