import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, authenticatedIfPresent, principalOf } from '../platform/auth/authenticate.ts';
import { notFound } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { divisions } from './divisions.ts';
import { HOLDER_CODE_TYPES } from './holderCodeTypes.ts';
import { authoriseIssuer, listIssuers, withdrawIssuer } from './issuers.ts';
import { checkNumberOfType } from './numberOfType.ts';
import { compileLicenseType, definitionSchema, type LicenseTypeStandard } from './licenseType.ts';
import { findLicenseType, licenseTypeRegistry } from './licenseTypes.ts';
import { draftLicenseType, licenseTypeHistory, licenseTypeVersion, listLicenseTypes, publishLicenseType } from './typePublishing.ts';

const Summary = Type.Object({
  key: Type.String(),
  version: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  typeCode: Type.String(),
  vct: Type.String(),
  href: Type.String(),
});

const Open = { additionalProperties: true } as const;
const Label = Type.Object({ name: Type.String(), nameEn: Type.String() });
const DisplayEntry = Type.Object({
  field: Type.Optional(Type.String()),
  range: Type.Optional(Type.Array(Type.String(), { description: 'The first and the last field of a range printed as one' })),
  title: Type.Optional(Type.String()),
  titleEn: Type.Optional(Type.String()),
  placement: Type.Optional(Type.Union([Type.Literal('left'), Type.Literal('right'), Type.Literal('full')])),
});
/** A data field's JSON Schema: what the console reads of it named, the rest of JSON Schema kept as is. */
const FieldSchema = Type.Object(
  {
    title: Type.Optional(Type.String()),
    'x-title-en': Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    format: Type.Optional(Type.String()),
    type: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    enum: Type.Optional(Type.Array(Type.Unknown())),
    maxLength: Type.Optional(Type.Integer()),
  },
  Open,
);

/** One license type's runtime standard as served (src/standards/licenseType.ts `LicenseTypeStandard` without the document as published). */
const StandardView = Type.Object(
  {
    ...Summary.properties,
    legalBasis: Type.Union([Type.String(), Type.Null()]),
    dataSchema: Type.Object({ properties: Type.Record(Type.String(), FieldSchema), required: Type.Optional(Type.Array(Type.String())) }, Open),
    metadataSchema: Type.Object({}, Open),
    lifecycle: Type.Record(Type.String(), Label),
    publicFields: Type.Array(Type.String()),
    holder: Type.Object({
      codeTypes: Type.Array(Type.String()),
      nameField: Type.Optional(Type.String()),
      codeTitle: Type.String({ description: "What the holder's code is called (统一社会信用代码, 公民身份号码, 组织机构代码)" }),
      codeTitleEn: Type.String(),
    }),
    number: Type.Optional(Type.Object({ field: Type.String(), pattern: Type.Optional(Type.String()) }, Open)),
    validity: Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }),
    issueDate: Type.Optional(Type.String()),
    defaults: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
    issuers: Type.Array(Type.Object({ department: Type.String(), legalBasis: Type.String() })),
    sharing: Type.Record(Type.String(), Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('none')])),
    quality: Type.Array(Type.Object({}, Open)),
    display: Type.Object({
      title: Type.String(),
      titleEn: Type.String(),
      number: Type.String({ description: 'A data field, or "$holderCode"' }),
      numberTitle: Type.String(),
      numberTitleEn: Type.String(),
      fields: Type.Array(DisplayEntry),
      footer: Type.Array(Type.String()),
    }),
  },
  Open,
);

const summary = (t: LicenseTypeStandard) => ({
  key: t.key,
  version: t.version,
  name: t.name,
  nameEn: t.nameEn,
  typeCode: t.typeCode,
  vct: t.vct,
  href: `/api/v1/standards/license-types/${t.key}`,
});

/** A runtime standard as the API serves it: its summary and everything but the document it was compiled from. */
function servedStandard(standard: LicenseTypeStandard) {
  const { definition: _definition, ...served } = standard;
  return { ...summary(standard), ...served, publicFields: [...served.publicFields] };
}

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

const TypeParams = Type.Object({ type: Type.String({ maxLength: 64, description: 'License type key (GET /api/v1/license-types)' }) });

const TypeKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', description: 'License type key, lower-case kebab' });
const VersionParam = Type.String({ minLength: 5, maxLength: 20, pattern: '^\\d{1,6}\\.\\d{1,6}\\.\\d{1,6}$', description: 'Semantic version, e.g. 1.0.0' });

const VersionView = Type.Object({
  key: Type.String(),
  version: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  name: Type.String(),
  nameEn: Type.String(),
  typeCode: Type.String(),
  vct: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  publishedBy: Type.Union([Type.String(), Type.Null()]),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const NumberCheck = Type.Object({
  valid: Type.Boolean(),
  normalised: Type.String({ description: 'The number as the platform reads it: full-width as half-width, spaces dropped, letters upper-cased' }),
  problems: Type.Array(
    Type.Object({
      code: Type.String({ description: 'empty, length, pattern, character, part, division, check-character (or a holder code rule for types numbered by the holder code)' }),
      message: Type.String(),
      messageZh: Type.String(),
      at: Type.Optional(Type.Integer({ description: 'Position in the normalised number, from 0' })),
    }),
  ),
});

export const standardRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/api/v1/standards/license-types',
    { schema: { tags: ['standards'], summary: 'License types and the version of their standard', response: { 200: Type.Array(Summary) } } },
    () => listLicenseTypes(platform).map(summary),
  );

  app.get(
    '/api/v1/standards/license-types/:key',
    {
      schema: {
        tags: ['standards'],
        summary: 'One license type: its data schema (JSON Schema 2020-12) and GB/T 36903 metadata schema',
        params: Type.Object({ key: Type.String() }),
        response: { 200: StandardView },
      },
    },
    (request) => {
      const standard = findLicenseType(platform, request.params.key);
      if (!standard) throw notFound('unknown-license-type', `no license type ${request.params.key}`);
      return servedStandard(standard);
    },
  );

  app.get(
    '/api/v1/standards/divisions',
    { schema: { tags: ['standards'], summary: 'GB/T 2260 division codes of the province' } },
    () => divisions,
  );

  app.get(
    '/api/v1/standards/holder-code-types',
    {
      schema: {
        tags: ['standards'],
        summary: 'Holder code types (001 credit code, 111 citizen id)',
        response: { 200: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() })) },
      },
    },
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

  // ── License types as data (docs/license-types.md) ──

  app.get(
    '/api/v1/license-types/definition-schema',
    { schema: { tags: ['license-types'], summary: 'The JSON Schema (2020-12) of a license type definition', security: [] } },
    () => definitionSchema,
  );

  app.get(
    '/api/v1/license-types',
    {
      schema: {
        tags: ['license-types'],
        summary: 'The license types the platform serves: the newest published version of each (public)',
        security: [],
        response: { 200: Type.Array(Type.Intersect([Summary, Type.Object({ publishedAt: Type.Union([Type.String(), Type.Null()]) })])) },
      },
    },
    async () => {
      const types = listLicenseTypes(platform);
      const published = new Map((await Promise.all(types.map((t) => licenseTypeHistory(platform, undefined, t.key)))).flat().map((v) => [`${v.key}@${v.version}`, v.publishedAt]));
      return types.map((t) => ({ ...summary(t), href: `/api/v1/license-types/${t.key}`, publishedAt: published.get(`${t.key}@${t.version}`) ?? null }));
    },
  );

  app.post(
    '/api/v1/license-types',
    {
      preHandler: authenticated(platform.tokens),
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['license-types'],
        summary: 'Draft a license type version (coordination office); a definition that does not validate is refused with every error by JSON pointer',
        description: 'The body is the definition itself (its schema: GET /api/v1/license-types/definition-schema). A draft of the same key and version is replaced; a published version is never changed (409). A 400 carries `errors: [{pointer, message}]`.',
        security: [{ bearer: [] }],
        body: Type.Unknown(),
        response: { 201: VersionView },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return draftLicenseType(platform, principalOf(request), request.body);
    },
  );

  app.post(
    '/api/v1/license-types/:key/versions/:version/publish',
    {
      preHandler: authenticated(platform.tokens),
      schema: {
        tags: ['license-types'],
        summary: 'Publish a drafted version (coordination office): its issuers are authorised, its catalog resource created, every process serves it at once',
        security: [{ bearer: [] }],
        params: Type.Object({ key: TypeKey, version: VersionParam }),
        response: { 200: VersionView },
      },
    },
    (request) => publishLicenseType(platform, principalOf(request), request.params.key, request.params.version),
  );

  app.get(
    '/api/v1/license-types/:key',
    {
      preHandler: authenticatedIfPresent(platform.tokens),
      schema: {
        tags: ['license-types'],
        summary: 'A license type: its current definition (the newest published version) and its history (drafts only for the coordination office)',
        security: [],
        params: Type.Object({ key: TypeKey }),
        response: {
          200: Type.Object(
            { key: Type.String(), current: Type.Union([VersionView, Type.Null()]), history: Type.Array(VersionView) },
            { additionalProperties: true, description: "The current version's definition, its properties alongside key, current and history (none while only drafts exist)" },
          ),
        },
      },
    },
    async (request) => {
      const history = await licenseTypeHistory(platform, request.principal, request.params.key);
      const current = findLicenseType(platform, request.params.key);
      if (!current && history.length === 0) throw notFound('unknown-license-type', `no license type ${request.params.key}`);
      const currentView = current ? history.find((v) => v.version === current.version) : undefined;
      return { ...(current?.definition ?? {}), key: request.params.key, current: currentView ?? null, history };
    },
  );

  app.get(
    '/api/v1/license-types/:key/versions/:version',
    {
      preHandler: authenticatedIfPresent(platform.tokens),
      schema: {
        tags: ['license-types'],
        summary: 'One version of a license type: its definition as drafted or published, and the standard it compiles to (a draft\'s preview)',
        security: [],
        params: Type.Object({ key: TypeKey, version: VersionParam }),
        response: { 200: Type.Object({ ...VersionView.properties, definition: Type.Object({}, Open), standard: StandardView }) },
      },
    },
    async (request) => {
      const { view, definition } = await licenseTypeVersion(platform, request.principal, request.params.key, request.params.version);
      // The console previews a draft as the platform will print it: the display's defaults are the platform's, applied here.
      return { ...view, definition, standard: servedStandard(compileLicenseType(definition)) };
    },
  );

  app.get(
    '/api/v1/license-types/:key/numbers/:number',
    {
      config: { rateLimit: { max: platform.config.verifyRatePerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['license-types'],
        summary: "Check a license number against its type's rule without issuing (public, rate-limited)",
        description: 'For a type without a number of its own, the value is checked as a holder code of the kinds the type accepts.',
        security: [],
        params: Type.Object({ key: TypeKey, number: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: NumberCheck },
      },
    },
    (request) => {
      const standard = licenseTypeRegistry(platform).find(request.params.key);
      if (!standard) throw notFound('unknown-license-type', `no license type ${request.params.key}`);
      return checkNumberOfType(standard, request.params.number);
    },
  );
};
