import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MONTH_PATTERN } from '../platform/chinaTime.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { MAX_CORRECTION_FEN, MAX_FEN_PER_RECORD, listPrices, postCorrection, readStatement, setPrice } from './index.ts';
import { MAX_REASON } from './prices.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = (description: string) => Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });
const Month = (description: string) => Type.String({ pattern: MONTH_PATTERN, description });
const Code = (description: string) => Type.String({ minLength: 1, maxLength: 18, description });
const ResourceId = Type.String({ minLength: 1, maxLength: 64, description: 'A catalog resource (GET /api/v1/catalog)' });
const Reason = Type.String({ minLength: 1, maxLength: MAX_REASON });
const Fen = (description: string) => Type.Integer({ description: `${description} (integer fen, 分)` });

const PriceSchema = Type.Object({
  id: Type.Integer(),
  resourceId: Type.String(),
  fenPerRecord: Fen('Price of one record read'),
  validFrom: Type.String({ description: 'First China day it applies, inclusive' }),
  validUntil: Nullable(Type.String({ description: 'Last China day it applies, inclusive; null: open-ended' })),
  reason: Type.String(),
  setBy: Type.String(),
  setAt: Type.String(),
  current: Type.Boolean({ description: 'The price of a record read today' }),
});

const Party = Type.Object({ code: Type.String(), name: Nullable(Type.String()), nameEn: Nullable(Type.String()) });

const StatementSchema = Type.Object({
  department: Party,
  month: Type.String(),
  opening: Fen('Balance at the start of the month: credits less debits of every earlier month'),
  debits: Fen("The month's debits"),
  credits: Fen("The month's credits"),
  closing: Fen('opening + credits − debits'),
  journals: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('lookup'), Type.Literal('correction')]),
      resourceId: Nullable(Type.String()),
      resource: Nullable(Type.Object({ title: Type.String(), titleEn: Type.String() }, { description: "The resource's titles in the catalog: what a reader reads" })),
      counterparty: Party,
      records: Type.Integer(),
      debits: Fen('Debits'),
      credits: Fen('Credits'),
      fen: Fen('Credits less debits'),
    }),
  ),
});

const CorrectionSchema = Type.Object({
  journalId: Type.Integer(),
  month: Type.String(),
  debitDepartment: Type.String(),
  creditDepartment: Type.String(),
  fen: Type.Integer(),
  resourceId: Nullable(Type.String()),
  records: Type.Integer(),
  corrects: Nullable(Type.Integer()),
  reason: Type.String(),
  at: Type.String(),
  createdBy: Type.String(),
});

/** The compensation ledger (共享补偿): prices, corrections, statements. Postings follow the audit log. */
export const ledgerRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['ledger'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/ledger/prices',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Set the price per record read of a catalog resource for a period (the coordination office)',
        description: 'Prices are never changed: a new one supersedes the older ones for the days it covers. A record is priced on the China day it was read.',
        body: Type.Object(
          {
            resourceId: ResourceId,
            fenPerRecord: Type.Integer({ minimum: 0, maximum: MAX_FEN_PER_RECORD, description: 'Integer fen (分) per record read' }),
            validFrom: Day('First China day it applies (YYYY-MM-DD), inclusive'),
            validUntil: Type.Optional(Nullable(Day('Last China day it applies, inclusive; null or absent: open-ended'))),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 201: PriceSchema },
      },
    },
    async (request, reply) => {
      const price = await setPrice(platform, principalOf(request), request.body);
      reply.status(201);
      return price;
    },
  );

  app.get(
    '/api/v1/ledger/prices',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'The history of prices, newest first (every department)',
        querystring: Type.Object({ resourceId: Type.Optional(ResourceId), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(PriceSchema) }) },
      },
    },
    (request) => listPrices(platform, principalOf(request), request.query),
  );

  app.post(
    '/api/v1/ledger/corrections',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Post a correction journal with its reason (the coordination office)',
        description: 'The ledger is append-only: a correction moves an amount from one department (debited) to another (credited).',
        body: Type.Object(
          {
            debitDepartment: Code('The department debited'),
            creditDepartment: Code('The department credited'),
            fen: Type.Integer({ minimum: 1, maximum: MAX_CORRECTION_FEN, description: 'Integer fen (分)' }),
            reason: Reason,
            month: Type.Optional(Month('The month it is posted to (YYYY-MM); default the current one')),
            resourceId: Type.Optional(Nullable(ResourceId)),
            records: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Records it stands for' })),
            corrects: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'The journal it corrects' }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: CorrectionSchema },
      },
    },
    async (request, reply) => {
      const journal = await postCorrection(platform, principalOf(request), request.body);
      reply.status(201);
      return journal;
    },
  );

  app.get(
    '/api/v1/ledger/statements',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "A department's monthly statement (月度对账单): opening, debits, credits, closing, lines per resource and counterparty",
        description: "A department its own (the default), the coordination office any department's. Month default: the current one (China time).",
        querystring: Type.Object({ department: Type.Optional(Code("A department's code")), month: Type.Optional(Month('YYYY-MM')) }, { additionalProperties: false }),
        response: { 200: StatementSchema },
      },
    },
    (request) => readStatement(platform, principalOf(request), request.query),
  );
};
