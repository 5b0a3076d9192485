import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { authorisationsOf, authorise, MIN_PASSWORD_LENGTH, openHolderAccount, readAuthorisation, revoke, signInHolder } from './index.ts';

const HolderCode = Type.String({ description: 'Holder code: unified social credit code (GB 32100) or citizen id', minLength: 18, maxLength: 18 });

const AuthorisationSchema = Type.Object({
  id: Type.String(),
  holderCode: Type.String(),
  type: Type.String(),
  grantee: Type.Union([Type.Object({ department: Type.String() }), Type.Object({ clientId: Type.String() })]),
  purpose: Type.String(),
  fields: Type.Array(Type.String()),
  validUntil: Type.String({ format: 'date-time' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedReason: Type.Union([Type.String(), Type.Null()]),
});

const HolderParams = Type.Object({ holderCode: HolderCode });
const AuthorisationParams = Type.Object({ holderCode: HolderCode, id: Type.String() });


export const holdersRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const anyPrincipal = authenticated(platform.tokens);

  app.post(
    '/api/v1/holders/accounts',
    {
      preHandler: anyPrincipal,
      schema: {
        tags: ['holders'],
        summary: "Open a holder's account (an issuing department of its licenses, or the coordination office)",
        description:
          'A stand-in for identity proofing until the console adds the full holder login: the department that registered the enterprise opens its account and hands it the initial password out of band.',
        security: [{ bearer: [] }],
        body: Type.Object(
          { holderCode: HolderCode, password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ accountId: Type.String(), holderCode: Type.String(), createdAt: Type.String({ format: 'date-time' }) }) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return openHolderAccount(platform, principalOf(request), request.body);
    },
  );

  app.post(
    '/api/v1/holders/login',
    {
      schema: {
        tags: ['holders'],
        summary: 'A holder signs in with its holder code and password → a short-lived access token',
        body: Type.Object({ holderCode: HolderCode, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), holderCode: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const { accessToken, expiresIn, holderCode } = await signInHolder(platform, request.body, request.ip);
      reply.header('cache-control', 'no-store');
      return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: expiresIn, holderCode };
    },
  );

  app.post(
    '/api/v1/holders/:holderCode/authorisations',
    {
      preHandler: anyPrincipal,
      schema: {
        tags: ['holders'],
        summary: 'The holder authorises a department or one of its systems to read its license for a purpose until a date (授权)',
        description:
          'The exchange honours an active authorisation without a department agreement. `fields` defaults to every field of the license type; `validUntil` is a date (valid through that day, Asia/Shanghai) or an RFC 3339 date-time.',
        security: [{ bearer: [] }],
        params: HolderParams,
        body: Type.Object(
          {
            grantee: Type.Object(
              {
                department: Type.Optional(Type.String({ description: "The department's credit code: all its systems" })),
                clientId: Type.Optional(Type.String({ description: 'One system' })),
              },
              { additionalProperties: false },
            ),
            purpose: Type.String({ description: 'A purpose code of GET /api/v1/purposes' }),
            type: Type.Optional(Type.String({ maxLength: 64, description: 'License type; may be left out by a holder of one type of license' })),
            fields: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 100 })),
            validUntil: Type.String({ description: 'YYYY-MM-DD or an RFC 3339 date-time' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: AuthorisationSchema },
      },
    },
    async (request, reply) => {
      const granted = await authorise(platform, principalOf(request), request.params.holderCode, request.body);
      reply.status(201).header('location', `/api/v1/holders/${granted.holderCode}/authorisations/${granted.id}`);
      return granted;
    },
  );

  app.get(
    '/api/v1/holders/:holderCode/authorisations',
    {
      preHandler: anyPrincipal,
      schema: {
        tags: ['holders'],
        summary: "The holder's authorisations, newest first (the holder, or the coordination office)",
        security: [{ bearer: [] }],
        params: HolderParams,
        response: { 200: Type.Array(AuthorisationSchema) },
      },
    },
    (request) => authorisationsOf(platform, principalOf(request), request.params.holderCode),
  );

  app.get(
    '/api/v1/holders/:holderCode/authorisations/:id',
    {
      preHandler: anyPrincipal,
      schema: { tags: ['holders'], summary: 'One authorisation', security: [{ bearer: [] }], params: AuthorisationParams, response: { 200: AuthorisationSchema } },
    },
    (request) => readAuthorisation(platform, principalOf(request), request.params.holderCode, request.params.id),
  );

  app.post(
    '/api/v1/holders/:holderCode/authorisations/:id/revoke',
    {
      preHandler: anyPrincipal,
      schema: {
        tags: ['holders'],
        summary: 'The holder revokes an authorisation: the exchange stops honouring it at once',
        security: [{ bearer: [] }],
        params: AuthorisationParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: AuthorisationSchema },
      },
    },
    (request) => revoke(platform, principalOf(request), request.params.holderCode, request.params.id, request.body.reason),
  );

  app.delete(
    '/api/v1/holders/:holderCode/authorisations/:id',
    {
      preHandler: anyPrincipal,
      schema: { tags: ['holders'], summary: 'Revoke an authorisation (idempotent)', security: [{ bearer: [] }], params: AuthorisationParams },
    },
    async (request, reply) => {
      await revoke(platform, principalOf(request), request.params.holderCode, request.params.id, undefined, true);
      return reply.status(204).send();
    },
  );
};
