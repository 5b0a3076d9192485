import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getDepartment } from '../departments/index.ts';
import { authenticated, clientOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { forbidden, invalid } from '../platform/errors.ts';
import { authorize, decide, type Action, type ClientPrincipal, type PolicyResource } from '../policy/index.ts';
import { findLicenseType, isAuthorisedIssuer } from '../standards/index.ts';
import { keyRoutes } from './keyRoutes.ts';
import { licenseQrPng, licenseQrSvg } from './qr.ts';
import {
  amendLicense,
  changeLicenseStatus,
  getLicense,
  issueLicense,
  findLicenseRow,
  licenseIssuerOf,
  listEvents,
  listVersions,
  type LicenseContext,
} from './service.ts';
import { statusListsOf } from './statusLists.ts';
import { verificationContext, verifyLicenseCredential } from './verify.ts';

const Identifier = Type.Object({ identifier: Type.String({ description: 'GB/T 36904 e-license identifier (any version)' }) });
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const AnyObject = Type.Object({}, { additionalProperties: true });
const StatusSchema = Type.Union([
  Type.Literal('valid'),
  Type.Literal('suspended'),
  Type.Literal('revoked'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
]);

const LicenseSchema = Type.Object(
  {
    identifier: Type.String(),
    version: Type.Integer(),
    status: StatusSchema,
    credential: Type.String({ description: 'SD-JWT VC (application/dc+sd-jwt) of the current version' }),
    type: Type.String(),
    typeCode: Type.String(),
    issuer: Type.Object({ code: Type.String(), name: Type.String() }),
    holder: Type.Object({ code: Type.String(), codeType: Type.String(), name: Type.String() }),
    validFrom: Type.String(),
    validUntil: Type.Union([Type.String(), Type.Null()]),
    data: AnyObject,
    issuedAt: Type.String(),
    updatedAt: Type.String(),
    verificationUrl: Type.String(),
  },
  { additionalProperties: true },
);

const VerificationSchema = Type.Object({
  valid: Type.Boolean(),
  status: StatusSchema,
  checks: Type.Array(Type.Object({ check: Type.String(), passed: Type.Boolean(), detail: Type.String() })),
  license: AnyObject,
});

export const licenseRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens, ['client']);
  const ctx: LicenseContext = platform;
  const verifyCtx = verificationContext(platform);
  const verificationUrl = (identifier: string) => `${platform.config.publicUrl}/api/v1/verify/${identifier}`;
  await app.register(keyRoutes, { platform });
  const withUrl = <T extends { identifier: string }>(license: T) => ({ ...license, verificationUrl: verificationUrl(license.identifier) });

  app.post(
    '/api/v1/licenses',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: 'Issue a license (设立): the first signed version',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            type: Type.String({ description: 'License type key, e.g. business-license' }),
            holder: Type.Object(
              {
                code: Type.String({ description: 'Holder code: unified social credit code (001) or citizen id (111)' }),
                codeType: Type.Optional(Type.Union([Type.Literal('001'), Type.Literal('111')])),
                name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              },
              { additionalProperties: false },
            ),
            data: Type.Object({}, { additionalProperties: true, description: 'Business fields, as GET /api/v1/standards/license-types/{type} defines them' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: LicenseSchema },
      },
    },
    async (request, reply) => {
      const principal = clientOf(request);
      await authorizeIssuing(principal, 'license:issue', { type: 'LicenseType', id: request.body.type }, request.body.type);
      const issuer = await getDepartment(platform.store, principal.departmentCode);
      const license = await issueLicense(ctx, { code: issuer.code, name: issuer.name }, request.body, principal.clientId);
      reply.status(201).header('location', `/api/v1/licenses/${license.identifier}`);
      return withUrl(license);
    },
  );

  /** Issuing and amending also need the department to be an authorised issuer of the type today. */
  const authorizeIssuing = async (principal: ClientPrincipal, action: Action, resource: PolicyResource, licenseType: string) => {
    if (!findLicenseType(licenseType)) throw invalid('unknown-license-type', `unknown license type ${licenseType}`, '/type');
    const authorisedIssuer = await isAuthorisedIssuer(platform, licenseType, principal.departmentCode);
    if (decide(principal, action, resource, { authorisedIssuer }).allowed) return;
    if (!authorisedIssuer) {
      throw forbidden(
        `department ${principal.departmentCode} is not an authorised issuer of ${licenseType} (see GET /api/v1/standards/license-types/${licenseType}/issuers)`,
        { action, licenseType },
        'not-an-authorised-issuer',
      );
    }
    authorize(principal, action, resource, { authorisedIssuer });
  };

  const readable = async (request: { params: { identifier: string } } & Parameters<typeof clientOf>[0]) => {
    const issuerCode = await licenseIssuerOf(platform.store, request.params.identifier);
    authorize(clientOf(request), 'license:read', { type: 'License', id: request.params.identifier, attrs: { issuerCode } });
  };

  app.get(
    '/api/v1/licenses/:identifier',
    {
      preHandler: signedIn,
      schema: { tags: ['licenses'], summary: 'A license: its current version and status', security: [{ bearer: [] }], params: Identifier, response: { 200: LicenseSchema } },
    },
    async (request) => {
      await readable(request);
      return withUrl(await getLicense(platform.store, request.params.identifier));
    },
  );

  app.get(
    '/api/v1/licenses/:identifier/versions',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: 'Every version of a license, oldest first; versions are immutable',
        security: [{ bearer: [] }],
        params: Identifier,
        response: {
          200: Type.Array(
            Type.Object({
              identifier: Type.String(),
              version: Type.Integer(),
              change: Type.String(),
              reason: Type.Union([Type.String(), Type.Null()]),
              data: AnyObject,
              credential: Type.String(),
              createdAt: Type.String(),
              createdBy: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        },
      },
    },
    async (request) => {
      await readable(request);
      return listVersions(platform.store, request.params.identifier);
    },
  );

  app.get(
    '/api/v1/licenses/:identifier/events',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: 'The lifecycle events of a license, oldest first',
        security: [{ bearer: [] }],
        params: Identifier,
        response: {
          200: Type.Array(
            Type.Object({
              version: Type.Integer(),
              event: Type.String(),
              reason: Type.Union([Type.String(), Type.Null()]),
              actor: Type.Union([Type.String(), Type.Null()]),
              at: Type.String(),
            }),
          ),
        },
      },
    },
    async (request) => {
      await readable(request);
      return listEvents(platform.store, request.params.identifier);
    },
  );

  app.post(
    '/api/v1/licenses/:identifier/amend',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: 'Amend a license (变更): a new signed version with the changed fields',
        security: [{ bearer: [] }],
        params: Identifier,
        body: Type.Object({ data: AnyObject, reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: LicenseSchema },
      },
    },
    async (request) => {
      const principal = clientOf(request);
      const { issuer_code: issuerCode, type_key: typeKey } = await findLicenseRow(platform.store, request.params.identifier);
      await authorizeIssuing(principal, 'license:amend', { type: 'License', id: request.params.identifier, attrs: { issuerCode } }, typeKey);
      return withUrl(await amendLicense(ctx, request.params.identifier, request.body, principal.clientId));
    },
  );

  const statusChanges = [
    ['suspend', '暂停 (e.g. 歇业): the license is suspended until reinstated'],
    ['reinstate', '恢复: a suspended license is valid again'],
    ['revoke', '吊销: revoked by the authority'],
    ['cancel', '注销: the entity is closed'],
  ] as const;
  for (const [change, summary] of statusChanges) {
    app.post(
      `/api/v1/licenses/:identifier/${change}`,
      {
        preHandler: signedIn,
        schema: { tags: ['licenses'], summary, security: [{ bearer: [] }], params: Identifier, body: Reason, response: { 200: LicenseSchema } },
      },
      async (request) => {
        const principal = clientOf(request);
        const issuerCode = await licenseIssuerOf(platform.store, request.params.identifier);
        authorize(principal, `license:${change}`, { type: 'License', id: request.params.identifier, attrs: { issuerCode } });
        return withUrl(await changeLicenseStatus(ctx, request.params.identifier, change, request.body.reason, principal.clientId));
      },
    );
  }

  app.get(
    '/api/v1/licenses/:identifier/qr.png',
    { schema: { tags: ['verification'], summary: 'QR code (PNG) leading to the public verification of the license', params: Identifier } },
    async (request, reply) => {
      await licenseIssuerOf(platform.store, request.params.identifier);
      return reply.type('image/png').send(await licenseQrPng(verificationUrl(request.params.identifier)));
    },
  );

  app.get(
    '/api/v1/licenses/:identifier/qr.svg',
    { schema: { tags: ['verification'], summary: 'QR code (SVG) leading to the public verification of the license', params: Identifier } },
    async (request, reply) => {
      await licenseIssuerOf(platform.store, request.params.identifier);
      return reply.type('image/svg+xml').send(await licenseQrSvg(verificationUrl(request.params.identifier)));
    },
  );

  app.post(
    '/api/v1/verify',
    {
      schema: {
        tags: ['verification'],
        summary: 'Verify a license credential (public, no account)',
        body: Type.Object({ credential: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: { 200: VerificationSchema },
      },
    },
    (request) => verifyLicenseCredential(verifyCtx, request.body.credential),
  );

  app.get(
    '/api/v1/verify/:identifier',
    {
      schema: {
        tags: ['verification'],
        summary: 'Verify a license by its identifier, as a QR scan does (public, no account)',
        params: Identifier,
        response: { 200: VerificationSchema },
      },
    },
    async (request) => {
      const versions = await listVersions(platform.store, request.params.identifier);
      const version = versions.find((v) => v.identifier === request.params.identifier) ?? versions[versions.length - 1];
      return verifyLicenseCredential(verifyCtx, version.credential);
    },
  );

  app.get(
    '/api/v1/status-lists/:id',
    {
      schema: {
        tags: ['verification'],
        summary: 'A status list token (IETF Token Status List, 2 bits: 0 valid, 1 revoked, 2 suspended, 3 cancelled)',
        params: Type.Object({ id: Type.Integer({ minimum: 0 }) }),
      },
    },
    async (request, reply) => reply.type('application/statuslist+jwt').header('cache-control', 'max-age=60').send(await statusListsOf(platform).token(request.params.id)),
  );

  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['verification'], summary: 'Public keys of license issuers, of the status lists and of event deliveries (JWKS)' } },
    async () => {
      // The status list key is otherwise created when the first list is served: publish it before that,
      // or a verifier holding this JWKS cannot check the first status list it fetches.
      await platform.keys.activeKey('status', 'EdDSA');
      return { keys: await platform.keys.publicKeys(['license', 'status', 'event', 'audit']) };
    },
  );

  app.get(
    '/.well-known/jwt-vc-issuer',
    { schema: { tags: ['verification'], summary: 'SD-JWT VC issuer metadata' } },
    () => ({ issuer: platform.config.publicUrl, jwks_uri: `${platform.config.publicUrl}/.well-known/jwks.json` }),
  );
};
