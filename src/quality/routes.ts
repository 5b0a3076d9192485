import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MONTH_PATTERN } from '../platform/chinaTime.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { confirmFinding, DIMENSIONS, dismissReports, listFindings, noteFinding, readScores, reportersOversight, reportHeldValues } from './index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Month = (description: string) => Type.String({ pattern: MONTH_PATTERN, description });
const Code = (description: string) => Type.String({ minLength: 1, maxLength: 18, description });
const Dimension = Type.Union([Type.Literal('completeness'), Type.Literal('validity'), Type.Literal('consistency'), Type.Literal('timeliness'), Type.Literal('uniqueness')]);
const Status = Type.Union([Type.Literal('suspected'), Type.Literal('open'), Type.Literal('resolved'), Type.Literal('explained'), Type.Literal('dismissed')], {
  description: "suspected: a department's report, not counting until the issuer confirms it or independent departments agree; dismissed: the issuer dismissed the reporter's reports",
});
const Dimensions = Type.Object(Object.fromEntries(DIMENSIONS.map((d) => [d, Type.Number({ minimum: 0, maximum: 100 })])));
const LicenseType = Type.String({ minLength: 1, maxLength: 64, description: 'A license type key (GET /api/v1/license-types)' });

const FindingSchema = Type.Object({
  id: Type.Integer(),
  identifier: Type.String({ description: 'The license version the rule failed on (GB/T 36904)' }),
  version: Type.Integer(),
  licenseType: Type.String(),
  department: Type.String({ description: 'The issuing department' }),
  holderCode: Type.String(),
  holderName: Nullable(Type.String({ description: "The name the holder goes by on its newest license (null: none found)" })),
  ruleId: Type.String(),
  dimension: Dimension,
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  fields: Type.Array(Type.String()),
  message: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  status: Status,
  reportedBy: Nullable(Type.String({ description: 'Consistency: the department that reported' })),
  detectedAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  resolvedVersion: Nullable(Type.Integer({ description: 'The version that passed the rule' })),
  note: Nullable(Type.String()),
  notedBy: Nullable(Type.String()),
  notedAt: Nullable(Type.String()),
  explainable: Type.Boolean({ description: 'The issuer may explain it with a note' }),
  confirmable: Type.Boolean({ description: 'The issuer may confirm it (a suspected finding of a report)' }),
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
          "Only on fields an active agreement of the department grants for the license type (403 `field-not-granted` naming the field otherwise, whether or not the holder has a license). Compared with the holder's current license; each field that differs becomes a suspected finding for the issuer, counting in its scores only once the issuer confirms it or departments independent of each other report the same value. The answer is a receipt: never which fields matched, nor the license's values. At most CERTBRIDGE_QUALITY_REPORTS_PER_HOUR reports per department and hour (429). The report is in the holder's access log.",
        body: Type.Object(
          {
            type: LicenseType,
            holderCode: Type.String({ pattern: '^[0-9A-Z]{18}$', description: 'The holder (credit code or citizen id)' }),
            fields: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ minLength: 1, maxLength: 4000 }), {
              minProperties: 1,
              maxProperties: 20,
              description: 'Field name → the value the department holds, e.g. {"name": "…"}',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.Integer(), status: Type.Literal('received') }) },
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
            status: Type.Optional(Status),
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
    '/api/v1/quality/findings/:id/confirm',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Confirm a suspected finding of a department's report (the issuer): it counts in the scores from now",
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) }),
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: FindingSchema },
      },
    },
    (request) => confirmFinding(platform, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/quality/reports/dismissals',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Dismiss every suspected or open finding one department's reports raised on the issuer's licenses, in one action (the issuer)",
        description: 'They stop counting; the reports are marked dismissed and the coordination office sees the reporter in GET /api/v1/quality/reporters.',
        body: Type.Object({ department: Code('The reporting department'), reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ department: Type.String(), findings: Type.Integer(), reports: Type.Integer() }) },
      },
    },
    (request) => dismissReports(platform, principalOf(request), request.body),
  );

  app.get(
    '/api/v1/quality/reporters',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Reporting departments and how their reports fared, the flagged first (the coordination office's oversight)",
        description: 'flagged: at least five of its reports dismissed by issuers, and at least half of its mismatching ones.',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            since: Type.String(),
            items: Type.Array(
              Type.Object({
                department: Type.String(),
                name: Nullable(Type.String()),
                reports: Type.Integer(),
                mismatching: Type.Integer(),
                dismissed: Type.Integer(),
                findings: Type.Object({ suspected: Type.Integer(), open: Type.Integer(), resolved: Type.Integer(), dismissed: Type.Integer(), explained: Type.Integer() }),
                lastReportAt: Nullable(Type.String()),
                flagged: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    (request) => reportersOversight(platform, principalOf(request), request.query),
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
