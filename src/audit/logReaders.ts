/**
 * Reading the audit log: entries, searches, proofs, alerts and the holder's "who used my data".
 * Each takes the principal and decides through the policies (tree heads are public).
 */
import { findPurpose } from '../agreements/index.ts';
import { departmentSystems, listDepartments } from '../departments/index.ts';
import { actorNamesOf } from '../platform/actorNames.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { invalid } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { recordRead } from '../platform/reads.ts';
import type { Queryable } from '../platform/store/store.ts';
import { authorize } from '../policy/index.ts';
import { columnsOf, type AuditEntry } from './entries.ts';
import { consistencyProof, getEntry, inclusionProofs, latestTreeHead, treeHeadsFrom } from './log.ts';
import { leafHash } from './merkle.ts';
import { listAlerts, type Alert } from './oversight.ts';
import { findEntries } from './search.ts';
import { sequence } from './sequencing.ts';
import { logCache } from './storage.ts';
import type { TreeHead } from './treeHead.ts';

const hexLeaf = (text: string) => leafHash(Buffer.from(text, 'utf8')).toString('hex');

const entryResource = (index: number, entry: AuditEntry) => ({
  type: 'AuditEntry',
  id: String(index),
  attrs: { holderCode: columnsOf(entry).holderCode ?? '' },
});

const LOG = { type: 'AuditLog', id: 'certbridge' };

/** The tree head everything is proven against: the newest (signing the first one if the log has none yet). Public. */
export async function currentTreeHead(platform: Platform): Promise<TreeHead> {
  return (await latestTreeHead(platform.store)) ?? (await sequence(platform)).treeHead;
}

/** Signed tree heads in order of size then time. Public. */
export async function treeHeads(platform: Platform, query: { from?: number; after?: number; limit?: number }): Promise<{ items: TreeHead[]; next: string | null }> {
  const limit = query.limit ?? 100;
  const items = await treeHeadsFrom(platform.store, query.from ?? 0, query.after ?? -1, limit);
  const last = items[items.length - 1];
  return { items, next: items.length === limit && last ? `/api/v1/audit/tree-heads?from=${last.treeSize}&after=${last.timestamp}&limit=${limit}` : null };
}

/** One entry and its leaf hash (the coordination office; a holder for entries about itself). */
export async function readEntry(platform: Platform, principal: Principal, index: number) {
  const stored = await getEntry(platform.store, index, logCache(platform));
  authorize(principal, 'audit:read-entry', entryResource(stored.index, stored.entry));
  await recordRead(platform, principal, { what: 'audit-entry', subject: String(stored.index), holderCode: columnsOf(stored.entry).holderCode ?? undefined });
  const names = await actorNamesOf(platform, [stored.entry.actor]);
  return { index: stored.index, entry: stored.entry, actorName: names.get(stored.entry.actor) ?? null, leafHash: hexLeaf(stored.text) };
}

export interface EntrySearch {
  department?: string;
  holder?: string;
  purpose?: string;
  type?: string;
  outcome?: string;
  system?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

/** Searches the log, newest first (the coordination office). */
export async function searchEntries(platform: Platform, principal: Principal, q: EntrySearch) {
  authorize(principal, 'audit:query', LOG);
  const date = (v: string | undefined, field: string) => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw invalid('validation-failed', `${field} must be an RFC 3339 date-time`, `/${field}`);
    return d;
  };
  const limit = q.limit ?? 100;
  const rows = await findEntries(
    platform.store,
    { department: q.department, holder: q.holder, purpose: q.purpose, type: q.type, outcome: q.outcome, clientId: q.system, from: date(q.from, 'from'), to: date(q.to, 'to'), before: q.before },
    limit,
    { cache: logCache(platform) },
  );
  // One entry per search (it may return a hundred entries of as many holders), under the holder it searched for.
  const filters = Object.entries({ department: q.department, holder: q.holder, purpose: q.purpose, type: q.type, outcome: q.outcome, system: q.system, from: q.from, to: q.to })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  await recordRead(platform, principal, { what: 'audit-search', subject: filters || 'all', holderCode: q.holder, count: rows.length });
  const last = rows[rows.length - 1];
  // Beside the entry, never in it: the entry is what the log's hashes cover.
  const names = await actorNamesOf(platform, rows.map((r) => r.entry.actor));
  return {
    items: rows.map((r) => ({ index: r.index, entry: r.entry, actorName: names.get(r.entry.actor) ?? null, leafHash: hexLeaf(r.text) })),
    next: rows.length === limit && last.index > 0 ? last.index : null,
  };
}

/** The RFC 9162 inclusion proof of an entry in a tree size (default: the newest tree head). */
export async function proveInclusion(platform: Platform, principal: Principal, index: number, treeSize?: number) {
  const stored = await getEntry(platform.store, index, logCache(platform));
  authorize(principal, 'audit:prove-inclusion', entryResource(stored.index, stored.entry));
  const size = treeSize ?? (await currentTreeHead(platform)).treeSize;
  const [proof] = await inclusionProofs(platform.store, [stored.index], size, treeSize === undefined, logCache(platform));
  return { ...proof, leafHash: hexLeaf(stored.text) };
}

/** The RFC 9162 consistency proof between two tree sizes (hashes only: anyone signed in). */
export async function proveConsistency(platform: Platform, principal: Principal, first: number, second: number) {
  authorize(principal, 'audit:prove-consistency', LOG);
  return consistencyProof(platform.store, first, second, logCache(platform));
}

/** Access alerts, newest first (the coordination office). */
export async function accessAlerts(platform: Platform, principal: Principal, query: { before?: number; limit?: number }): Promise<{ items: Alert[] }> {
  authorize(principal, 'audit:read-alerts', LOG);
  return { items: await listAlerts(platform.store, query.before, query.limit ?? 100) };
}

/** Department and system names for a page of accesses, read once per page. */
async function directory(db: Queryable, departments: Iterable<string>) {
  const all = new Map((await listDepartments(db)).map((d) => [d.code, d]));
  const systems = new Map<string, string>();
  for (const code of new Set(departments)) {
    if (all.has(code)) for (const c of await departmentSystems(db, code)) systems.set(c.clientId, c.name);
  }
  return { department: (code: string | null) => (code ? all.get(code) : undefined), system: (id: string | null) => (id ? systems.get(id) : undefined) };
}

/** The entries that are uses of a holder's data, and what each is to the holder. */
const USES_OF_DATA: Record<string, 'exchange' | 'report' | 'read'> = {
  // A department's system received its data (a lookup, a batch, an event).
  'exchange.accessed': 'exchange',
  // A department reported what it holds of it, to be compared with its license (src/quality).
  'quality.reported': 'report',
  // A person read it: a license in full, its versions, evidence, its access log, its authorisations (src/platform/reads.ts).
  'data.read': 'read',
};

/**
 * Who used my data (数据使用记录): every use of the holder's data, newest first, each with its
 * inclusion proof against the page's signed tree head (the holder itself).
 */
export async function holderAccessLog(platform: Platform, principal: Principal, holderCode: string, query: { before?: number; limit?: number }) {
  authorize(principal, 'audit:read-access-log', { type: 'HolderAccessLog', id: holderCode, attrs: { holderCode } });
  const db = platform.store;
  const treeHead = await currentTreeHead(platform);
  const limit = query.limit ?? 20;
  // The holder's uses under the tree head (its postings, newest first), each read from its bundle.
  const found = await findEntries(db, { holder: holderCode, before: query.before }, limit, { bound: treeHead.treeSize, types: Object.keys(USES_OF_DATA), cache: logCache(platform) });
  const entries = found.map((f) => ({ index: f.index, text: f.text, entry: f.entry }));
  // The coordination office reading a holder's log is itself a use of its data (the holder reading its own is not).
  await recordRead(platform, principal, { what: 'access-log', subject: holderCode, holderCode, count: entries.length });
  const proofs = entries.length > 0 ? await inclusionProofs(db, entries.map((e) => e.index), treeHead.treeSize, true, logCache(platform)) : [];
  const names = await directory(db, entries.map((e) => columnsOf(e.entry).department ?? ''));
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    holderCode,
    treeHead,
    items: entries.map(({ index, text: raw, entry }, i) => {
      const c = columnsOf(entry);
      const department = names.department(c.department);
      const known = c.purpose ? findPurpose(c.purpose) : undefined;
      const fields = (entry.data as { fields?: unknown }).fields;
      return {
        index,
        kind: USES_OF_DATA[entry.type] ?? 'exchange',
        at: entry.at,
        department: { code: c.department, name: department?.name ?? null, nameEn: department?.nameEn ?? null },
        system: { clientId: c.clientId, name: names.system(c.clientId) ?? null },
        purpose: { code: c.purpose, name: known?.name ?? null, nameEn: known?.nameEn ?? null },
        fields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [],
        outcome: text(c.outcome),
        entry,
        leafHash: hexLeaf(raw),
        proof: proofs[i],
      };
    }),
    next: entries.length === limit && entries[entries.length - 1].index > 0 ? entries[entries.length - 1].index : null,
  };
}
