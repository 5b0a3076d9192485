/**
 * The OpenAPI document's conventions, applied to every route in one place so that no route can
 * forget them: an `operationId` derived from the method and path (unless the route names one), the
 * route's security from its authenticating pre-handler (public routes `security: []`), and the
 * problem responses (RFC 9457, `application/problem+json`) every route can give — 400 for input
 * refused at the edge, 401 and 403 where a principal is needed, 404 where the path names something,
 * 429 where a rate limit applies, 503 while the store is unreachable. Tags are declared once.
 */
import type { FastifyContextConfig, FastifySchema, RouteOptions } from 'fastify';
import { AUTHENTICATION, type Authentication } from '../auth/authenticate.ts';
import { PROBLEM_JSON } from './problems.ts';

/** The RFC 9457 problem every error answers with. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'about:blank, or a URI naming the problem' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', description: 'A stable code of the reason (e.g. `license-not-found`); the console shows a message for each' },
    detail: { type: 'string', description: 'For integrators, in English' },
    field: { type: 'string', description: 'The input at fault: a JSON pointer into the body, or `params:/…`, `querystring:/…`, `header:…`' },
    requestId: { type: 'string', description: 'The id under which the server logged the request' },
  },
  additionalProperties: true,
} as const;

/** Every answer carries the id under which the server logged the request (an incoming one is kept). */
const REQUEST_ID = { 'X-Request-Id': { type: 'string', description: 'The request id: the one sent, or one the server made; quote it when asking about a call' } };

const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  headers: { ...REQUEST_ID, ...headers },
  content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Problem responses in @fastify/swagger's route-schema form (headers as plain schemas). */
const PROBLEM_RESPONSES = {
  BadRequest: problem('The request was refused at the edge or by the domain: `code` says why, `field` where'),
  Unauthenticated: problem('No valid access token or session'),
  Forbidden: problem('The principal may not do this (decided by the policies)'),
  NotFound: problem('What the path names does not exist (or is not visible to the principal)'),
  TooManyRequests: problem('A rate limit was reached', { 'Retry-After': { type: 'integer', description: 'Seconds to wait' } }),
  Unavailable: problem('The store is unreachable for now', { 'Retry-After': { type: 'integer', description: 'Seconds to wait' } }),
} as const;


/** `GET /api/v1/license-types/{key}/versions/{version}` → `getLicenseTypesByKeyVersionsByVersion`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^[:{](.+?)}?$/.exec(segment);
      if (segment === '*') return ['by', 'path'];
      if (param) return ['by', param[1]];
      return segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
    });
  return [method.toLowerCase(), ...words].map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}

/**
 * What a route adds to its documentation beyond its schema, in its `config.openapi`: headers the
 * document marks required although the route checks them itself (to answer its own problem and
 * record the refused call), and headers of its successful answers.
 */
export interface OpenApiExtras {
  requiredHeaders?: readonly string[];
  responseHeaders?: Readonly<Record<string, string>>;
  /** The route applies a limit of its own (a daily quota): 429 with Retry-After is documented. */
  limited?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: OpenApiExtras;
  }
}

function authenticationOf(route: RouteOptions): Authentication | undefined {
  const handlers = [route.preHandler, route.onRequest].flat().filter(Boolean) as unknown as Record<symbol, Authentication | undefined>[];
  return handlers.map((h) => h[AUTHENTICATION]).find(Boolean);
}

type Schema = Record<string, unknown> & { operationId?: string; security?: readonly Record<string, readonly string[]>[]; response?: Record<string, unknown>; hide?: boolean };

/** @fastify/swagger's `transform`: the conventions added to one route's schema (a copy; the route's own is untouched). */
export function openApiRoute({ schema: given, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }): { schema: FastifySchema; url: string } {
  const schema = (given ?? {}) as Schema;
  if (schema.hide) return { schema, url };
  const method = [route.method].flat()[0] ?? 'get';
  const authentication = authenticationOf(route);
  // A wildcard path (the audit log's tiles) is documented as one `path` parameter.
  const wildcard = url.endsWith('*');
  const documentedUrl = wildcard ? `${url.slice(0, -1)}{path}` : url;
  const security: readonly Record<string, readonly string[]>[] = schema.security ?? (authentication === 'required' ? [{ bearer: [] }] : authentication === 'optional' ? [{}, { bearer: [] }] : []);
  const named = /[:{*]/.test(url);
  
  const extras = (route.config as FastifyContextConfig | undefined)?.openapi ?? {};
  const limited = Boolean((route.config as { rateLimit?: unknown } | undefined)?.rateLimit) || extras.limited === true;
  const successHeaders = { ...REQUEST_ID, ...Object.fromEntries(Object.entries(extras.responseHeaders ?? {}).map(([name, description]) => [name, { type: 'string', description }])) };
  const response: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema.response ?? {}).map(([status, answer]) => [status, { ...(answer as object), headers: status.startsWith('2') ? successHeaders : REQUEST_ID }]),
  );
  const add = (status: string, name: keyof typeof PROBLEM_RESPONSES) => {
    if (!(status in response)) response[status] = PROBLEM_RESPONSES[name];
  };
  // A route that documents no success answers with a body the schema does not describe (a file, a redirect, nothing).
  if (!Object.keys(response).some((status) => status.startsWith('2'))) response['2XX'] = { description: 'Success (see the summary for what is answered)', headers: successHeaders };
  add('400', 'BadRequest');
  if (authentication === 'required') {
    add('401', 'Unauthenticated');
    add('403', 'Forbidden');
  }
  if (named) add('404', 'NotFound');
  if (limited) add('429', 'TooManyRequests');
  add('503', 'Unavailable');
  return {
    url: documentedUrl,
    schema: {
      ...schema,
      operationId: schema.operationId ?? operationIdOf(method, documentedUrl),
      ...(extras.requiredHeaders && schema.headers
        ? { headers: { ...(schema.headers as object), required: [...(((schema.headers as { required?: string[] }).required ?? []) as string[]), ...extras.requiredHeaders] } }
        : {}),
      security,
      response,
      ...(wildcard
        ? { params: { type: 'object', required: ['path'], properties: { path: { type: 'string', description: 'The rest of the path (tlog-tiles: tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>])' } } } }
        : {}),
    },
  };
}

/** An example of a request or response body: a few words saying what it shows, and the body. */
export interface OpenApiExample {
  summary: string;
  value: unknown;
}

/**
 * What the composition root adds to the document by operationId, kept apart from the routes (many
 * hands edit those): the Chinese summary of every operation (`x-summary-zh`; the Chinese reference
 * page shows it as the operation's title), an example request body (on every media type of the
 * body) and an example of the main success answer (on its JSON media type).
 */
export interface OpenApiDocumentation {
  summariesZh: Readonly<Record<string, string>>;
  examples: Readonly<Record<string, { request?: OpenApiExample; response?: OpenApiExample & { status: string } }>>;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  requestBody?: { content?: Record<string, Record<string, unknown>> };
  responses?: Record<string, { content?: Record<string, Record<string, unknown>> }>;
  [key: string]: unknown;
}

/** The operations of a document: method, path and the operation object. */
export function operationsOf(document: Record<string, unknown>): { method: string; path: string; operation: Operation }[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  return Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ method, path, operation })));
}

function documented(operation: Operation, documentation: OpenApiDocumentation): Operation {
  const id = operation.operationId ?? '';
  const zh = Object.hasOwn(documentation.summariesZh, id) ? documentation.summariesZh[id] : undefined;
  const { request, response } = Object.hasOwn(documentation.examples, id) ? documentation.examples[id] : {};
  const requestBody = request && operation.requestBody?.content
    ? { ...operation.requestBody, content: Object.fromEntries(Object.entries(operation.requestBody.content).map(([type, media]) => [type, { ...media, examples: { [id]: request } }])) }
    : operation.requestBody;
  const answer = response && operation.responses?.[response.status];
  const responses = answer && answer.content?.['application/json']
    ? { ...operation.responses, [response.status]: { ...answer, content: { ...answer.content, 'application/json': { ...answer.content['application/json'], examples: { [id]: { summary: response.summary, value: response.value } } } } } }
    : operation.responses;
  return { ...operation, ...(zh ? { 'x-summary-zh': zh } : {}), ...(requestBody ? { requestBody } : {}), ...(responses ? { responses } : {}) };
}

/** @fastify/swagger's `transformObject`: every tag used declared once, the problem schema a component, the documentation by operationId applied. */
export function openApiDocument(document: Record<string, unknown>, documentation: OpenApiDocumentation = { summariesZh: {}, examples: {} }): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const used = [...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])))].sort();
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...document,
    paths: Object.fromEntries(Object.entries(paths).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, documented(op, documentation)]))])),
    tags: used.map((name) => ({ name })),
    components: {
      ...components,
      schemas: { ...(components.schemas ?? {}), Problem: PROBLEM_SCHEMA },
    },
  };
}

/** The document for Chinese readers: each operation's Chinese summary as its summary, the title and description in Chinese. */
export function chineseDocument(document: Record<string, unknown>, info: { title: string; description: string }): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  return {
    ...document,
    info: { ...(document.info as object), ...info },
    paths: Object.fromEntries(
      Object.entries(paths).map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, typeof op['x-summary-zh'] === 'string' ? { ...op, summary: op['x-summary-zh'] } : op])),
      ]),
    ),
  };
}
