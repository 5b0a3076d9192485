/**
 * `GET /api/v1/backup` (the operator only): a consistent copy of the embedded store while the
 * server runs, which is how `certbridge backup` takes one from beside a running server (the folder
 * belongs to the server). A PostgreSQL store answers 409: it is backed up with PostgreSQL's tools.
 */
import type { FastifyInstance } from 'fastify';
import { authenticated } from '../auth/authenticate.ts';
import { conflict } from '../errors.ts';
import type { Platform } from '../platform.ts';

export async function backupRoute(app: FastifyInstance, opts: { platform: Platform }): Promise<void> {
  const { platform } = opts;
  app.get(
    '/api/v1/backup',
    {
      preHandler: authenticated(platform.tokens, ['operator']),
      schema: { tags: ['health'], summary: 'A consistent copy of the embedded store, gzip-compressed tar (the operator; certbridge backup)', response: { 200: { type: 'string', format: 'binary' } } },
    },
    async (_request, reply) => {
      if (!platform.store.backup) throw conflict('backup-not-embedded', 'a PostgreSQL store is backed up with pg_dump or pgBackRest (docs/operations.md), not through the server');
      const copy = await platform.store.backup();
      return reply.type('application/gzip').header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="certbridge-backup.tar.gz"').send(copy);
    },
  );
}
