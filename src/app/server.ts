import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { DomainError } from '../platform/errors.ts';
import { PROBLEM_JSON, problemBody, sendProblem } from '../platform/http/problems.ts';
import type { Platform } from '../platform/platform.ts';
import type { Principal } from '../policy/index.ts';
import { CAPABILITIES } from './platform.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export { PROBLEM_JSON };

export async function buildServer(platform: Platform, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? { level: platform.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    bodyLimit: 20 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', undefined);
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type(PROBLEM_JSON)
      .send(problemBody(new DomainError('not-found', 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`), request.id)),
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

  for (const capability of CAPABILITIES) {
    if (capability.routes) await app.register(capability.routes, { platform });
  }
  return app;
}
