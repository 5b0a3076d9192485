/**
 * Response headers every answer carries, and who may call from a browser:
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (a verification link carries
 *   a license's code: it must not leak to other sites), framing refused, and on HTML pages a
 *   Content-Security-Policy that allows this origin's scripts only (helmet's headers, worked out
 *   once at start: @fastify/helmet builds helmet's middleware anew for every request, which cost
 *   the exchange ~4 % of its CPU);
 * - CORS off unless origins are configured (CERTBRIDGE_CORS_ORIGINS); even then no cookie is
 *   shared with another origin.
 */
import cors from '@fastify/cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.ts';

const HELMET: HelmetOptions = {
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
};

/** The headers helmet sets with these options: the same for every answer. */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  return headers;
}

export async function securityHeaders(app: FastifyInstance, config: Pick<Config, 'corsOrigins'>): Promise<void> {
  const headers = helmetHeaders(HELMET);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
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
