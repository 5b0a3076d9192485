/**
 * Log entries: what a domain event becomes in the log, its canonical bytes (RFC 8785 JCS) and
 * the columns the log is queried by (derived from the entry, so `audit verify` can recheck them).
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { DomainEvent } from '../platform/events.ts';

// A CommonJS module (`module.exports = serialize`) whose typings declare an ES default export:
// under NodeNext the default import is the function at run time but typed as the module.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** The facts of an entry the log is searched by (v2): what its event declared. */
export interface EntryFacts {
  department: string | null;
  clientId: string | null;
  purpose: string | null;
  outcome: string | null;
  holderCode: string | null;
  agreementId: string | null;
  licenseType: string | null;
}

/**
 * One log entry: the JSON object whose RFC 8785 bytes are hashed into the tree. Version 2 entries
 * carry the facts their event declared (the columns the log is searched by); entries written
 * before (no `v`) had only `data`, and their columns are derived as they were then.
 */
export interface AuditEntry {
  v?: 2;
  type: string;
  subject: string;
  actor: string;
  /** ISO 8601 (UTC, milliseconds), when the change or access happened. */
  at: string;
  facts?: EntryFacts;
  data: Record<string, unknown>;
}

/** Event types never logged: notifications are derived from logged events, not facts of their own. */
const NOT_LOGGED = ['notification.', 'audit.'];

export const isLogged = (type: string): boolean => !NOT_LOGGED.some((prefix) => type.startsWith(prefix));

/** The columns an entry is found by. Every one is a function of the entry alone (`audit verify` rechecks them). */
export interface EntryColumns {
  type: string;
  at: string;
  department: string | null;
  clientId: string | null;
  purpose: string | null;
  outcome: string | null;
  holderCode: string | null;
  agreementId: string | null;
  licenseType: string | null;
}

// PostgreSQL's text cannot hold NUL, and a caller's odd input must not fail the records of others
// written in the same statement: control characters, which no code, id or date contains, are
// dropped from the columns (the entry itself keeps them, escaped by canonical JSON).
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f]/g;
const str = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const c = HAS_CONTROL.test(v) ? v.replace(CONTROLS, '') : v;
  return c === '' ? null : c;
};

export function columnsOf(entry: AuditEntry): EntryColumns {
  if (entry.v !== 2 || !entry.facts) return legacyColumnsOf(entry);
  const f = entry.facts;
  return {
    type: str(entry.type) ?? '',
    at: entry.at,
    department: str(f.department),
    clientId: str(f.clientId),
    purpose: str(f.purpose),
    outcome: str(f.outcome),
    holderCode: str(f.holderCode),
    agreementId: str(f.agreementId),
    licenseType: str(f.licenseType),
  };
}

/**
 * The columns of an entry written before entries declared their facts (no `v`): derived from its
 * data as they were when it was written, so that `audit verify` still rechecks them. Nothing new
 * is written this way.
 */
function legacyColumnsOf(entry: AuditEntry): EntryColumns {
  const d = entry.data;
  let department: string | null = null;
  for (const key of ['department', 'consumerDepartment', 'departmentCode', 'issuerCode', 'ownerDepartment', 'providerDepartment']) {
    department = str(d[key]);
    if (department) break;
  }
  const actor = str(entry.actor);
  const direct = str(d.agreementId);
  return {
    type: str(entry.type) ?? '',
    at: entry.at,
    department,
    clientId: str(d.clientId) ?? str(d.client) ?? (actor && actor !== 'system' && !actor.startsWith('holder:') ? actor : null),
    purpose: str(d.purpose),
    outcome: str(d.outcome),
    holderCode: str(d.holderCode),
    agreementId: direct ?? (d.basis === 'agreement' && Array.isArray(d.basisIds) ? str(d.basisIds[0]) : null),
    licenseType: str(d.licenseType),
  };
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The entries an event becomes. A member `data` holding an object (a license version's fields) is
 * kept as its SHA-256 (of its RFC 8785 bytes) instead — the version itself is immutable and
 * issuer-signed in the license store, and the digest binds the log to it without copying it. An
 * event about several holders (a batch lookup) becomes one entry per holder, so a holder's proof
 * never shows which other enterprises were looked up in the same call.
 */
export function entriesOf(event: DomainEvent): AuditEntry[] {
  // The event's data is shared, not copied, where nothing changes: canonicalising never mutates.
  let data: Record<string, unknown> = isPlainObject(event.data) ? (event.data as Record<string, unknown>) : {};
  if (isPlainObject(data.data)) {
    const { data: fields, ...rest } = data;
    data = { ...rest, dataSha256: sha256Hex(canonicalJson(fields)) };
  }
  const at = event.at instanceof Date ? event.at : new Date(String(event.at));
  const f = event.facts;
  const facts = (holderCode: string | null): EntryFacts => ({
    department: f.department ?? null,
    clientId: f.clientId ?? null,
    purpose: f.purpose ?? null,
    outcome: f.outcome ?? null,
    holderCode,
    agreementId: f.agreementId ?? null,
    licenseType: f.licenseType ?? null,
  });
  const base = {
    v: 2 as const,
    type: event.type,
    subject: String(event.subject),
    actor: String(event.actor),
    at: (Number.isNaN(at.getTime()) ? new Date() : at).toISOString(),
  };
  const holders = (f.holderCodes ?? []).filter((h): h is string => typeof h === 'string');
  if (holders.length === 0) return [{ ...base, facts: facts(null), data }];
  // The entry's data names its holder as entries always have (readers of `data.holderCode` keep working).
  if (holders.length === 1) return [{ ...base, facts: facts(holders[0]), data: { ...data, holderCode: holders[0] } }];
  return holders.map((holderCode, i) => ({ ...base, facts: facts(holderCode), data: { ...data, holderCode, batchSize: holders.length, batchPosition: i } }));
}

// Strings with lone surrogates cannot be encoded as UTF-8; RFC 8785 (via I-JSON) forbids them.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k) as string, wellFormed(v)]));
  return value;
}

/**
 * RFC 8785 canonical JSON. `canonicalize` serialises numbers and strings with ECMAScript's
 * JSON.stringify, which is exactly what RFC 8785 §3.2.2 prescribes, and sorts members by UTF-16
 * code units (§3.2.3); tests pin it to the RFC's Appendix B number samples. Values JSON cannot
 * carry (NaN, Infinity, functions) are normalised as JSON.stringify would (a BigInt becomes its
 * decimal string) rather than failing the change being logged, and lone surrogates become U+FFFD.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch {
    text = canonicalize(JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null'));
  }
  if (text === undefined) throw new Error('value has no JSON representation');
  // JSON.stringify escapes only lone surrogates as \udXXX; a pair is emitted as is.
  if (text.includes('\\ud')) {
    const repaired = canonicalize(wellFormed(JSON.parse(text)));
    if (repaired !== undefined) text = repaired;
  }
  return text;
}

export interface PreparedEntry {
  /** The RFC 8785 text: what is stored and hashed. */
  text: string;
  columns: EntryColumns;
  /** The access's operation (`data.operation`: lookup, batch, event), what access counts are kept by. */
  operation: string | null;
}

/** The longest entry an entry bundle holds (C2SP tlog-tiles: a uint16 length). */
export const MAX_ENTRY_BYTES = 0xffff;

/** Canonicalises an entry and derives its columns. */
export function prepareEntry(entry: AuditEntry): PreparedEntry {
  let text = canonicalJson(entry);
  // An entry bundle holds entries of at most 64 KiB: a larger one keeps its data's digest instead,
  // as a license change keeps its version's (the change it records is not failed).
  if (text.length > MAX_ENTRY_BYTES / 3 && Buffer.byteLength(text, 'utf8') > MAX_ENTRY_BYTES) {
    const shortened = { ...entry, data: { dataSha256: sha256Hex(canonicalJson(entry.data)), omitted: 'the entry was longer than 64 KiB' } };
    text = canonicalJson(shortened);
  }
  const operation = entry.data.operation;
  return { text, columns: columnsOf(entry), operation: typeof operation === 'string' ? operation : null };
}

/** The events' entries, prepared (events the log does not keep are left out). */
export function prepareEvents(events: readonly DomainEvent[]): PreparedEntry[] {
  const prepared: PreparedEntry[] = [];
  for (const event of events) {
    if (!isLogged(event.type)) continue;
    for (const entry of entriesOf(event)) prepared.push(prepareEntry(entry));
  }
  return prepared;
}

/** Parses a stored entry; undefined if it is not a JSON object of the entry's shape. */
export function parseEntry(text: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value) || typeof value.type !== 'string' || typeof value.at !== 'string' || !isPlainObject(value.data)) return undefined;
  return value as unknown as AuditEntry;
}
