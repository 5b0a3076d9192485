import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import {
  addEvidence,
  decideObjection,
  escalateObjection,
  listObjections,
  MAX_EVIDENCE_BYTES,
  MAX_EVIDENCE_FILES,
  MAX_EVIDENCE_TEXT,
  MAX_REASON,
  readEvidence,
  readObjection,
  submitObjection,
} from './index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Status = Type.Union([Type.Literal('submitted'), Type.Literal('accepted'), Type.Literal('rejected'), Type.Literal('escalated')], { description: 'submitted, accepted, rejected, escalated' });
const FieldKey = Type.String({ minLength: 1, maxLength: 64, description: 'A field key of the license type (GET /api/v1/standards/license-types/{type})' });
const Values = (description: string) => Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 64, description });
const Reason = (description: string) => Type.String({ minLength: 1, maxLength: MAX_REASON, description });
const Identifier = Type.String({ minLength: 1, maxLength: 256, description: 'A license identifier (GB/T 36904) of any of its versions' });

const EvidenceSchema = Type.Object({
  n: Type.Integer({ description: 'Its number on the objection: GET …/evidence/{n} downloads it' }),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer({ description: 'Bytes' }),
  sha256: Type.String({ description: 'SHA-256 of the file, hex' }),
  addedBy: Type.String(),
  addedByName: Nullable(Type.String({ description: 'The name the actor goes by: a person’s, an enterprise’s (null for a system)' })),
  addedAt: Type.String(),
});

const ObjectionSchema = Type.Object({
  id: Type.String(),
  status: Status,
  final: Type.Boolean({ description: 'No further step: accepted by the issuer, or decided by the coordination office' }),
  licenseIdentifier: Type.String({ description: 'The version objected to' }),
  licenseVersion: Type.Integer(),
  licenseType: Type.String(),
  holderCode: Type.String(),
  issuerCode: Type.String({ description: 'The issuing department, who answers' }),
  objector: Type.Object({ kind: Type.Union([Type.Literal('department'), Type.Literal('holder')]), department: Nullable(Type.String()), holderCode: Nullable(Type.String()) }),
  objectedBy: Type.String(),
  objectedByName: Nullable(Type.String({ description: 'The name the objector goes by: a person’s, an enterprise’s (null for a system)' })),
  fields: Type.Array(Type.String()),
  reason: Type.String(),
  evidenceText: Nullable(Type.String()),
  proposed: Nullable(Values('The values the objector proposes')),
  submittedAt: Type.String(),
  dueDate: Type.String({ description: 'The last working day (China) to answer' }),
  dueAt: Type.String({ description: 'Overdue from this moment' }),
  overdue: Type.Boolean(),
  answeredAt: Nullable(Type.String({ description: "The issuer's answer" })),
  answeredOnTime: Nullable(Type.Boolean()),
  decision: Nullable(
    Type.Object({
      decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]),
      reason: Nullable(Type.String()),
      decidedBy: Type.String(),
      decidedByName: Nullable(Type.String()),
      decidedAt: Type.String(),
      byCoordinationOffice: Type.Boolean(),
    }),
  ),
  escalation: Nullable(Type.Object({ kind: Type.Union([Type.Literal('objector'), Type.Literal('overdue')]), reason: Nullable(Type.String()), at: Type.String() })),
  amendment: Nullable(Type.Object({ identifier: Type.String(), version: Type.Integer() }, { description: 'The new version an accepted objection made' })),
  evidence: Type.Array(EvidenceSchema),
  updatedAt: Type.String(),
  history: Type.Optional(
    Type.Array(
      Type.Object({ event: Type.String(), status: Status, actor: Type.String(), actorName: Nullable(Type.String()), reason: Nullable(Type.String()), data: Nullable(Type.Object({}, { additionalProperties: true })), at: Type.String() }),
    ),
  ),
});

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/**
 * The unread body of an evidence upload, held where the edge's checks of hostile input (which walk
 * a parsed body's members) do not reach: a private field is no member.
 */
class Upload {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  bytes(): Buffer {
    return this.#bytes;
  }
}

/** Objections (数据异议): submit, evidence, decisions, escalation. */
export const objectionRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['objections'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/objections',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Object to fields of a license (数据异议): a consumer department that receives its type, or the holder',
        description: `The issuer answers within CERTBRIDGE_OBJECTION_WORKING_DAYS working days (dueAt); unanswered, the objection escalates to the coordination office by itself. While it is open, the exchange marks the license \`underObjection: true\`. Evidence files: POST /api/v1/objections/{id}/evidence.`,
        body: Type.Object(
          {
            licenseIdentifier: Identifier,
            fields: Type.Array(FieldKey, { minItems: 1, maxItems: 64, description: 'The fields objected to' }),
            reason: Reason('Why the values are wrong'),
            evidence: Type.Optional(Type.String({ maxLength: MAX_EVIDENCE_TEXT, description: 'Evidence, as text' })),
            proposed: Type.Optional(Values('The values the objector believes right, {field: value}')),
          },
          { additionalProperties: false },
        ),
        response: { 201: ObjectionSchema },
      },
    },
    async (request, reply) => {
      const objection = await submitObjection(platform, principalOf(request), request.body);
      return reply.status(201).header('location', `/api/v1/objections/${objection.id}`).send(objection);
    },
  );

  app.get(
    '/api/v1/objections',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Objections, earliest deadline first: your own and those to your licenses (a holder its own; the coordination office all)',
        querystring: Type.Object(
          {
            status: Type.Optional(Status),
            role: Type.Optional(Type.Union([Type.Literal('objector'), Type.Literal('issuer')], { description: 'Only those you made, or only those to your licenses' })),
            licenseIdentifier: Type.Optional(Identifier),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(ObjectionSchema), nextCursor: Nullable(Type.String()) }) },
      },
    },
    (request) => listObjections(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/objections/:id',
    { preHandler: signedIn, schema: { tags, security, summary: 'An objection with its evidence and history (the parties, the coordination office)', params: Id, response: { 200: ObjectionSchema } } },
    (request) => readObjection(platform, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/objections/:id/decision',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "The issuer's answer, or the coordination office's final decision on an escalated objection",
        description: 'accept amends the license with `data` (merged into its current data; it must change something): a new version and credential, subscribers told. reject needs a reason.',
        params: Id,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]),
            reason: Type.Optional(Type.String({ maxLength: MAX_REASON })),
            data: Type.Optional(Values('accept: the corrected values, {field: value}')),
          },
          { additionalProperties: false },
        ),
        response: { 200: ObjectionSchema },
      },
    },
    (request) => decideObjection(platform, principalOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/objections/:id/escalation',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Escalate a rejected objection to the coordination office (the objector, once)',
        params: Id,
        body: Type.Object({ reason: Reason('Why the rejection is wrong') }, { additionalProperties: false }),
        response: { 200: ObjectionSchema },
      },
    },
    (request) => escalateObjection(platform, principalOf(request), request.params.id, request.body.reason),
  );

  app.get(
    '/api/v1/objections/:id/evidence/:n',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Download an evidence file (the parties, the coordination office); X-Content-SHA256 carries its digest',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), n: Type.Integer({ minimum: 1, maximum: MAX_EVIDENCE_FILES }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const file = await readEvidence(platform, principalOf(request), request.params.id, request.params.n);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="evidence-${file.n}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('x-content-sha256', file.sha256)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  );

  // The upload: the body is the file, any media type, kept as bytes (its own parser, in its own context).
  const uploads: FastifyPluginAsyncTypebox = async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_EVIDENCE_BYTES }, (_request, body, done) => done(null, new Upload(body as Buffer)));
    upload.post(
      '/api/v1/objections/:id/evidence',
      {
        preHandler: signedIn,
        schema: {
          tags,
          security,
          summary: `Add an evidence file to an objection (the objector): the file is the request body, at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB, its Content-Type kept`,
          params: Id,
          querystring: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The file name shown with it' })) }, { additionalProperties: false }),
          response: { 201: EvidenceSchema },
        },
      },
      async (request, reply) => {
        const contentType = (request.headers['content-type'] ?? 'application/octet-stream').slice(0, 200);
        const content = request.body instanceof Upload ? request.body.bytes() : Buffer.alloc(0);
        const file = await addEvidence(platform, principalOf(request), request.params.id, { name: request.query.name ?? 'evidence', contentType, content });
        return reply.status(201).send(file);
      },
    );
  };
  await app.register(uploads);
};
