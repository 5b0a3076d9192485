import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MONTH_PATTERN } from '../platform/chinaTime.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { INDICATORS, MAX_TREND_MONTHS, listWeights, readScoreboard, readTrend, setWeights } from './index.ts';
import { MAX_WEIGHT } from './scoring.ts';
import { MAX_REASON } from './weights.ts';

const Month = (description: string) => Type.String({ pattern: MONTH_PATTERN, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Mark = Nullable(Type.Number({ description: '0–100; null when the indicator does not apply to the department that month' }));
const WeightsSchema = Type.Object(Object.fromEntries(INDICATORS.map((k) => [k, Type.Integer({ minimum: 0, maximum: MAX_WEIGHT })])));

const WeightsRecordSchema = Type.Object({
  id: Type.Integer(),
  weights: WeightsSchema,
  validFrom: Type.String({ description: 'First month it applies (YYYY-MM)' }),
  reason: Type.String(),
  setBy: Type.String(),
  setAt: Type.String(),
});

const DepartmentSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  score: Nullable(Type.Number({ description: 'Weighted mean of the marks that apply, 0–100, one decimal' })),
  rank: Nullable(Type.Integer({ description: 'Competition rank (1, 2, 2, 4); null without a score' })),
  marks: Type.Object(Object.fromEntries(INDICATORS.map((k) => [k, Mark]))),
  figures: Type.Object({
    catalog: Type.Object({ published: Type.Integer(), unconditional: Type.Integer(), conditional: Type.Integer(), notShared: Type.Integer() }),
    requests: Type.Object({ due: Type.Integer(), answered: Type.Integer(), onTime: Type.Integer(), medianHoursToAnswer: Nullable(Type.Number()) }),
    lookups: Type.Object({ served: Type.Integer(), consumed: Type.Integer(), requestedAccess: Type.Boolean() }),
    quality: Nullable(Type.Number()),
    objections: Type.Object({ due: Type.Integer(), answered: Type.Integer(), onTime: Type.Integer(), open: Type.Integer() }),
    deliveries: Type.Object({ delivered: Type.Integer(), failed: Type.Integer() }),
  }),
});

/** Departmental evaluation (考核): the scoreboard, its trend and the weights. */
export const evaluationRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['evaluation'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/evaluation/scoreboard',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'The scoreboard of a month (考核排名): every department’s marks, score and rank, best first',
        description:
          'Computed from the sequenced audit log and the records of the catalog, agreements, quality, objections and deliveries. A closed month is computed once per set of weights; the current month is provisional.',
        querystring: Type.Object({ month: Type.Optional(Month('YYYY-MM; default the current month (China time)')) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            month: Type.String(),
            provisional: Type.Boolean(),
            computedAt: Type.String(),
            tookMs: Type.Integer(),
            weights: WeightsRecordSchema,
            departments: Type.Array(DepartmentSchema),
          }),
        },
      },
    },
    (request) => readScoreboard(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/evaluation/trend',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Scores and ranks of the last months, oldest first (for a trend chart)',
        querystring: Type.Object(
          { to: Type.Optional(Month('Last month shown; default the current one')), months: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TREND_MONTHS, default: 6 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            months: Type.Array(Type.Object({ month: Type.String(), departments: Type.Array(Type.Object({ code: Type.String(), score: Nullable(Type.Number()), rank: Nullable(Type.Integer()) })) })),
          }),
        },
      },
    },
    (request) => readTrend(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/evaluation/weights',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Every set of weights, newest first (kept with their history)', response: { 200: Type.Object({ items: Type.Array(WeightsRecordSchema) }) } },
    },
    (request) => listWeights(platform, principalOf(request)),
  );

  app.post(
    '/api/v1/evaluation/weights',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Set the weights of the indicators from a month on (the coordination office)',
        description: `Indicators: ${INDICATORS.join(', ')}. Those left out keep their weight.`,
        body: Type.Object(
          {
            weights: Type.Record(Type.String({ maxLength: 40 }), Type.Integer({ minimum: 0, maximum: MAX_WEIGHT }), { maxProperties: INDICATORS.length }),
            validFrom: Month('First month it applies'),
            reason: Type.String({ minLength: 1, maxLength: MAX_REASON }),
          },
          { additionalProperties: false },
        ),
        response: { 201: WeightsRecordSchema },
      },
    },
    async (request, reply) => {
      const record = await setWeights(platform, principalOf(request), request.body);
      reply.status(201);
      return record;
    },
  );
};
