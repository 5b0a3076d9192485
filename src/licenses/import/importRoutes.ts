/**
 * Routes of imports over HTTP (see importJobs.ts): the upload is the request body itself, any media
 * type, streamed to a temporary file — so this plugin has its own content-type parser that hands the
 * body over unread, and none of the JSON parsing of the other routes.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../../platform/auth/authenticate.ts';
import type { Platform } from '../../platform/platform.ts';
import {
  closeLicenseImports,
  IMPORT_FORMATS,
  IMPORT_MAX_BYTES,
  licenseImportReport,
  listLicenseImports,
  readLicenseImport,
  startLicenseImport,
} from '../index.ts';

/**
 * The unread body, held where the edge's checks of hostile input (which walk a parsed body's
 * members) do not reach: a private field is no member.
 */
class Upload {
  readonly #stream: Readable;
  constructor(stream: Readable) {
    this.#stream = stream;
  }
  stream(): Readable {
    return this.#stream;
  }
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const JobSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('failed')]),
  type: Type.String(),
  format: Type.String(),
  fileName: Type.String(),
  issuerCode: Type.String(),
  createdBy: Type.String(),
  createdByName: Nullable(Type.String({ description: 'Who started the import, by name (a member of staff, a system), when they have one' })),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  bytesRead: Type.Integer({ description: 'Bytes of the file the importer has read, of totalBytes' }),
  totalBytes: Type.Integer(),
  rows: Type.Integer(),
  issued: Type.Integer(),
  alreadyIssued: Type.Integer({ description: 'Rows whose holder already has a license of the type: skipped' }),
  rejected: Type.Integer(),
  warnings: Type.Integer(),
  elapsedMs: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why the import stopped, when the file as a whole is at fault' })),
  reportUrl: Nullable(Type.String({ description: 'The report of rejected rows and warnings (CSV), once the job is over' })),
});

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const tags = ['licenses'];
const security = [{ bearer: [] }];

export const licenseImportRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  // The body is the file, whatever its media type: streamed by the facade, which bounds its size.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, new Upload(payload)));
  app.addHook('onClose', () => closeLicenseImports(platform));

  app.post(
    '/api/v1/licenses/imports',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Import a department's file of licenses (CSV, JSON, NDJSON, XML) in the background: 202 and the job to poll",
        description:
          `The request body is the file itself (not multipart), at most ${IMPORT_MAX_BYTES / 1024 / 1024} MiB; its format is \`format\`, else the Content-Type ` +
          '(text/csv, application/json, application/x-ndjson, application/xml), else the extension of `fileName`. Columns are the type\'s field names plus the holder\'s code (creditCode, or holderCode for types not held under credit codes; docs/import.md). ' +
          "Decided by license:import: the issuing department's staff, in its own name. Jobs are kept in the memory of the server that took the upload (6 hours after they finish).",
        querystring: Type.Object(
          {
            type: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'License type key (GET /api/v1/license-types); may be left out by a department that issues one type only' })),
            format: Type.Optional(Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f)))),
            fileName: Type.Optional(Type.String({ maxLength: 255, description: 'The name of the file, shown with the job and its report' })),
            issuer: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: "The issuing department's credit code (default: the caller's own)" })),
            acceptLegacyCodes: Type.Optional(Type.Boolean({ description: 'Accept credit codes that fail only the final check character, with a warning' })),
          },
          { additionalProperties: false },
        ),
        response: { 202: JobSchema },
      },
    },
    async (request, reply) => {
      const length = Number(request.headers['content-length']);
      const job = await startLicenseImport(
        platform,
        principalOf(request),
        { ...request.query, contentType: request.headers['content-type'], contentLength: Number.isFinite(length) ? length : undefined },
        // No body at all (no Content-Type, nothing sent): an empty upload, refused after the decision.
        request.body instanceof Upload ? request.body.stream() : Readable.from([]),
      );
      return reply.status(202).header('location', `/api/v1/licenses/imports/${job.id}`).send(job);
    },
  );

  app.get(
    '/api/v1/licenses/imports',
    { preHandler: signedIn, schema: { tags, security, summary: 'Imports this server remembers that you may see, newest first', response: { 200: Type.Array(JobSchema) } } },
    (request) => listLicenseImports(platform, principalOf(request)),
  );

  app.get(
    '/api/v1/licenses/imports/:id',
    { preHandler: signedIn, schema: { tags, security, summary: 'An import: its progress while it runs, its summary once it is over', params: Id, response: { 200: JobSchema } } },
    (request) => readLicenseImport(platform, principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/licenses/imports/:id/rejected.csv',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'The report of rejected rows and warnings of a finished import (CSV, UTF-8 with BOM; columns as docs/import.md)',
        params: Id,
      },
    },
    async (request, reply) => {
      const report = await licenseImportReport(platform, principalOf(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected.csv"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`)
        .header('cache-control', 'private, no-store')
        .send(createReadStream(report.path));
    },
  );
};
