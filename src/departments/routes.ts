import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { tokenRoutes } from './tokenRoutes.ts';
import { ROLES, createClient, disableClient, enableClient, getDepartment, listDepartments, listSystems, registerDepartment, rotateClientSecret, systemRecord } from './index.ts';

const DepartmentSchema = Type.Object(
  {
    code: Type.String({ description: 'Unified social credit code of the department', minLength: 18, maxLength: 18 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    level: Type.Union([Type.Literal('national'), Type.Literal('province'), Type.Literal('prefecture'), Type.Literal('county')]),
    region: Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 division code' }),
  },
  { additionalProperties: false },
);

const ClientSchema = Type.Object({
  clientId: Type.String(),
  departmentCode: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
});

export const departmentRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  // The facades decide who may (the policy module): any signed-in principal reaches them.
  const anyone = authenticated(platform.tokens);
  const db = platform.store;
  await app.register(tokenRoutes, { platform });

  app.get(
    '/api/v1/departments',
    { schema: { tags: ['departments'], summary: 'List the departments on the platform', response: { 200: Type.Array(DepartmentSchema) } } },
    () => listDepartments(db),
  );

  app.get(
    '/api/v1/departments/:code',
    {
      schema: {
        tags: ['departments'],
        summary: 'One department',
        params: Type.Object({ code: Type.String() }),
        response: { 200: DepartmentSchema },
      },
    },
    (request) => getDepartment(db, request.params.code),
  );

  app.post(
    '/api/v1/departments',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'Register a department (coordination office)',
        security: [{ bearer: [] }],
        body: DepartmentSchema,
        response: { 201: DepartmentSchema },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return registerDepartment(platform, principalOf(request), request.body);
    },
  );

  app.get(
    '/api/v1/departments/:code/clients',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: "A department's systems",
        security: [{ bearer: [] }],
        params: Type.Object({ code: Type.String() }),
        response: { 200: Type.Array(ClientSchema) },
      },
    },
    (request) => listSystems(platform, principalOf(request), request.params.code),
  );

  app.post(
    '/api/v1/departments/:code/clients',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'Register a system of a department; the secret is shown once (coordination office)',
        security: [{ bearer: [] }],
        params: Type.Object({ code: Type.String() }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...ClientSchema.properties, clientSecret: Type.String() }) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return createClient(platform, principalOf(request), { departmentCode: request.params.code, name: request.body.name, roles: request.body.roles });
    },
  );

  const ClientRecordSchema = Type.Object({
    ...ClientSchema.properties,
    enabled: Type.Boolean(),
    disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    disabledReason: Type.Union([Type.String(), Type.Null()]),
    secretRotatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  });
  const ClientParams = Type.Object({ code: Type.String({ maxLength: 18 }), clientId: Type.String({ maxLength: 64 }) });

  app.post(
    '/api/v1/departments/:code/clients/:clientId/disable',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'Disable a system: its tokens are refused at once, in every server process (the department itself, or the coordination office)',
        security: [{ bearer: [] }],
        params: ClientParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: ClientRecordSchema },
      },
    },
    (request) => disableClient(platform, principalOf(request), request.params.code, request.params.clientId, request.body.reason),
  );

  app.post(
    '/api/v1/departments/:code/clients/:clientId/enable',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'Enable a disabled system again (the department itself, or the coordination office)',
        security: [{ bearer: [] }],
        params: ClientParams,
        response: { 200: ClientRecordSchema },
      },
    },
    (request) => enableClient(platform, principalOf(request), request.params.code, request.params.clientId),
  );

  app.post(
    '/api/v1/departments/:code/clients/:clientId/rotate-secret',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'Give a system a new secret (shown once): the old secret and every token issued with it stop working at once',
        security: [{ bearer: [] }],
        params: ClientParams,
        response: { 200: Type.Object({ ...ClientRecordSchema.properties, clientSecret: Type.String() }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return rotateClientSecret(platform, principalOf(request), request.params.code, request.params.clientId);
    },
  );

  app.get(
    '/api/v1/clients/:clientId',
    {
      preHandler: anyone,
      schema: {
        tags: ['departments'],
        summary: 'One system, enabled or not, whichever its department (that department, the coordination office, the operator)',
        security: [{ bearer: [] }],
        params: Type.Object({ clientId: Type.String({ maxLength: 64 }) }),
        response: { 200: ClientRecordSchema },
      },
    },
    (request) => systemRecord(platform, principalOf(request), request.params.clientId),
  );
};
