import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findPurpose } from '../agreements/index.ts';
import { departmentSystems, listDepartments } from '../departments/index.ts';
import { authenticated, principalOf } from '../platform/auth/authenticate.ts';
import type { Platform } from '../platform/platform.ts';
import { invalid } from '../platform/errors.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize } from '../policy/index.ts';
import { columnsOf, parseEntry, type AuditEntry } from './entries.ts';
import { consistencyProof, getEntry, inclusionProofs, latestTreeHead, treeHeadsFrom } from './log.ts';
import { leafHash } from './merkle.ts';
import { listAlerts, queryEntries } from './oversight.ts';
import { sequence } from './sequencing.ts';
import type { TreeHead } from './treeHead.ts';

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

const hexLeaf = (text: string) => leafHash(Buffer.from(text, 'utf8')).toString('hex');

/** The tree head everything is proven against: the newest (signing the first one if the log has none yet). */
async function currentHead(platform: Platform): Promise<TreeHead> {
  return (await latestTreeHead(platform.store)) ?? (await sequence(platform)).treeHead;
}

const entryResource = (index: number, entry: AuditEntry) => ({
  type: 'AuditEntry',
  id: String(index),
  attrs: { type: entry.type, holderCode: columnsOf(entry).holderCode ?? '' },
});

const LOG = { type: 'AuditLog', id: 'certbridge' };

/** Department and system names for a page of accesses, read once per page. */
async function directory(db: Queryable, departments: Iterable<string>) {
  const all = new Map((await listDepartments(db)).map((d) => [d.code, d]));
  const systems = new Map<string, string>();
  for (const code of new Set(departments)) {
    if (all.has(code)) for (const c of await departmentSystems(db, code)) systems.set(c.clientId, c.name);
  }
  return { department: (code: string | null) => (code ? all.get(code) : undefined), system: (id: string | null) => (id ? systems.get(id) : undefined) };
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (app, { platform }) => {
  const signedIn = authenticated(platform.tokens);
  const db = platform.store;

  app.get(
    '/api/v1/audit/tree-head',
    {
      schema: {
        tags: ['audit'],
        summary: 'The newest signed tree head of the audit log (public, no account)',
        response: { 200: TreeHeadSchema },
      },
    },
    () => currentHead(platform),
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
    async (request) => {
      const limit = request.query.limit ?? 100;
      const items = await treeHeadsFrom(db, request.query.from ?? 0, request.query.after ?? -1, limit);
      const last = items[items.length - 1];
      return { items, next: items.length === limit && last ? `/api/v1/audit/tree-heads?from=${last.treeSize}&after=${last.timestamp}&limit=${limit}` : null };
    },
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
    async (request) => {
      const stored = await getEntry(db, request.params.index);
      authorize(principalOf(request), 'audit:read-entry', entryResource(stored.index, stored.entry));
      return { index: stored.index, entry: stored.entry, leafHash: hexLeaf(stored.text) };
    },
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
    async (request) => {
      authorize(principalOf(request), 'audit:query', LOG);
      const q = request.query;
      const date = (v: string | undefined, field: string) => {
        if (v === undefined) return undefined;
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) throw invalid('validation-failed', `${field} must be an RFC 3339 date-time`, `querystring:/${field}`);
        return d;
      };
      const limit = q.limit ?? 100;
      const rows = await queryEntries(
        db,
        { department: q.department, holder: q.holder, purpose: q.purpose, type: q.type, outcome: q.outcome, clientId: q.system, from: date(q.from, 'from'), to: date(q.to, 'to'), before: q.before },
        limit,
      );
      return {
        items: rows.map((r) => ({ index: r.index, entry: parseEntry(r.entry) ?? {}, leafHash: hexLeaf(r.entry) })),
        next: rows.length === limit ? rows[rows.length - 1].id : null,
      };
    },
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
    async (request) => {
      const stored = await getEntry(db, request.query.index);
      authorize(principalOf(request), 'audit:prove-inclusion', entryResource(stored.index, stored.entry));
      const treeSize = request.query.treeSize ?? (await currentHead(platform)).treeSize;
      const [proof] = await inclusionProofs(db, [stored.index], treeSize, request.query.treeSize === undefined);
      return { ...proof, leafHash: hexLeaf(stored.text) };
    },
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
    async (request) => {
      authorize(principalOf(request), 'audit:prove-consistency', LOG);
      return consistencyProof(db, request.query.first, request.query.second);
    },
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
    async (request) => {
      authorize(principalOf(request), 'audit:read-alerts', LOG);
      return { items: await listAlerts(db, request.query.before, request.query.limit ?? 100) };
    },
  );

  app.get(
    '/api/v1/holders/:holderCode/access-log',
    {
      preHandler: signedIn,
      schema: {
        tags: ['audit', 'holders'],
        summary: 'Who used my data (数据使用记录): every access to the holder’s data, newest first, each with its inclusion proof',
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
    async (request) => {
      const { holderCode } = request.params;
      authorize(principalOf(request), 'audit:read-access-log', { type: 'HolderAccessLog', id: holderCode, attrs: { holderCode } });
      const treeHead = await currentHead(platform);
      const limit = request.query.limit ?? 20;
      // The holder's accesses under the tree head (one range of the (holder_code, id) index), newest first.
      const rows = await db.query<{ leaf_index: number; id: number; entry: string }>(
        `select l.leaf_index, e.id, e.entry from audit_entries e join audit_leaves l on l.entry_id = e.id
          where e.holder_code = $1 and e.type = 'exchange.accessed' and ($2::bigint is null or e.id < $2) and l.leaf_index < $3
          order by e.id desc limit $4`,
        [holderCode, request.query.before ?? null, treeHead.treeSize, limit],
      );
      const entries = rows.rows.map((r) => ({ index: Number(r.leaf_index), id: Number(r.id), text: r.entry, entry: parseEntry(r.entry)! }));
      const proofs = entries.length > 0 ? await inclusionProofs(db, entries.map((e) => e.index), treeHead.treeSize, true) : [];
      const names = await directory(db, entries.map((e) => String(e.entry.data.department ?? '')));
      const text = (v: unknown) => (typeof v === 'string' ? v : null);
      return {
        holderCode,
        treeHead,
        items: entries.map(({ index, text: raw, entry }, i) => {
          const d = entry.data;
          const department = names.department(text(d.department));
          const clientId = text(d.client) ?? text(d.clientId);
          const purpose = text(d.purpose);
          const known = purpose ? findPurpose(purpose) : undefined;
          return {
            index,
            at: entry.at,
            department: { code: text(d.department), name: department?.name ?? null, nameEn: department?.nameEn ?? null },
            system: { clientId, name: names.system(clientId) ?? null },
            purpose: { code: purpose, name: known?.name ?? null, nameEn: known?.nameEn ?? null },
            fields: Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : [],
            outcome: text(d.outcome),
            entry,
            leafHash: hexLeaf(raw),
            proof: proofs[i],
          };
        }),
        next: entries.length === limit ? entries[entries.length - 1].id : null,
      };
    },
  );
};
