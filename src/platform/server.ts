import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Principal } from '../policy/index.ts';
import { authRoutes } from './auth/routes.ts';
import { keyRoutes } from './crypto/routes.ts';
import { CAPABILITIES, type Platform } from './platform.ts';
import { Problem } from './problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const PROBLEM_JSON = 'application/problem+json';

/** Maps Fastify's own errors (schema, parsing, size) onto our stable problem codes. */
function toProblem(error: FastifyError): Problem {
  if (error instanceof Problem) return error;
  if (error.validation && error.validation.length > 0) {
    const [first] = error.validation;
    const where = error.validationContext ?? 'body';
    const base = where === 'body' ? '' : `${where}:`;
    const params = first.params as Record<string, unknown>;
    if (first.keyword === 'additionalProperties') {
      const field = `${base}${first.instancePath}/${String(params.additionalProperty)}`;
      return new Problem(400, 'unknown-field', `${field} is not a known field`, { field });
    }
    if (first.keyword === 'required') {
      const field = `${base}${first.instancePath}/${String(params.missingProperty)}`;
      return new Problem(400, 'missing-field', `${field} is required`, { field });
    }
    const field = `${base}${first.instancePath}` || `${where}`;
    return new Problem(400, 'validation-failed', `${field} ${first.message ?? 'is invalid'}`, { field });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'malformed-json', `the request body is not valid JSON: ${error.message}`, { field: '/' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported-media-type', error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload-too-large', error.message);
  }
  if (error instanceof SyntaxError) return new Problem(400, 'malformed-json', error.message, { field: '/' });
  if (error.statusCode && error.statusCode < 500) return new Problem(error.statusCode, 'bad-request', error.message);
  return new Problem(500, 'internal-error', 'an unexpected error occurred; it has been logged');
}

export async function buildServer(platform: Platform, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? { level: platform.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    bodyLimit: 20 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', undefined);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    if (problem.status === 401) reply.header('www-authenticate', problem.code === 'invalid-client' ? 'Basic realm="certbridge"' : 'Bearer realm="certbridge"');
    return reply.status(problem.status).type(PROBLEM_JSON).send(problem.toJSON());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(PROBLEM_JSON)
      .send(new Problem(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`).toJSON()),
  );

  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CertBridge API',
        version: '0.1.0',
        description:
          'Sharing electronic certificates and licenses (电子证照) between government departments. Errors are RFC 9457 problems (application/problem+json) with a stable `code`.',
      },
      servers: [{ url: platform.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          clientCredentials: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(authRoutes, { platform });
  await app.register(keyRoutes, { platform });
  for (const capability of CAPABILITIES) {
    if (capability.routes) await app.register(capability.routes, { platform });
  }
  return app;
}
