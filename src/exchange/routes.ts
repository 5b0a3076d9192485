import type { OpenApiExtras } from '../platform/http/openapi.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { authenticated, clientOf, principalOf } from '../platform/auth/authenticate.ts';
import { isStaff, type StaffPrincipal } from '../platform/auth/principal.ts';
import { DomainError, forbidden } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { exchangeRuntime } from './exchangeState.ts';
import { lookupBatch, lookupLicense, MAX_BATCH } from './lookups.ts';
import { exchangeUsage, MAX_USAGE_DAYS } from './usage.ts';

/** A department's system or a person of its staff (a clerk at a counter, through the console). */
function staffOf(request: FastifyRequest): StaffPrincipal {
  const principal = principalOf(request);
  if (!isStaff(principal)) throw forbidden("this route is for departments' systems and staff");
  return principal;
}

const Counts = {
  lookups: Type.Integer({ description: 'Holder lookups recorded (each holder of a lookup or batch), whatever their outcome' }),
  allowed: Type.Integer({ description: 'Of those, the ones answered with data' }),
  deliveries: Type.Integer({ description: 'Subscribed events delivered with license data' }),
};
const Day = (description: string) => Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const UsageSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  department: Nullable(Type.String()),
  totals: Type.Object(Counts),
  days: Type.Array(Type.Object({ day: Type.String(), ...Counts })),
  departments: Type.Array(Type.Object({ code: Type.String(), name: Nullable(Type.String()), nameEn: Nullable(Type.String()), ...Counts })),
  licenseTypes: Type.Array(Type.Object({ licenseType: Type.String(), ...Counts })),
});

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
  underObjection: Type.Optional(Type.Boolean({ description: 'true while the license is under an open objection (数据异议, GET /api/v1/objections): its values are disputed; absent otherwise' })),
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
  underObjection: Type.Optional(Type.Boolean({ description: 'true while the license is under an open objection (数据异议); absent otherwise' })),
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

/**
 * The exchange's failures as this API says them: where the purpose and the type come from on the
 * wire (the X-Purpose header; the query or the body), and where to ask for a missing agreement.
 * The domain names only its own inputs (`purpose`, `type`).
 */
function onTheWire(error: unknown, typeAt: 'querystring:/type' | '/type'): unknown {
  if (!(error instanceof DomainError)) return error;
  switch (error.code) {
    case 'missing-purpose':
      return new DomainError(error.reason, error.code, 'declare the purpose of the call in the X-Purpose header: a code of GET /api/v1/purposes', { field: 'header:x-purpose', details: error.details });
    case 'unknown-purpose':
      return new DomainError(error.reason, error.code, `${error.message} (GET /api/v1/purposes)`, { field: 'header:x-purpose', details: error.details });
    case 'unknown-license-type':
      return error.withField(typeAt);
    case 'no-agreement': {
      const { resourceId = null, purpose } = error.details as { resourceId?: string | null; purpose?: string };
      return new DomainError(error.reason, error.code, `${error.message}; request one at POST /api/v1/agreements`, {
        details: { ...error.details, request: { method: 'POST', path: '/api/v1/agreements', body: { resourceId, purpose } } },
      });
    }
    default:
      return error;
  }
}

/**
 * A lookup without X-Purpose is refused by the lookup itself (`missing-purpose`, recorded like any
 * refused call), so the schema leaves the header optional and the document says it is required.
 */
const LOOKUP_DOCS: OpenApiExtras = {
  requiredHeaders: ['x-purpose'],
  limited: true,
  responseHeaders: { 'X-CertBridge-Access-Id': 'The access record of this call: the holder sees it in "who used my data", your audit quotes it' },
};

export const exchangeRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const rt = exchangeRuntime(platform);
  const authenticatedClient = authenticated(platform.tokens, ['client']);
  const authenticatedStaff = authenticated(platform.tokens, ['client', 'person']);

  app.get(
    '/api/v1/exchange/licenses/:holderCode',
    {
      preHandler: authenticatedStaff,
      config: { openapi: LOOKUP_DOCS },
      schema: {
        tags: ['exchange'],
        summary: "A holder's current license, with only the fields granted to the caller (共享交换)",
        description:
          'For a consumer department\'s systems, and its staff signed in to the console (a clerk at a counter; recorded under the person). Declare the purpose in `X-Purpose`. Allowed under an active agreement of the caller\'s department for the license type and purpose (its daily quota applies: 429 with Retry-After), or under the holder\'s authorisation. The credential verifies with the issuer\'s key (/.well-known/jwks.json) and discloses exactly the granted fields. Every call is recorded before it is answered.',
        security: [{ bearer: [] }],
        params: Type.Object({ holderCode: Type.String({ description: 'Unified social credit code (or citizen id) of the holder' }) }),
        querystring: Type.Object({ type: Type.String({ description: 'License type key (GET /api/v1/license-types)' }) }, { additionalProperties: false }),
        headers: PurposeHeader,
        response: { 200: LookupSchema },
      },
    },
    async (request, reply) => {
      const answer = await lookupLicense(rt, staffOf(request), {
        type: request.query.type,
        holderCode: request.params.holderCode,
        purpose: purposeOf(request.headers['x-purpose']),
      }).catch((error: unknown) => {
        throw onTheWire(error, 'querystring:/type');
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
      config: { openapi: LOOKUP_DOCS },
      schema: {
        tags: ['exchange'],
        summary: `Many holders' current licenses at once (up to ${MAX_BATCH}), each with only the granted fields`,
        description:
          'Per-holder results: found, not-found, invalid (not a holder code) or forbidden (no authorisation, when the call relies on holder authorisations). Under an agreement, the daily quota counts every distinct valid holder code asked for.',
        security: [{ bearer: [] }],
        headers: PurposeHeader,
        body: Type.Object(
          {
            type: Type.String({ description: 'License type key (GET /api/v1/license-types)' }),
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
      }).catch((error: unknown) => {
        throw onTheWire(error, '/type');
      });
      reply.header('cache-control', 'no-store').header('x-certbridge-access-id', answer.accessId);
      return answer;
    },
  );

  app.get(
    '/api/v1/exchange/usage',
    {
      preHandler: authenticated(platform.tokens),
      schema: {
        tags: ['exchange'],
        summary: 'Licenses read per day (China time), per consumer department and license type, counted from the audit log (用量统计)',
        description: `A consumer department sees its own usage; the coordination office any department's (department=…) or the whole platform's (no department). At most ${MAX_USAGE_DAYS} days; default the last 30.`,
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            from: Type.Optional(Day('First day, inclusive (YYYY-MM-DD, China time)')),
            to: Type.Optional(Day('Last day, inclusive (default today)')),
            department: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: "A department's credit code" })),
          },
          { additionalProperties: false },
        ),
        response: { 200: UsageSchema },
      },
    },
    (request) => exchangeUsage(platform, principalOf(request), request.query),
  );
};
