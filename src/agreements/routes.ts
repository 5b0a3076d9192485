import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { invalid } from '../platform/errors.ts';
import {
  AGREEMENT_STATUSES,
  addComment,
  appealAgreement,
  changeAgreementStatus,
  decideAgreement,
  decideAppeal,
  listAgreements,
  listComments,
  readAgreement,
  submitAgreement,
  type AgreementStatus,
} from './agreements.ts';
import { PURPOSES } from './purposes.ts';
import { agreementStatistics } from './statistics.ts';
import { namedAgreement, namedAgreements } from './names.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
// Spelled out: TypeBox infers the static type of a literal tuple union, not of a mapped array.
const Status = Type.Union([
  Type.Literal('submitted'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('escalated'),
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
  Type.Literal('suspended'),
]);
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const AgreementSchema = Type.Object({
  id: Type.String(),
  status: Status,
  resourceId: Type.String(),
  resourceTitle: Type.String(),
  licenseType: Nullable(Type.String()),
  sharingClass: Type.String(),
  ownerDepartment: Type.String(),
  consumerDepartment: Type.String(),
  requestedBy: Type.String(),
  requestedByName: Nullable(Type.String({ description: 'The name the requester goes by: a person’s (null for a department’s system)' })),
  purpose: Type.String(),
  purposeDescription: Type.String(),
  legalBasis: Type.String(),
  fields: Type.Array(Type.String(), { description: 'The fields granted once approved; the fields asked for until then' }),
  requestedFields: Type.Array(Type.String()),
  grantedFields: Nullable(Type.Array(Type.String())),
  expectedDailyVolume: Type.Integer(),
  validUntil: Type.String(),
  submittedAt: Type.String(),
  dueDate: Nullable(Type.String({ description: 'Last working day for the answer (China time)' })),
  dueAt: Nullable(Type.String({ description: 'The moment the request becomes overdue' })),
  overdue: Type.Boolean(),
  escalatedAt: Nullable(Type.String()),
  decision: Nullable(
    Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]), reason: Nullable(Type.String()), decidedBy: Type.String(), decidedByName: Nullable(Type.String()), decidedAt: Type.String() }),
  ),
  appeal: Nullable(
    Type.Object({
      status: Type.Union([Type.Literal('pending'), Type.Literal('upheld'), Type.Literal('overturned')]),
      reason: Type.String(),
      appealedAt: Type.String(),
      decidedAt: Nullable(Type.String()),
      decidedBy: Nullable(Type.String()),
      decidedByName: Nullable(Type.String()),
      decisionReason: Nullable(Type.String()),
    }),
  ),
  statusReason: Nullable(Type.String()),
  updatedAt: Type.String(),
  history: Type.Optional(
    Type.Array(
      Type.Object({
        event: Type.String(),
        status: Status,
        actor: Type.String(),
        actorName: Nullable(Type.String()),
        actorDepartment: Nullable(Type.String()),
        reason: Nullable(Type.String()),
        data: Nullable(Type.Object({}, { additionalProperties: true })),
        at: Type.String(),
      }),
    ),
  ),
});

const CommentSchema = Type.Object({
  id: Type.String(),
  agreementId: Type.String(),
  author: Type.String(),
  authorDepartment: Type.String(),
  body: Type.String(),
  createdAt: Type.String(),
});

const Id = Type.Object({ id: Type.String() });
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });
const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    reason: Type.Optional(Type.String({ maxLength: 4000, description: 'Required to reject' })),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'Fields granted: some of those asked for (default: all of them)' })),
  },
  { additionalProperties: false },
);

export const agreementRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['agreements'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/purposes',
    {
      schema: {
        tags,
        summary: 'The controlled list of purposes (共享用途); the code travels in X-Purpose',
        response: { 200: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() })) },
      },
    },
    () => [...PURPOSES],
  );

  app.post(
    '/api/v1/agreements',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Ask for a catalog resource (共享申请): granted at once when unconditional, otherwise answered within 10 working days',
        body: Type.Object(
          {
            resourceId: Type.String({ minLength: 1 }),
            purpose: Type.String({ minLength: 1, description: 'A code of GET /api/v1/purposes' }),
            purposeDescription: Type.String({ minLength: 1, maxLength: 4000 }),
            legalBasis: Type.String({ minLength: 1, maxLength: 4000 }),
            fields: Type.Array(Type.String(), { minItems: 1, maxItems: 500 }),
            expectedDailyVolume: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
            validUntil: Type.String({ pattern: DATE, description: 'Last day of the term (YYYY-MM-DD)' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: AgreementSchema },
      },
    },
    async (request, reply) => {
      const agreement = await namedAgreement(platform, submitAgreement(platform, principalOf(request), request.body));
      reply.status(201).header('location', `/api/v1/agreements/${agreement.id}`);
      return agreement;
    },
  );

  app.get(
    '/api/v1/agreements',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "Agreements you may see: your department's requests and those for its resources (everything, for the coordination office)",
        querystring: Type.Object({
          status: Type.Optional(Type.Array(Type.String(), { description: 'One or more statuses (repeat, or comma-separated)' })),
          overdue: Type.Optional(Type.Boolean()),
          resourceId: Type.Optional(Type.String()),
          purpose: Type.Optional(Type.String()),
          role: Type.Optional(Type.Union([Type.Literal('consumer'), Type.Literal('owner')])),
          department: Type.Optional(Type.String({ description: 'Where this department is a party' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(AgreementSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
      },
    },
    async (request) => {
      const { status, limit = 50, offset = 0, ...filters } = request.query;
      const statuses = (status ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      for (const s of statuses) {
        if (!(AGREEMENT_STATUSES as readonly string[]).includes(s)) {
          throw invalid('validation-failed', `status must be some of ${AGREEMENT_STATUSES.join(', ')}`, 'querystring:/status');
        }
      }
      const page = await listAgreements(platform.store, principalOf(request), { ...filters, status: statuses as AgreementStatus[], limit, offset });
      return { ...page, items: await namedAgreements(platform, page.items), limit, offset };
    },
  );

  const DepartmentFigure = Type.Object({ code: Type.String(), name: Nullable(Type.String()), nameEn: Nullable(Type.String()), active: Type.Integer(), total: Type.Integer() });
  app.get(
    '/api/v1/agreements/statistics',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Figures of sharing for the coordination office: agreements per status, overdue, escalated, pending appeals, top providers and consumers, requests per day',
        response: {
          200: Type.Object({
            at: Type.String(),
            total: Type.Integer(),
            byStatus: Type.Object(Object.fromEntries(AGREEMENT_STATUSES.map((s) => [s, Type.Integer()]))),
            overdue: Type.Integer({ description: 'As GET /api/v1/agreements?overdue=true counts them' }),
            escalated: Type.Integer(),
            appealsPending: Type.Integer(),
            topProviders: Type.Array(DepartmentFigure, { description: 'Owner departments with the most agreements in force' }),
            topConsumers: Type.Array(DepartmentFigure, { description: 'Consumer departments with the most agreements in force' }),
            submittedPerDay: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() }), { description: 'The last 30 days, China time' }),
          }),
        },
      },
    },
    (request) => agreementStatistics(platform, principalOf(request)),
  );

  app.get(
    '/api/v1/agreements/:id',
    { preHandler: signedIn, schema: { tags, security, summary: 'One agreement with its history', params: Id, response: { 200: AgreementSchema } } },
    (request) => namedAgreement(platform, readAgreement(platform.store, principalOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/agreements/:id/decision',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary:
          "The owner's answer: approve (possibly fewer fields than asked; the agreement is active at once) or reject (with a reason). The coordination office decides escalated requests here too, and appeals (as /appeal-decision)",
        params: Id,
        body: DecisionBody,
        response: { 200: AgreementSchema },
      },
    },
    (request) => namedAgreement(platform, decideAgreement(platform, principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/agreements/:id/appeal',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Appeal a rejection to the coordination office (consumer; once)', params: Id, body: Reason, response: { 200: AgreementSchema } },
    },
    (request) => namedAgreement(platform, appealAgreement(platform, principalOf(request), request.params.id, request.body.reason)),
  );

  app.post(
    '/api/v1/agreements/:id/appeal-decision',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: "The coordination office's final decision on an appeal: approve overturns the rejection, reject upholds it",
        params: Id,
        body: DecisionBody,
        response: { 200: AgreementSchema },
      },
    },
    (request) => namedAgreement(platform, decideAppeal(platform, principalOf(request), request.params.id, request.body)),
  );

  const changes = [
    ['revoke', 'Revoke an agreement (owner): access stops at once'],
    ['suspend', 'Suspend an agreement (owner or coordination office): access stops until reinstated'],
    ['reinstate', 'Reinstate a suspended agreement (owner or coordination office)'],
  ] as const;
  for (const [change, summary] of changes) {
    app.post(
      `/api/v1/agreements/:id/${change}`,
      { preHandler: signedIn, schema: { tags, security, summary, params: Id, body: Reason, response: { 200: AgreementSchema } } },
      (request) => namedAgreement(platform, changeAgreementStatus(platform, principalOf(request), request.params.id, change, request.body.reason)),
    );
  }

  app.get(
    '/api/v1/agreements/:id/comments',
    { preHandler: signedIn, schema: { tags, security, summary: 'The comment thread of a request, oldest first', params: Id, response: { 200: Type.Array(CommentSchema) } } },
    (request) => listComments(platform.store, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/agreements/:id/comments',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Add to the comment thread; the other parties are notified',
        params: Id,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 8000 }) }, { additionalProperties: false }),
        response: { 201: CommentSchema },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return addComment(platform, principalOf(request), request.params.id, request.body.body);
    },
  );
};
