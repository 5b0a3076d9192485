import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, clientOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { exchangeRuntime } from './exchangeState.ts';
import { lookupBatch, lookupLicense, MAX_BATCH } from './lookups.ts';

const LicenseStatus = Type.Union([Type.Literal('valid'), Type.Literal('suspended'), Type.Literal('revoked'), Type.Literal('cancelled'), Type.Literal('expired')]);
const Fields = Type.Object({}, { additionalProperties: true, description: 'The granted fields, with the values disclosed in the credential' });
const Basis = Type.Object({
  kind: Type.Union([Type.Literal('agreement'), Type.Literal('authorisation')]),
  ids: Type.Array(Type.String(), { description: 'The agreement, or the holder authorisations, that allowed it' }),
});

const LookupSchema = Type.Object({
  holderCode: Type.String(),
  type: Type.String(),
  identifier: Type.String({ description: 'GB/T 36904 identifier of the current version' }),
  version: Type.Integer(),
  status: LicenseStatus,
  credential: Type.String({ description: 'SD-JWT VC signed by the issuer, presented with only the granted disclosures' }),
  fields: Fields,
  purpose: Type.String(),
  basis: Basis,
  accessId: Type.String({ description: 'The access record of this call' }),
});

// One object shape for every per-holder result (a union would make serialisation try each branch).
const BatchResultSchema = Type.Object({
  holderCode: Type.String(),
  result: Type.Union([Type.Literal('found'), Type.Literal('not-found'), Type.Literal('invalid'), Type.Literal('forbidden')]),
  type: Type.Optional(Type.String()),
  identifier: Type.Optional(Type.String()),
  version: Type.Optional(Type.Integer()),
  status: Type.Optional(LicenseStatus),
  credential: Type.Optional(Type.String()),
  fields: Type.Optional(Fields),
  problem: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
});

const BatchSchema = Type.Object({
  type: Type.String(),
  purpose: Type.String(),
  accessId: Type.String(),
  basis: Basis,
  summary: Type.Object({ found: Type.Integer(), notFound: Type.Integer(), invalid: Type.Integer(), forbidden: Type.Integer() }),
  results: Type.Array(BatchResultSchema),
});

const PurposeHeader = Type.Object(
  { 'x-purpose': Type.Optional(Type.String({ description: 'Purpose code of the call (GET /api/v1/purposes), e.g. tax-administration' })) },
  { additionalProperties: true },
);

const purposeOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export const exchangeRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const rt = exchangeRuntime(platform);
  const authenticatedClient = authenticated(platform.tokens, ['client']);

  app.get(
    '/api/v1/exchange/licenses/:holderCode',
    {
      preHandler: authenticatedClient,
      schema: {
        tags: ['exchange'],
        summary: "A holder's current license, with only the fields granted to the caller (共享交换)",
        description:
          'Declare the purpose in `X-Purpose`. Allowed under an active agreement of the caller\'s department for the license type and purpose (its daily quota applies: 429 with Retry-After), or under the holder\'s authorisation. The credential verifies with the issuer\'s key (/.well-known/jwks.json) and discloses exactly the granted fields. Every call is recorded before it is answered.',
        security: [{ bearer: [] }],
        params: Type.Object({ holderCode: Type.String({ description: 'Unified social credit code (or citizen id) of the holder' }) }),
        querystring: Type.Object({ type: Type.String({ description: 'License type, e.g. business-license' }) }, { additionalProperties: false }),
        headers: PurposeHeader,
        response: { 200: LookupSchema },
      },
    },
    async (request, reply) => {
      const answer = await lookupLicense(rt, clientOf(request), {
        type: request.query.type,
        holderCode: request.params.holderCode,
        purpose: purposeOf(request.headers['x-purpose']),
      });
      reply.header('cache-control', 'no-store').header('x-certbridge-access-id', answer.accessId);
      return answer;
    },
  );

  // A literal colon in a static path is written `::` (find-my-way).
  app.post(
    '/api/v1/exchange/licenses::batch',
    {
      preHandler: authenticatedClient,
      schema: {
        tags: ['exchange'],
        summary: `Many holders' current licenses at once (up to ${MAX_BATCH}), each with only the granted fields`,
        description:
          'Per-holder results: found, not-found, invalid (not a holder code) or forbidden (no authorisation, when the call relies on holder authorisations). Under an agreement, the daily quota counts every distinct valid holder code asked for.',
        security: [{ bearer: [] }],
        headers: PurposeHeader,
        body: Type.Object(
          {
            type: Type.String({ description: 'License type, e.g. business-license' }),
            holders: Type.Array(Type.String(), { minItems: 1, maxItems: MAX_BATCH }),
          },
          { additionalProperties: false },
        ),
        response: { 200: BatchSchema },
      },
    },
    async (request, reply) => {
      const answer = await lookupBatch(rt, clientOf(request), {
        type: request.body.type,
        holders: request.body.holders,
        purpose: purposeOf(request.headers['x-purpose']),
      });
      reply.header('cache-control', 'no-store').header('x-certbridge-access-id', answer.accessId);
      return answer;
    },
  );

};
