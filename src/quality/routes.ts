import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MONTH_PATTERN } from '../platform/chinaTime.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { DIMENSIONS, listFindings, noteFinding, readScores, reportHeldValues } from './index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Month = (description: string) => Type.String({ pattern: MONTH_PATTERN, description });
const Code = (description: string) => Type.String({ minLength: 1, maxLength: 18, description });
const Dimension = Type.Union([Type.Literal('completeness'), Type.Literal('validity'), Type.Literal('consistency'), Type.Literal('timeliness'), Type.Literal('uniqueness')]);
const Dimensions = Type.Object(Object.fromEntries(DIMENSIONS.map((d) => [d, Type.Number({ minimum: 0, maximum: 100 })])));
const LicenseType = Type.String({ minLength: 1, maxLength: 64, description: 'A license type key, e.g. business-license' });

const FindingSchema = Type.Object({
  id: Type.Integer(),
  identifier: Type.String({ description: 'The license version the rule failed on (GB/T 36904)' }),
  version: Type.Integer(),
  licenseType: Type.String(),
  department: Type.String({ description: 'The issuing department' }),
  holderCode: Type.String(),
  ruleId: Type.String(),
  dimension: Dimension,
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  fields: Type.Array(Type.String()),
  message: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('explained')]),
  reportedBy: Nullable(Type.String({ description: 'Consistency: the department that reported' })),
  detectedAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  resolvedVersion: Nullable(Type.Integer({ description: 'The version that passed the rule' })),
  note: Nullable(Type.String()),
  notedBy: Nullable(Type.String()),
  notedAt: Nullable(Type.String()),
  explainable: Type.Boolean({ description: 'The issuer may explain it with a note' }),
});

const ScoreRow = Type.Object({
  department: Type.String(),
  licenseType: Type.String(),
  month: Type.String(),
  score: Type.Number(),
  dimensions: Dimensions,
  licenses: Type.Integer(),
  openFindings: Type.Integer(),
});

/** Data quality: consistency reports, findings and their notes, scores. The rules run in the background. */
export const qualityRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['quality'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/quality/reports',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Report what a consumer department holds for a holder (consistency across departments)',
        description:
          "Compared with the holder's current license of the type; each field that differs becomes a finding for the issuer, naming the reporting department. The answer names the fields that matched and those that did not, never the license's values.",
        body: Type.Object(
          {
            type: LicenseType,
            holderCode: Type.String({ pattern: '^[0-9A-Z]{18}$', description: 'The holder (credit code or citizen id)' }),
            fields: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ minLength: 1, maxLength: 4000 }), {
              minProperties: 1,
              maxProperties: 20,
              description: 'Field name → the value the department holds, e.g. {"name": "…", "legalRepresentative": "…"}',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            type: Type.String(),
            holderCode: Type.String(),
            matched: Type.Array(Type.String()),
            mismatched: Type.Array(Type.String()),
            reportedAt: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await reportHeldValues(platform, principalOf(request), request.body);
      reply.status(201);
      return result;
    },
  );

  app.get(
    '/api/v1/quality/scores',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Quality scores of a month: overall 0–100, per dimension and per license type, with a six-month trend',
        description: 'A department its own (the default), the coordination office any, or every department together when it names none. Month default: the current one (China time).',
        querystring: Type.Object({ department: Type.Optional(Code("A department's code")), month: Type.Optional(Month('YYYY-MM')) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            month: Type.String(),
            department: Nullable(Type.String()),
            score: Nullable(Type.Number({ description: 'null: no licenses checked by the end of the month' })),
            dimensions: Nullable(Dimensions),
            licenses: Type.Integer(),
            openFindings: Type.Integer(),
            byType: Type.Array(ScoreRow),
            trend: Type.Array(Type.Object({ month: Type.String(), score: Nullable(Type.Number()) })),
          }),
        },
      },
    },
    (request) => readScores(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/quality/findings',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Quality findings, newest first, a page at a time',
        querystring: Type.Object(
          {
            department: Type.Optional(Code('The issuing department (default: your own; the coordination office: all)')),
            type: Type.Optional(LicenseType),
            dimension: Type.Optional(Dimension),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('explained')])),
            licenseIdentifier: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(FindingSchema), nextCursor: Nullable(Type.String()) }) },
      },
    },
    (request) => listFindings(platform, principalOf(request), request.query),
  );

  app.post(
    '/api/v1/quality/findings/:id/note',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Explain a uniqueness (or consistency) finding with a note (the issuer): it stops counting against the score',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) }),
        body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: FindingSchema },
      },
    },
    (request) => noteFinding(platform, principalOf(request), request.params.id, request.body.note),
  );
};
