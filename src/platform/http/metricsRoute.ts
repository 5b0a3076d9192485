/**
 * `GET /metrics` (Prometheus text format). What it shows (traffic, lag, backlog) helps whoever
 * plans an attack, so it answers a request made directly on this machine (a loopback peer, not
 * relayed by a proxy), or one carrying CERTBRIDGE_METRICS_TOKEN as its bearer token; anyone else
 * gets 403.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { sendProblem } from './problems.ts';

const isLoopback = (address: string | undefined) => address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));

/** A request made on this machine, not passed on by a reverse proxy running on it. */
const direct = (request: FastifyRequest) =>
  isLoopback(request.raw.socket.remoteAddress) && request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined && request.headers['x-real-ip'] === undefined;

function bearerMatches(request: FastifyRequest, token: string | undefined): boolean {
  const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token || !given) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

export async function metricsRoute(app: FastifyInstance, opts: { platform: Platform }): Promise<void> {
  const { platform } = opts;
  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Metrics in the Prometheus text format (loopback, or with the metrics bearer token)', security: [{ bearer: [] }], response: { 200: { type: 'string' } } } },
    async (request, reply) => {
      if (!direct(request) && !bearerMatches(request, platform.config.metricsToken)) {
        return sendProblem(request, reply, new DomainError('forbidden', 'metrics-forbidden', '/metrics answers requests made on this machine, or carrying the metrics token (CERTBRIDGE_METRICS_TOKEN)'));
      }
      reply.header('cache-control', 'no-store').type(platform.metrics.contentType);
      return platform.metrics.metrics();
    },
  );
}
