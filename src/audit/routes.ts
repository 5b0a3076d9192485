import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { gunzipSync } from 'node:zlib';
import { invalid } from '../platform/errors.ts';
import { accessAlerts, currentCheckpoint, currentTreeHead, holderAccessLog, logVerifierKey, proveConsistency, proveInclusion, readBundle, readEntry, readTile, searchEntries, treeHeads } from './index.ts';
import { parseTilePath } from './tiles.ts';

const Index = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const TreeHeadSchema = Type.Object(
  {
    treeSize: Type.Integer({ description: 'Number of entries the head covers' }),
    rootHash: Type.String({ description: 'Hex SHA-256 Merkle root (RFC 9162 §2.1.1)' }),
    timestamp: Type.Integer({ description: 'Milliseconds since the epoch' }),
    signature: Type.String({
      description:
        'Compact JWS (EdDSA), header typ "tree-head+json", payload = RFC 8785 JSON of {rootHash, timestamp, treeSize}; key: keyId in /.well-known/jwks.json',
    }),
    keyId: Type.String(),
  },
  { additionalProperties: false },
);

const EntrySchema = Type.Object({}, { additionalProperties: true, description: 'The log entry: {type, subject, actor, at, data}' });

const EntryView = Type.Object({
  index: Type.Integer(),
  entry: EntrySchema,
  actorName: Type.Union([Type.String(), Type.Null()], { description: "The name the entry's actor goes by (a person's, an enterprise's; null for a system): beside the entry, which the hashes cover" }),
  leafHash: Type.String({ description: 'Hex SHA-256(0x00 ‖ RFC 8785 bytes of entry)' }),
});

const ProofSchema = Type.Object({
  index: Type.Integer(),
  treeSize: Type.Integer(),
  path: Type.Array(Type.String(), { description: 'RFC 9162 §2.1.3.1 inclusion path, hex, from the leaf upwards' }),
});

const AlertSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  day: Type.String(),
  department: Type.String(),
  clientId: Type.String(),
  agreementId: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
  threshold: Type.Number(),
  detail: Type.Object({}, { additionalProperties: true }),
  createdAt: Type.String(),
});

const AccessSchema = Type.Object({
  index: Type.Integer(),
  kind: Type.Union([Type.Literal('exchange'), Type.Literal('report'), Type.Literal('read')], {
    description: "exchange: a department's system received the data; report: a department reported what it holds, to be compared; read: a member of staff read it",
  }),
  at: Type.String(),
  department: Type.Object({ code: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]), nameEn: Type.Union([Type.String(), Type.Null()]) }),
  system: Type.Object({ clientId: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) }),
  purpose: Type.Object({ code: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]), nameEn: Type.Union([Type.String(), Type.Null()]) }),
  fields: Type.Array(Type.String()),
  outcome: Type.Union([Type.String(), Type.Null()]),
  entry: EntrySchema,
  leafHash: Type.String(),
  proof: ProofSchema,
});

export const auditRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);

  app.get(
    '/api/v1/audit/tree-head',
    {
      schema: {
        tags: ['audit'],
        summary: 'The newest signed tree head of the audit log (public, no account)',
        response: { 200: TreeHeadSchema },
      },
    },
    () => currentTreeHead(platform),
  );

  app.get(
    '/api/v1/audit/checkpoint',
    {
      schema: {
        tags: ['audit'],
        summary: 'The newest checkpoint of the log: a C2SP tlog-checkpoint signed note (public, no account)',
        description:
          'C2SP tlog-tiles `<prefix>/checkpoint` with prefix /api/v1/audit: origin, tree size and base64 root hash, a line each, then the Ed25519 signature line of the log key (its verifier key: GET /api/v1/audit/verifier-key).',
        produces: ['text/plain'],
        response: { 200: Type.String() },
      },
    },
    async (_request, reply) => {
      const note = await currentCheckpoint(platform);
      return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache').send(note);
    },
  );

  app.get(
    '/api/v1/audit/verifier-key',
    {
      schema: {
        tags: ['audit'],
        summary: 'The origin and the signed-note verifier key of the log, for tlog-tiles clients and witnesses (public)',
        response: { 200: Type.Object({ origin: Type.String(), verifierKey: Type.String({ description: '<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>' }) }) },
      },
    },
    () => logVerifierKey(platform),
  );

  app.get(
    '/api/v1/audit/tile/*',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'Tiles of hashes and entry bundles at the C2SP tlog-tiles paths (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>])',
        description:
          'Tiles hold only hashes (anyone signed in); entry bundles hold the entries (the coordination office). Bundles are sent gzip-compressed (Content-Encoding: gzip) to clients that accept it.',
        security: [{ bearer: [] }],
        params: Type.Object({ '*': Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const path = parseTilePath(request.params['*']);
      if (!path) throw invalid('invalid-tile-path', 'not a tlog-tiles path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]', 'path:/*');
      const principal = principalOf(request);
      // Full tiles and bundles never change; partial ones are served for the checkpoint that needs them.
      reply.header('content-type', 'application/octet-stream').header('cache-control', path.width === undefined ? 'private, max-age=31536000, immutable' : 'private, max-age=60');
      if (path.level !== 'entries') return reply.send(await readTile(platform, principal, path.level, path.index, path.width));
      const bundle = await readBundle(platform, principal, path.index, path.width);
      if (!bundle.gzipped) return reply.send(bundle.data);
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(bundle.data);
      return reply.header('vary', 'accept-encoding').send(gunzipSync(bundle.data));
    },
  );

  app.get(
    '/api/v1/audit/tree-heads',
    {
      schema: {
        tags: ['audit'],
        summary: 'Signed tree heads in order of size then time (public, no account)',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.Integer({ minimum: 0, description: 'Smallest tree size to list' })),
            after: Type.Optional(Type.Integer({ minimum: 0, description: 'With from: skip heads of size `from` signed at or before this timestamp (paging)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(TreeHeadSchema),
            next: Type.Union([Type.String(), Type.Null()], { description: 'The URL of the next page, null at the end' }),
          }),
        },
      },
    },
    (request) => treeHeads(platform, request.query),
  );

  app.get(
    '/api/v1/audit/entries/:index',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'One log entry and its leaf hash (the coordination office; a holder for entries about itself)',
        security: [{ bearer: [] }],
        params: Type.Object({ index: Index }),
        response: { 200: EntryView },
      },
    },
    (request) => readEntry(platform, principalOf(request), request.params.index),
  );

  app.get(
    '/api/v1/audit/entries',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'Search the log, newest first (the coordination office)',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            department: Type.Optional(Type.String({ description: "The department's credit code (the consumer for accesses, the issuer for license changes)" })),
            holder: Type.Optional(Type.String({ description: 'Holder code' })),
            purpose: Type.Optional(Type.String({ description: 'Purpose code (GET /api/v1/purposes)' })),
            type: Type.Optional(Type.String({ description: 'Entry type, e.g. exchange.accessed, license.revoked' })),
            outcome: Type.Optional(Type.String()),
            system: Type.Optional(Type.String({ description: 'Client id of the calling system' })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'Paging: the `next` of the previous page' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(EntryView), next: Type.Union([Type.Integer(), Type.Null()], { description: '`before` of the next page, null at the end' }) }) },
      },
    },
    (request) => searchEntries(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/audit/proofs/inclusion',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 inclusion proof of an entry in a tree size (default: the newest tree head)',
        security: [{ bearer: [] }],
        querystring: Type.Object({ index: Index, treeSize: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ...ProofSchema.properties, leafHash: Type.String() }) },
      },
    },
    (request) => proveInclusion(platform, principalOf(request), request.query.index, request.query.treeSize),
  );

  app.get(
    '/api/v1/audit/proofs/consistency',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 consistency proof between two tree sizes (hashes only: any signed-in department or holder may ask)',
        security: [{ bearer: [] }],
        querystring: Type.Object({ first: Type.Integer({ minimum: 0 }), second: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ first: Type.Integer(), second: Type.Integer(), path: Type.Array(Type.String()) }) },
      },
    },
    (request) => proveConsistency(platform, principalOf(request), request.query.first, request.query.second),
  );

  app.get(
    '/api/v1/audit/alerts',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit'],
        summary: 'Access alerts (beyond an agreement’s expected daily volume, or far outside a system’s usual pattern), newest first',
        security: [{ bearer: [] }],
        querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AlertSchema) }) },
      },
    },
    (request) => accessAlerts(platform, principalOf(request), request.query),
  );

  app.get(
    '/api/v1/holders/:holderCode/access-log',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit', 'holders'],
        summary: 'Who used my data (数据使用记录): every use of the holder’s data (systems’ accesses, departments’ reports, reads by staff), newest first, each with its inclusion proof',
        description:
          'Each item carries the log entry, its leaf hash and an RFC 9162 inclusion proof against `treeHead`, the signed tree head of the page: recompute SHA-256(0x00 ‖ RFC 8785(entry)), walk the path and compare with treeHead.rootHash, whose signature verifies with the log key in /.well-known/jwks.json.',
        security: [{ bearer: [] }],
        params: Type.Object({ holderCode: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(
          {
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'Paging: the `next` of the previous page' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            holderCode: Type.String(),
            treeHead: TreeHeadSchema,
            items: Type.Array(AccessSchema),
            next: Type.Union([Type.Integer(), Type.Null()], { description: '`before` of the next page, null at the end' }),
          }),
        },
      },
    },
    (request) => holderAccessLog(platform, principalOf(request), request.params.holderCode, request.query),
  );
};
