import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../platform/http/server.ts';
import type { Platform } from '../platform/platform.ts';
import { CAPABILITIES, MIGRATIONS } from './platform.ts';

export { PROBLEM_JSON } from '../platform/http/problems.ts';

/** The platform's HTTP server: the kernel's (errors, edge checks, security headers, health, docs) with every capability's routes. */
export async function buildServer(platform: Platform): Promise<FastifyInstance> {
  const app = await createHttpServer(platform, {
    migrations: MIGRATIONS,
    readiness: CAPABILITIES.flatMap((c) => (c.readiness ? [c.readiness] : [])),
  });
  for (const capability of CAPABILITIES) {
    if (capability.routes) await app.register(capability.routes, { platform });
  }
  return app;
}
