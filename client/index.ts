/**
 * The typed client of the CertBridge API, for departments' systems and the console: openapi-fetch
 * over the types openapi-typescript generates from the platform's OpenAPI document
 * (client/schema.d.ts, `npm run client:generate`). Every path, parameter, body and answer is typed,
 * errors included (RFC 9457 problems with a stable `code`).
 *
 *   const api = certBridgeClient('https://certbridge.example.gov.cn', { token });
 *   const { data, error } = await api.GET('/api/v1/exchange/licenses/{holderCode}', {
 *     params: { path: { holderCode }, query: { type: 'business-license' }, header: { 'x-purpose': 'tax-administration' } },
 *   });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };
export type Problem = components['schemas']['Problem'];
export type CertBridgeClient = Client<paths>;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
type Success<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;
type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The JSON answer of an operation on success, e.g. `Answer<'/api/v1/holders/{holderCode}/licenses', 'get'>`. */
export type Answer<P extends keyof paths, M extends Method & keyof paths[P] = 'get' & keyof paths[P]> = JsonOf<Success<paths[P][M]>>;

/** The JSON body an operation takes, e.g. `Body<'/api/v1/departments', 'post'>`. */
export type Body<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export interface ClientOptions {
  /** An access token (`clientCredentialsToken`), sent as `Authorization: Bearer …` on every call. */
  token?: string;
  /** Another fetch (a proxy's, a test's). */
  fetch?: typeof fetch;
}

export function certBridgeClient(baseUrl: string, options: ClientOptions = {}): CertBridgeClient {
  const client = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const { token } = options;
  if (token) {
    client.use({
      onRequest: ({ request }) => {
        request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** A system's access token (OAuth 2.0 client credentials, the form with HTTP Basic, as RFC 6749 § 4.4 has it). */
export async function clientCredentialsToken(baseUrl: string, clientId: string, clientSecret: string, options: Pick<ClientOptions, 'fetch'> = {}): Promise<string> {
  const { data, error } = await certBridgeClient(baseUrl, options).POST('/oauth/token', {
    body: { grant_type: 'client_credentials' },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}` },
  });
  if (!data) throw new Error(`no token: ${JSON.stringify(error)}`);
  return data.access_token;
}
