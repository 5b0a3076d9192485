/**
 * Health for load balancers and operators: `/health/live` (the process answers) and
 * `/health/ready` (the store answers, every migration is applied, every background worker is alive).
 * Ready is what a load balancer should route on; a 503 names each failing check.
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.ts';
import type { Migration } from '../store/migrate.ts';
import { PROBLEM_JSON } from './problems.ts';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A readiness check a capability contributes (e.g. the audit sequencer is alive). */
export type ReadinessCheck = (platform: Platform) => Promise<HealthCheck>;

async function storeCheck(platform: Platform, migrations: readonly Migration[]): Promise<HealthCheck[]> {
  const started = performance.now();
  try {
    const applied = new Set((await platform.store.query<{ id: string }>('select id from schema_migrations')).rows.map((r) => r.id));
    const missing = migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
    return [
      { name: 'store', ok: true, detail: `${platform.store.kind} answered in ${(performance.now() - started).toFixed(1)} ms` },
      { name: 'migrations', ok: missing.length === 0, detail: missing.length === 0 ? `${migrations.length} applied` : `not applied: ${missing.join(', ')}` },
    ];
  } catch (error) {
    return [{ name: 'store', ok: false, detail: (error as Error).message }];
  }
}

export async function healthRoutes(app: FastifyInstance, opts: { platform: Platform; migrations: readonly Migration[]; checks: readonly ReadinessCheck[] }): Promise<void> {
  const checkSchema = { type: 'object', properties: { name: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } } };
  app.get('/health/live', { schema: { tags: ['health'], summary: 'The process is up and answering' } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'live' };
  });
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The store answers, migrations are applied and background work is alive (503 otherwise)',
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'array', items: checkSchema } } },
          503: { type: 'object', additionalProperties: true },
        },
      },
    },
    async (_request, reply) => {
      const checks = [...(await storeCheck(opts.platform, opts.migrations)), ...opts.platform.background.checks()];
      for (const check of opts.checks) {
        try {
          checks.push(await check(opts.platform));
        } catch (error) {
          checks.push({ name: 'check', ok: false, detail: (error as Error).message });
        }
      }
      reply.header('cache-control', 'no-store');
      if (checks.every((c) => c.ok)) return { status: 'ready', checks };
      return reply.code(503).header('retry-after', '1').type(PROBLEM_JSON).send({
        type: 'https://certbridge.dev/problems/not-ready',
        title: 'Not ready',
        status: 503,
        code: 'not-ready',
        detail: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; '),
        checks,
      });
    },
  );
}
