import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MONTH_PATTERN } from '../platform/chinaTime.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { REPORT_FORMATS, monthlyReport } from './index.ts';
import { REPORT_LANGUAGES } from './labels.ts';

/** Monthly reports (月度报告) as files. */
export const reportsRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/api/v1/reports/monthly',
    {
      preHandler: authenticated(platform.tokens),
      schema: {
        tags: ['reports'],
        security: [{ bearer: [] }],
        summary: 'A monthly report (月度报告) as PDF or CSV: a department’s, or the province’s',
        description:
          'Without `department`: the province’s report for the coordination office, one’s own department’s for anyone else. Scoreboard and trend, quality, objections answered on time and the ledger (debits and credits to the fen, in yuan). In one language: Chinese, or English with `lang=en`.',
        querystring: Type.Object(
          {
            month: Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM (China time)' }),
            department: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: "A department's code" })),
            format: Type.Optional(Type.Union(REPORT_FORMATS.map((f) => Type.Literal(f)), { default: 'pdf' })),
            lang: Type.Optional(Type.Union(REPORT_LANGUAGES.map((l) => Type.Literal(l)), { default: 'zh', description: 'the one language of the file: zh (Chinese) or en (English)' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const file = await monthlyReport(platform, principalOf(request), { month: request.query.month, department: request.query.department, format: request.query.format ?? 'pdf', lang: request.query.lang ?? 'zh' });
      reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('cache-control', 'private, no-store');
      return reply.send(file.body);
    },
  );
};
