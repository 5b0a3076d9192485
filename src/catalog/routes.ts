import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { catalogDcat, readResource, registerResource, resourceVersions, reviseResource, searchResources } from './index.ts';

// Spelled out: TypeBox infers the static type of a tuple of literals, not of a mapped array.
const SharingClassSchema = Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('not-shared')], {
  description: 'unconditional 无条件共享 / conditional 有条件共享 (needs conditions) / not-shared 不予共享 (needs legalBasis)',
});
const SensitivitySchema = Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('sensitive')]);
const AccessModeSchema = Type.Union([Type.Literal('query'), Type.Literal('subscription'), Type.Literal('bulk')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Field = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Field name; for a license type, a property of its data schema' }),
    sensitivity: SensitivitySchema,
    title: Type.Optional(Type.String({ maxLength: 200 })),
    titleEn: Type.Optional(Type.String({ maxLength: 200 })),
    sharingClass: Type.Optional(
      Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('not-shared')], {
        description: "The field's own sharing class (a license type's definition sets one per field); the resource's when absent",
      }),
    ),
  },
  { additionalProperties: false },
);

const editableProperties = {
  title: Type.String({ minLength: 1, maxLength: 200, description: '资源名称' }),
  titleEn: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  descriptionEn: Type.Optional(Type.String({ maxLength: 4000 })),
  licenseType: Type.Optional(Nullable(Type.String({ description: 'The license type it exposes (GET /api/v1/standards/license-types)' }))),
  dataset: Type.Optional(Nullable(Type.String({ description: 'Key of the dataset it exposes, when it is not a license type' }))),
  fields: Type.Array(Field, { minItems: 1, maxItems: 500 }),
  sharingClass: SharingClassSchema,
  conditions: Type.Optional(Nullable(Type.String({ maxLength: 4000, description: 'Sharing conditions, in Chinese (required when conditional)' }))),
  conditionsEn: Type.Optional(Nullable(Type.String({ maxLength: 4000, description: 'The same conditions in English, for readers of the English console (kept only with conditions)' }))),
  legalBasis: Type.Optional(Nullable(Type.String({ maxLength: 4000, description: 'Legal basis (required when not-shared)' }))),
  updateCycle: Type.String({ minLength: 1, maxLength: 50, description: 'realtime, daily, weekly, monthly, quarterly, annual, irregular' }),
  accessModes: Type.Array(AccessModeSchema, { minItems: 1, maxItems: 3 }),
  serviceLevel: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'e.g. {"availability": "99.9%", "responseWorkingDays": 10}' })),
};

const CreateBody = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Stable lowercase key; defaults to the license type or dataset' })),
    ownerDepartment: Type.Optional(Type.String({ description: "Defaults to the caller's department; only the owner registers its resources" })),
    ...editableProperties,
  },
  { additionalProperties: false },
);

const UpdateMeta = {
  reason: Type.Optional(Type.String({ maxLength: 2000, description: 'What changed and why; kept with the version' })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version being edited: a stale one is refused (409 version-conflict)' })),
};
const PutBody = Type.Object({ ...editableProperties, ...UpdateMeta }, { additionalProperties: false });
const PatchBody = Type.Partial(Type.Object({ ...editableProperties, ...UpdateMeta }), { additionalProperties: false });

const ResourceProperties = {
  id: Type.String(),
  ownerDepartment: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  description: Type.String(),
  descriptionEn: Type.String(),
  licenseType: Nullable(Type.String()),
  dataset: Nullable(Type.String()),
  fields: Type.Array(Field),
  sharingClass: SharingClassSchema,
  conditions: Nullable(Type.String()),
  conditionsEn: Nullable(Type.String()),
  legalBasis: Nullable(Type.String()),
  updateCycle: Type.String(),
  accessModes: Type.Array(AccessModeSchema),
  serviceLevel: Type.Object({}, { additionalProperties: true }),
  version: Type.Integer(),
};
const ResourceSchema = Type.Object({ ...ResourceProperties, createdAt: Type.String(), updatedAt: Type.String() });

const Id = Type.Object({ id: Type.String() });

export const catalogRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const tags = ['catalog'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/catalog',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Search the data resource catalog (政务数据资源目录)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in the id, title or description (zh or en)' })),
          department: Type.Optional(Type.String({ description: "Owning department's credit code" })),
          sharingClass: Type.Optional(SharingClassSchema),
          class: Type.Optional(SharingClassSchema),
          licenseType: Type.Optional(Type.String()),
          accessMode: Type.Optional(AccessModeSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(ResourceSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
        },
      },
    },
    async (request) => {
      const { class: klass, sharingClass, limit = 50, offset = 0, ...filters } = request.query;
      const page = await searchResources(platform, principalOf(request), { ...filters, sharingClass: sharingClass ?? klass, limit, offset });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/api/v1/catalog.jsonld',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'The catalog as DCAT-AP JSON-LD (dcat:Catalog with a dcat:Dataset per resource)',
        querystring: Type.Object({ department: Type.Optional(Type.String()), sharingClass: Type.Optional(SharingClassSchema) }),
      },
    },
    async (request, reply) => reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(await catalogDcat(platform, principalOf(request), request.query))),
  );

  app.get(
    '/api/v1/catalog/:id',
    { preHandler: signedIn, schema: { tags, security, summary: 'One catalog resource', params: Id, response: { 200: ResourceSchema } } },
    (request) => readResource(platform, principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/catalog/:id/versions',
    {
      preHandler: signedIn,
      schema: {
        tags,
        security,
        summary: 'Every version of a resource, oldest first',
        params: Id,
        response: {
          200: Type.Array(
            Type.Object({
              version: Type.Integer(),
              resource: Type.Object(ResourceProperties),
              reason: Nullable(Type.String()),
              createdAt: Type.String(),
              createdBy: Type.String(),
            }),
          ),
        },
      },
    },
    (request) => resourceVersions(platform, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/catalog',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Register a resource of your department (version 1)', body: CreateBody, response: { 201: ResourceSchema } },
    },
    async (request, reply) => {
      const entry = await registerResource(platform, principalOf(request), request.body);
      reply.status(201).header('location', `/api/v1/catalog/${entry.id}`);
      return entry;
    },
  );

  const update = (request: { params: { id: string }; body: Parameters<typeof reviseResource>[3] } & Parameters<typeof principalOf>[0]) =>
    reviseResource(platform, principalOf(request), request.params.id, request.body);

  app.put(
    '/api/v1/catalog/:id',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Replace a resource (owner): the next version', params: Id, body: PutBody, response: { 200: ResourceSchema } },
    },
    (request) => update(request),
  );

  app.patch(
    '/api/v1/catalog/:id',
    {
      preHandler: signedIn,
      schema: { tags, security, summary: 'Change some properties of a resource (owner): the next version', params: Id, body: PatchBody, response: { 200: ResourceSchema } },
    },
    (request) => update(request),
  );
};

