/**
 * Hostile input stops at the edge, once, for every route — not route by route:
 * - text with NUL (PostgreSQL cannot store it) or unpaired UTF-16 surrogates (not Unicode: JSON
 *   encoders, PostgreSQL and the policy engine all reject it), anywhere in the path, the query or
 *   the body, keys included;
 * - numbers JSON cannot carry (`1e309` parses to Infinity) and nesting deeper than any request needs;
 * - every string and number a route declares is bounded: where its schema gives no bound, the
 *   edge adds one (`boundSchema`), so `limit=1e23` or a megabyte-long query value is a 400, never
 *   a database error.
 */
import type { Socket } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fastJson from 'fast-json-stringify';
import type { FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import { DomainError } from '../errors.ts';
import { PROBLEM_JSON, problemBody } from './problems.ts';

const MAX_DEPTH = 32;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Default bounds for what a schema leaves unbounded. */
export const EDGE_BOUNDS = {
  /** A path segment, a query value or a header. */
  shortString: 1024,
  /** A text field of a JSON body. */
  bodyString: 65_536,
  integer: Number.MAX_SAFE_INTEGER,
  number: 1e15,
} as const;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Why a string is not acceptable text, or undefined. */
export function badText(value: string): string | undefined {
  if (NUL.test(value)) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not a Unicode character)';
  return undefined;
}

interface Finding {
  pointer: string;
  code: 'invalid-characters' | 'out-of-range' | 'too-deep';
  detail: string;
}

/** The first unacceptable value in `root` (iteratively: a hostile nesting cannot overflow the stack). */
export function findHostile(root: unknown): Finding | undefined {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: root, pointer: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const why = badText(value);
      if (why) return { pointer, code: 'invalid-characters', detail: why };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { pointer, code: 'out-of-range', detail: 'is not a finite number' };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return { pointer, code: 'too-deep', detail: `nests deeper than ${MAX_DEPTH} levels` };
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}`, depth: depth + 1 });
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          const why = badText(key);
          if (why) return { pointer: `${pointer}/${escapePointer(key)}`, code: 'invalid-characters', detail: `the member name ${why}` };
          stack.push({ value: (value as Record<string, unknown>)[key], pointer: `${pointer}/${escapePointer(key)}`, depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

/**
 * preValidation: rejects the request at the first hostile value of its path, query or body. A
 * request without a body, on a route whose body has no required member, reads as `{}`.
 */
export async function rejectHostileInput(request: FastifyRequest): Promise<void> {
  if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  const parts: [string, unknown][] = [
    ['params:', request.params],
    ['querystring:', request.query],
    ['', request.body],
  ];
  for (const [where, value] of parts) {
    const finding = findHostile(value);
    if (!finding) continue;
    const field = `${where}${finding.pointer || '/'}`;
    throw new DomainError('invalid', finding.code === 'out-of-range' ? 'out-of-range' : 'invalid-characters', `${field} ${finding.detail}`, { field });
  }
}

/** preHandler: the values the validator coerced from the path and the query (`1e309` → Infinity). */
export async function rejectHostileCoercion(request: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['params:', request.params],
    ['querystring:', request.query],
  ] as const) {
    const finding = findHostile(value);
    if (!finding) continue;
    const field = `${where}${finding.pointer || '/'}`;
    throw new DomainError('invalid', finding.code === 'out-of-range' ? 'out-of-range' : 'invalid-characters', `${field} ${finding.detail}`, { field });
  }
}

// RFC 3339 with a year PostgreSQL can store (0001–9999): `0000-01-01` is valid RFC 3339 and a database error.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function realDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  if (year < 1) return false;
  const t = new Date(Date.UTC(year, Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === year && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

const strictFormats = {
  date: (value: string) => {
    const m = DATE.exec(value);
    return m !== null && realDate(m[1], m[2], m[3]);
  },
  'date-time': (value: string) => {
    const m = DATE_TIME.exec(value);
    return m !== null && realDate(m[1], m[2], m[3]) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61;
  },
};

function validatorFactory(coerceTypes: false | 'array'): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats.default(ajv);
  for (const [name, check] of Object.entries(strictFormats)) ajv.addFormat(name, { type: 'string', validate: check });
  return ajv;
}

// Text in a path or a query is converted to the declared types; a JSON body is taken as typed: a
// number where text is declared is an error, not a password of digits.
const fromText = validatorFactory('array');
const fromJson = validatorFactory(false);

// Compiled validators and serializers by schema text: every server of the process compiles a schema
// once. A test run starts hundreds of servers in a few processes, and compiling every route's schemas
// was ~0.45 s of each start (the serializers 0.3 s); Ajv's own cache, which keeps every schema object
// it was given (each server bounds its routes' schemas into new objects), no longer grows per server.
const validators = new Map<string, ValidateFunction>();
const serializers = new Map<string, (data: unknown) => string>();

/** The validator of one part of a request. */
export function compileValidator({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }): ValidateFunction {
  const body = httpPart === 'body';
  const key = `${body ? 'json' : 'text'}\u0000${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = (body ? fromJson : fromText).compile(schema as object)));
  return validate;
}

/** The serializer of a response schema: Fastify's own (fast-json-stringify, no shared schemas), compiled once per schema. */
export function compileSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  const key = JSON.stringify(schema);
  let serialize = serializers.get(key);
  if (!serialize) serializers.set(key, (serialize = fastJson(schema as Parameters<typeof fastJson>[0]) as (data: unknown) => string));
  return serialize;
}

/** What Node's HTTP parser refuses before Fastify sees a request (a NUL in a header, headers over 16 KB), as a problem. */
export function rawClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'the request headers exceed 16 KB']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'the request was not received in time']
        : [400, 'malformed-request', 'the request is not valid HTTP (a control character in a header, say)'];
  const body = JSON.stringify({ ...problemBody(new DomainError('invalid', code, detail)), status });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

type JsonSchema = Record<string, unknown>;

/** A copy of `schema` with a bound on every string and number that has none. */
function bounded(schema: unknown, stringMax: number): unknown {
  if (Array.isArray(schema)) return schema.map((s) => bounded(s, stringMax));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    // Subschemas live under these keys; every other member is data (enum values, examples) or a keyword.
    copy[key] = ['properties', 'patternProperties', '$defs', 'definitions'].includes(key) && value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value as JsonSchema).map(([name, sub]) => [name, bounded(sub, stringMax)]))
      : ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not', 'additionalProperties', 'contains', 'if', 'then', 'else'].includes(key)
        ? bounded(value, stringMax)
        : value;
  }
  const types = Array.isArray(copy.type) ? (copy.type as string[]) : [copy.type];
  if (types.includes('string') && copy.maxLength === undefined && copy.const === undefined && copy.enum === undefined) copy.maxLength = stringMax;
  if (types.includes('integer')) {
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = EDGE_BOUNDS.integer;
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = -EDGE_BOUNDS.integer;
  } else if (types.includes('number')) {
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = EDGE_BOUNDS.number;
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = -EDGE_BOUNDS.number;
  }
  return copy;
}

/** onRoute: bounds the route's request schemas (the OpenAPI document shows the bounds too). */
export function boundSchema(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema) return;
  for (const part of ['params', 'querystring', 'headers'] as const) {
    if (schema[part]) schema[part] = bounded(schema[part], EDGE_BOUNDS.shortString);
  }
  if (schema.body) schema.body = bounded(schema.body, EDGE_BOUNDS.bodyString);
}
