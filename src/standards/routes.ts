import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import { notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { divisions } from './divisions.ts';
import { HOLDER_CODE_TYPES } from './holderCodeTypes.ts';
import { authoriseIssuer, listIssuers, withdrawIssuer } from './issuers.ts';
import { LICENSE_TYPES, findLicenseType } from './licenseTypes.ts';

const Summary = Type.Object({
  key: Type.String(),
  version: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  typeCode: Type.String(),
  vct: Type.String(),
  href: Type.String(),
});

/** The published standards: license types with their schemas, and the code tables they use. */
const IssuerSchema = Type.Object({
  licenseType: Type.String(),
  department: Type.String(),
  departmentName: Type.Union([Type.String(), Type.Null()]),
  legalBasis: Type.String(),
  validFrom: Type.String({ format: 'date' }),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  withdrawnReason: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const TypeParams = Type.Object({ type: Type.String({ maxLength: 64, description: 'License type key, e.g. business-license' }) });

export const standardRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const summary = (t: (typeof LICENSE_TYPES)[number]) => ({
    key: t.key,
    version: t.version,
    name: t.name,
    nameEn: t.nameEn,
    typeCode: t.typeCode,
    vct: t.vct,
    href: `/api/v1/standards/license-types/${t.key}`,
  });

  app.get(
    '/api/v1/standards/license-types',
    { schema: { tags: ['standards'], summary: 'License types and the version of their standard', response: { 200: Type.Array(Summary) } } },
    () => LICENSE_TYPES.map(summary),
  );

  app.get(
    '/api/v1/standards/license-types/:key',
    {
      schema: {
        tags: ['standards'],
        summary: 'One license type: its data schema (JSON Schema 2020-12) and GB/T 36903 metadata schema',
        params: Type.Object({ key: Type.String() }),
      },
    },
    (request) => {
      const standard = findLicenseType(request.params.key);
      if (!standard) throw notFound('unknown-license-type', `no license type ${request.params.key}`);
      return { ...summary(standard), ...standard };
    },
  );

  app.get(
    '/api/v1/standards/divisions',
    { schema: { tags: ['standards'], summary: 'GB/T 2260 division codes of the province' } },
    () => divisions,
  );

  app.get(
    '/api/v1/standards/holder-code-types',
    { schema: { tags: ['standards'], summary: 'Holder code types (001 credit code, 111 citizen id)' } },
    () => Object.entries(HOLDER_CODE_TYPES).map(([code, t]) => ({ code, ...t })),
  );

  app.get(
    '/api/v1/standards/license-types/:type/issuers',
    {
      schema: {
        tags: ['standards'],
        summary: 'The authorised issuers of a license type (发证机关名录), past and present, with their legal basis (public)',
        params: TypeParams,
        response: { 200: Type.Array(IssuerSchema) },
      },
    },
    (request) => listIssuers(platform, request.params.type),
  );

  app.post(
    '/api/v1/standards/license-types/:type/issuers',
    {
      preHandler: authenticated(platform.tokens),
      schema: {
        tags: ['standards'],
        summary: 'Authorise a department to issue a license type (coordination office); recorded in the audit log',
        security: [{ bearer: [] }],
        params: TypeParams,
        body: Type.Object(
          {
            department: Type.String({ minLength: 18, maxLength: 18, description: "The department's credit code" }),
            legalBasis: Type.String({ minLength: 1, maxLength: 2000, description: 'The law or decision that makes it an issuing authority' }),
            validFrom: Type.Optional(Type.String({ format: 'date', description: 'First day (default today, China time)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: IssuerSchema },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return authoriseIssuer(platform, principalOf(request), request.params.type, request.body);
    },
  );

  app.post(
    '/api/v1/standards/license-types/:type/issuers/:department/withdraw',
    {
      preHandler: authenticated(platform.tokens),
      schema: {
        tags: ['standards'],
        summary: "End a department's authorisation to issue a license type (coordination office); its licenses issued before stay valid",
        security: [{ bearer: [] }],
        params: Type.Object({ type: TypeParams.properties.type, department: Type.String({ minLength: 18, maxLength: 18 }) }),
        body: Type.Object(
          {
            reason: Type.String({ minLength: 1, maxLength: 2000 }),
            validUntil: Type.Optional(Type.String({ format: 'date', description: 'Last day of the authorisation (default today)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: IssuerSchema },
      },
    },
    async (request) => {
      return withdrawIssuer(platform, principalOf(request), request.params.type, request.params.department, request.body);
    },
  );
};
