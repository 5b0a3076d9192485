import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, authenticatedIfPresent, principalOf } from '../platform/auth/authenticate.ts';
import { answersWithConsole, sendConsolePage, varyOnAccept } from '../platform/http/webConsole.ts';
import type { Platform } from '../platform/platform.ts';
import {
  amendLicense,
  changeLicenseStatus,
  heldLicenses,
  issueLicense,
  licenseHistory,
  licenseVersions,
  listLicenses,
  qrLink,
  printLicense,
  readLicense,
  REGISTRY_DEFAULT_LIMIT,
  REGISTRY_MAX_LIMIT,
  REGISTRY_NAME_MAX,
  rotateKey,
  statusListToken,
  verifyCredential,
  verifyHolder,
  verifyIdentifier,
} from './index.ts';
import { licenseImportRoutes } from './import/importRoutes.ts';
import { licenseQrPng, licenseQrSvg } from './verification/qr.ts';

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
  disclosure: Type.Union([Type.Literal('credential'), Type.Literal('public'), Type.Literal('none')], {
    description: 'credential: what the presented credential discloses; public: the public fields (with the verification code); none: the verdict only',
  }),
  checks: Type.Array(
    Type.Object({
      check: Type.String(),
      passed: Type.Boolean(),
      code: Type.String({ description: 'what the check found, a stable code to key a reader’s words by (e.g. status-revoked, key-not-of-issuer, not-yet-valid)' }),
      params: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'values the words name (a date, a key id, a status)' })),
      detail: Type.String({ description: 'the same in technical English' }),
    }),
  ),
  license: AnyObject,
  current: Type.Optional(
    Type.Boolean({ description: 'Whether this is the current version of the license. false: its particulars changed since (变更); do not take this version as the license in force' }),
  ),
  supersededBy: Type.Optional(Type.String({ description: 'The identifier of the current version, when this one was superseded' })),
  currentStatus: Type.Optional(StatusSchema),
});

const HolderVerificationSchema = Type.Object({
  holderCode: Type.String(),
  licenses: Type.Array(
    Type.Object({
      type: Type.String({ description: 'License type key' }),
      licenseName: Type.String(),
      licenseNameEn: Type.Optional(Type.String()),
      identifier: Type.String({ description: 'The current version (GET /api/v1/verify/{identifier} gives its verdict and checks)' }),
      valid: Type.Boolean({ description: 'In force: status valid and within its validity' }),
      status: StatusSchema,
      validFrom: Type.String({ description: 'Calendar date in China' }),
      validUntil: Type.Union([Type.String(), Type.Null()], { description: 'null: 长期 (no end)' }),
    }),
  ),
});

export const licenseRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  // The facade decides who may (the policies): any signed-in principal reaches it.
  const signedIn = authenticated(platform.tokens);

  // Imports over HTTP: the body is the file (a plugin of their own, with a parser of their own).
  await app.register(licenseImportRoutes, { platform });

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
            type: Type.String({ description: 'License type key (GET /api/v1/license-types)' }),
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
      const license = await issueLicense(platform, principalOf(request), request.body);
      reply.status(201).header('location', `/api/v1/licenses/${license.identifier}`);
      return license;
    },
  );

  app.get(
    '/api/v1/licenses',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: 'The license registry: search and list licenses, newest issue date first (an issuing department its own, the coordination office all)',
        description:
          'Filters combine (and). `name` is a part of the holder\'s name, any case. Paging is by keyset: pass `nextCursor` back as `cursor` for the next page (null on the last); a page costs the same however deep it is. ' +
          'An issuing department (its systems and staff) sees the licenses it issued; the coordination office every department\'s, or one\'s with `issuerCode`.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            holderCode: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: "The holder's code (unified social credit code), exact" })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: REGISTRY_NAME_MAX, description: "A part of the holder's name, any case" })),
            status: Type.Optional(StatusSchema),
            type: Type.Optional(Type.String({ maxLength: 64, description: 'License type key (GET /api/v1/license-types)' })),
            issuedFrom: Type.Optional(Type.String({ format: 'date', description: 'Issued on or after (YYYY-MM-DD)' })),
            issuedTo: Type.Optional(Type.String({ format: 'date', description: 'Issued on or before (YYYY-MM-DD)' })),
            issuerCode: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: "The coordination office: one issuing department's licenses" })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: REGISTRY_MAX_LIMIT, default: REGISTRY_DEFAULT_LIMIT })),
            cursor: Type.Optional(Type.String({ maxLength: 100, description: 'nextCursor of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                identifier: Type.String({ description: 'GB/T 36904 identifier of the current version' }),
                type: Type.String(),
                holderCode: Type.String(),
                holderName: Type.String(),
                status: StatusSchema,
                version: Type.Integer(),
                issuedOn: Type.String({ format: 'date' }),
                validFrom: Type.String({ format: 'date' }),
                validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
                issuerCode: Type.String(),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    (request) => listLicenses(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/holders/:holderCode/licenses',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses', 'holders'],
        summary: 'My licenses (我的证照): the licenses a holder holds, current versions, newest first (the holder signed in)',
        security: [{ bearer: [] }],
        params: Type.Object({ holderCode: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Array(LicenseSchema) },
      },
    },
    (request) => heldLicenses(platform, principalOf(request), request.params.holderCode),
  );

  app.get(
    '/api/v1/licenses/:identifier',
    {
      preHandler: signedIn,
      schema: { tags: ['licenses'], summary: 'A license: its current version and status', security: [{ bearer: [] }], params: Identifier, response: { 200: LicenseSchema } },
    },
    (request) => readLicense(platform, principalOf(request), request.params.identifier),
  );

  app.get(
    '/api/v1/licenses/:identifier/print.pdf',
    {
      preHandler: signedIn,
      schema: {
        tags: ['licenses'],
        summary: "The printed license (PDF, A4) laid out by its type's display, with the QR code and the verification code (its issuer, the coordination office, its holder)",
        security: [{ bearer: [] }],
        params: Identifier,
      },
    },
    async (request, reply) => {
      const { pdf, fileName } = await printLicense(platform, principalOf(request), request.params.identifier);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).header('cache-control', 'private, no-store').send(pdf);
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
              createdByName: Type.Union([Type.String(), Type.Null()], { description: 'Who made the version, by name (a member of staff, an enterprise, a system), when they have one' }),
            }),
          ),
        },
      },
    },
    (request) => licenseVersions(platform, principalOf(request), request.params.identifier),
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
              actorName: Type.Union([Type.String(), Type.Null()], { description: 'The actor by name (a member of staff, an enterprise, a system), when they have one' }),
              at: Type.String(),
            }),
          ),
        },
      },
    },
    (request) => licenseHistory(platform, principalOf(request), request.params.identifier),
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
    (request) => amendLicense(platform, principalOf(request), request.params.identifier, request.body),
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
      (request) => changeLicenseStatus(platform, principalOf(request), request.params.identifier, change, request.body.reason),
    );
  }

  /** Public routes anyone can call cost the platform something: limited per client address. */
  const publicRate = { rateLimit: { max: platform.config.verifyRatePerMinute, timeWindow: 60_000 } };
  const CodeQuery = Type.Object(
    { code: Type.Optional(Type.String({ maxLength: 64, description: 'The verification code (核验码) printed with the QR code; with it the public fields are shown' })) },
    { additionalProperties: false },
  );

  for (const [format, type, render] of [
    ['png', 'image/png', licenseQrPng],
    ['svg', 'image/svg+xml', licenseQrSvg],
  ] as const) {
    app.get(
      `/api/v1/licenses/:identifier/qr.${format}`,
      {
        preHandler: authenticatedIfPresent(platform.tokens),
        config: publicRate,
        schema: {
          tags: ['verification'],
          summary: `QR code (${format.toUpperCase()}) leading to the public verification of the license`,
          description:
            "The link carries the version's verification code when the caller is the license's issuer, the coordination office or the holder (signed in), or gives the right `code`; otherwise it leads to the verdict only.",
          params: Identifier,
          querystring: CodeQuery,
        },
      },
      async (request, reply) => reply.type(type).header('cache-control', 'private, no-store').send(await render(await qrLink(platform, request.principal, request.params.identifier, request.query.code))),
    );
  }

  app.post(
    '/api/v1/verify',
    {
      bodyLimit: 64 * 1024,
      config: publicRate,
      schema: {
        tags: ['verification'],
        summary: 'Verify a license credential (public, no account): the verdict and what the credential itself discloses',
        body: Type.Object({ credential: Type.String({ minLength: 1, maxLength: 60_000 }) }, { additionalProperties: false }),
        response: { 200: VerificationSchema },
      },
    },
    (request) => verifyCredential(platform, request.body.credential),
  );

  app.get(
    '/api/v1/verify/:identifier',
    {
      config: publicRate,
      schema: {
        tags: ['verification'],
        summary: 'Verify a license by its identifier, as a QR scan does (public, no account)',
        description:
          'With the identifier alone: the verdict and the status. With the verification code (`code`, carried by the QR code and the printed license): also the public fields of the license type. Every verification is counted in the audit log (aggregated per holder and minute). ' +
          'A client whose `Accept` prefers `text/html` to `application/json` (a phone that scanned the QR code) gets the web console\'s verification page instead, which asks this same URL for JSON; no Accept, `*/*` or `application/json` get the JSON.',
        params: Identifier,
        querystring: CodeQuery,
        response: { 200: VerificationSchema },
      },
    },
    async (request, reply) => {
      // The QR link opened in a browser: the page (it verifies by calling this URL for JSON; the page itself verifies nothing).
      if (answersWithConsole(request)) return sendConsolePage(request, reply);
      // The same URL has two representations: a cache must key on Accept.
      varyOnAccept(reply);
      return verifyIdentifier(platform, request.params.identifier, request.query.code);
    },
  );

  app.get(
    '/api/v1/verify/holders/:creditCode',
    {
      config: publicRate,
      schema: {
        tags: ['verification'],
        summary: "A holder's current licenses by its unified social credit code: the verdict and status of each, no license data (public, no account)",
        description:
          'For a counterparty that has only the credit code. A code that fails its GB 32100 check is answered 400 `invalid-credit-code`, with `expectedCheckChar` when the check character is what is wrong. No license: an empty list (the answer says nothing else about the holder).',
        params: Type.Object({ creditCode: Type.String({ maxLength: 64, description: 'Unified social credit code (GB 32100), 18 characters' }) }),
        response: { 200: HolderVerificationSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return verifyHolder(platform, request.params.creditCode);
    },
  );

  app.get(
    '/api/v1/status-lists/:id',
    {
      schema: {
        tags: ['verification'],
        summary: 'A status list token (IETF Token Status List, 2 bits: 0 valid, 1 revoked, 2 suspended, 3 cancelled)',
        params: Type.Object({ id: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }) }),
      },
    },
    async (request, reply) => reply.type('application/statuslist+jwt').header('cache-control', 'max-age=60').send(await statusListToken(platform, request.params.id)),
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['verification'],
        summary: 'Public keys of license issuers, of the status lists and of event deliveries (JWKS)',
        response: {
          200: Type.Object({
            keys: Type.Array(
              Type.Object(
                { kty: Type.String(), kid: Type.Optional(Type.String()), alg: Type.Optional(Type.String()), use: Type.Optional(Type.String()), crv: Type.Optional(Type.String()), x: Type.Optional(Type.String()) },
                { additionalProperties: true, description: 'A public JWK (RFC 7517): other members as the key type has them' },
              ),
            ),
          }),
        },
      },
    },
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

  /** Key rotation: the coordination office retires a key and makes its successor; old signatures keep verifying. */
  app.post(
    '/api/v1/keys/rotate',
    {
      preHandler: signedIn,
      schema: {
        tags: ['keys'],
        summary: "Rotate a signing key (coordination office): a department's license key, or the status-list or token key",
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            purpose: Type.Union([Type.Literal('license'), Type.Literal('status'), Type.Literal('token')]),
            department: Type.Optional(Type.String({ description: 'credit code of the department whose license key rotates' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ kid: Type.String(), alg: Type.String(), purpose: Type.String(), department: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    (request) => rotateKey(platform, principalOf(request), request.body),
  );
};
