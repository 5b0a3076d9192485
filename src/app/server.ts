import type { FastifyInstance } from 'fastify';
import { followerMetrics } from '../platform/followers.ts';
import { createHttpServer } from '../platform/http/server.ts';
import { webConsole } from '../platform/http/webConsole.ts';
import type { Platform } from '../platform/platform.ts';
import { EXAMPLES } from '../demo/openapiExamples.ts';
import { SUMMARIES_ZH } from './openapiZh.ts';
import { CAPABILITIES, FOLLOWERS, MIGRATIONS } from './platform.ts';

export { PROBLEM_JSON } from '../platform/http/problems.ts';

/** The platform's HTTP server: the kernel's (errors, edge checks, security headers, health, docs), the web console, and every capability's routes. */
export async function buildServer(platform: Platform): Promise<FastifyInstance> {
  const app = await createHttpServer(platform, {
    migrations: MIGRATIONS,
    readiness: CAPABILITIES.flatMap((c) => (c.readiness ? [c.readiness] : [])),
    webhooks: Object.assign({}, ...CAPABILITIES.map((c) => c.webhooks ?? {})),
    documentation: { summariesZh: SUMMARIES_ZH, examples: EXAMPLES },
  });
  // Before the routes: a capability's public page (the QR link) answers the console to a browser.
  await app.register(webConsole);
  for (const capability of CAPABILITIES) capability.metrics?.(platform);
  followerMetrics(platform, FOLLOWERS);
  for (const capability of CAPABILITIES) {
    if (capability.routes) await app.register(capability.routes, { platform });
  }
  return app;
}
