/**
 * Response headers every answer carries, and who may call from a browser:
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (a verification link carries
 *   a license's code: it must not leak to other sites), framing refused, and on HTML pages a
 *   Content-Security-Policy that allows this origin's scripts only (helmet);
 * - CORS off unless origins are configured (CERTBRIDGE_CORS_ORIGINS); even then no cookie is
 *   shared with another origin.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

export async function securityHeaders(app: FastifyInstance, config: Pick<Config, 'corsOrigins'>): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design writes its styles at run time (CSS-in-JS); scripts stay strict.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only meaningful behind TLS (a browser ignores it over http); the proxy that terminates TLS may set its own.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-purpose', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-certbridge-access-id', 'x-request-id', 'location'],
    maxAge: 600,
  });
}
