/**
 * The HTTP server every capability's routes are registered on, with what no route should do for
 * itself: the problem mapper, the edge checks on input, security headers and CORS, request ids,
 * logging, health, metrics, the OpenAPI document at /docs and the API reference pages at /api/reference.
 */
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { OpenAPIV3_1 } from 'openapi-types';
import swaggerUi from '@fastify/swagger-ui';
import { openApiDocument, openApiRoute, type OpenApiDocumentation } from './openapi.ts';
import { referencePages } from './reference.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { DomainError, rateLimited } from '../errors.ts';
import type { Platform } from '../platform.ts';
import type { Migration } from '../store/migrate.ts';
import { boundSchema, compileSerializer, compileValidator, EDGE_BOUNDS, rawClientError, rejectHostileCoercion, rejectHostileInput } from './edge.ts';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import { httpMetrics, kernelMetrics } from '../metrics.ts';
import { metricsRoute } from './metricsRoute.ts';
import { backupRoute } from './backupRoute.ts';
import { PROBLEM_JSON, problemBody, sendProblem } from './problems.ts';
import { securityHeaders } from './security.ts';
import { isConsoleNavigation, sendConsolePage } from './webConsole.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A request id taken from X-Request-Id: what ids look like (UUIDs, trace ids), never what could forge a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The largest request body a route takes unless it says otherwise (a license with its data is a few KB). */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

export interface HttpServerOptions {
  migrations: readonly Migration[];
  readiness: readonly ReadinessCheck[];
  /** The OpenAPI document's `webhooks` (the events the platform sends). */
  webhooks?: Record<string, unknown>;
  /** Chinese summaries and examples by operationId (the composition root's). */
  documentation?: OpenApiDocumentation;
}

/**
 * The Redis the request-rate limits count in. Fail fast, never queue: while it is unreachable a
 * request is not held up (the limit is skipped, said once in the log), and it reconnects by itself.
 */
function sharedCounter(url: string, log: Platform['log']): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: (times) => Math.min(times * 200, 2000) });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ err: error }, 'the shared rate-limit counter (CERTBRIDGE_REDIS_URL) is unreachable: limits are not applied until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('the shared rate-limit counter is back');
    down = false;
  });
  return redis;
}

export async function createHttpServer(platform: Platform, options: HttpServerOptions): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    loggerInstance: platform.log as FastifyBaseLogger,
    // One line per request at debug (below), not Fastify's two at info.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // A request id the caller (or the load balancer) gave is kept, so one id follows a request across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Path parameters are bounded by the edge's own limit (a longer one is a problem, not a bare 414).
    routerOptions: { maxParamLength: EDGE_BOUNDS.shortString },
    // A URL that is not valid percent-encoded UTF-8, or a parameter over the limit: a problem like any other.
    frameworkErrors: (error, request, reply) =>
      sendProblem(request, reply, new DomainError('invalid', error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'validation-failed' : 'invalid-characters', `the request path cannot be read: ${error.message}`, { field: 'path' })),
    // What Node's HTTP parser refuses (a NUL in a header, headers over 16 KB) is answered as a problem too.
    clientErrorHandler: rawClientError,
    // A request that sends its body slower than this is dropped (slow-loris).
    requestTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  app.decorateRequest('principal', undefined);
  app.setValidatorCompiler(compileValidator);
  app.setSerializerCompiler(compileSerializer);
  app.addHook('onRoute', boundSchema);
  app.addHook('preValidation', rejectHostileInput);
  // Query and path values are coerced from text by the validator (`1e309` becomes Infinity): checked again.
  app.addHook('preHandler', rejectHostileCoercion);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const http = httpMetrics(platform.metrics);
  kernelMetrics(platform.metrics, platform.store, platform.background);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    http.requests.inc(labels);
    http.duration.observe(labels, reply.elapsedTime / 1000);
    request.log.debug({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    // A browser navigating to one of the console's own pages (/verify, /issuer/…) gets the app,
    // which routes itself; anything else that matches no route is a problem.
    isConsoleNavigation(request)
      ? sendConsolePage(request, reply)
      : reply
          .status(404)
          .type(PROBLEM_JSON)
          .send(problemBody(new DomainError('not-found', 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`), request.id)),
  );

  await securityHeaders(app, config);
  const redis = config.redisUrl ? sharedCounter(config.redisUrl, platform.log) : undefined;
  if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
  // Request-rate limits per client address, for the routes that ask for one (config.rateLimit):
  // public and unauthenticated routes, whose cost anyone can impose.
  await app.register(rateLimit, {
    global: false,
    groupId: 'default',
    // With several server processes, one count per address for all of them (CERTBRIDGE_REDIS_URL).
    ...(redis ? { redis, nameSpace: 'certbridge-rate-limit:', skipOnError: true } : {}),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (_request, context) => rateLimited('rate-limited', `too many requests from this address: ${context.max} a ${context.after === '1 minute' ? 'minute' : 'window'}; try again in ${context.after}`, context.ttl / 1000),
  });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(swagger, {
    transform: openApiRoute,
    transformObject: (document) => openApiDocument(('openapiObject' in document ? document.openapiObject : document.swaggerObject) as Record<string, unknown>, options.documentation),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CertBridge API',
        version: '0.1.0',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        contact: { name: 'CertBridge' },
        description:
          'Sharing electronic certificates and licenses (电子证照) between government departments. Errors are RFC 9457 problems (application/problem+json) with a stable `code`, the `field` at fault and the `requestId` under which the server logged the request.',
      },
      servers: [{ url: config.publicUrl }],
      // Path item objects as the OpenAPI 3.1 document has them (built by the capabilities that send them).
      webhooks: (options.webhooks ?? {}) as Record<string, OpenAPIV3_1.PathItemObject>,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          basic: { type: 'http', scheme: 'basic', description: 'A system’s client id and secret (the token request only)' },
          clientCredentials: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  await referencePages(app, { staticPrefix: '/docs/static' });
  await app.register(healthRoutes, { platform, migrations: options.migrations, checks: options.readiness });
  await app.register(metricsRoute, { platform });
  await app.register(backupRoute, { platform });
  return app;
}
