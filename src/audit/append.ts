/**
 * Appending: the one writer of the audit capability. Every logged domain event becomes one or
 * more entries written with the change that published it — into `audit_entries` (where the entry
 * stays for good) and `audit_pending` (its id, until the sequencer gives it a leaf) — so an entry
 * is durable iff the change or access it records committed. The write is two data-modifying CTEs
 * that a hot publisher (the exchange's access recorder) folds into its own statement: one round
 * trip for its records and their entries. Canonicalising happens here, on the publisher's thread;
 * hashing and the tree are the sequencer's.
 */
import type { DomainEvent, EventWrite } from '../platform/events.ts';
import { entriesOf, isLogged, prepareEntry, type PreparedEntry } from './entries.ts';

// One array per column; ids are taken in the order of the rows, so entry ids follow the order of
// the events. A prepared statement on PostgreSQL (planned once per connection), plain SQL on both stores.
const APPEND = `audit_written as (
    insert into audit_entries (type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, entry)
    select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    returning id
  ),
  audit_queued as (insert into audit_pending (id) select id from audit_written)`;

/** The write that appends prepared entries (undefined when there are none). */
export function appendWrite(prepared: readonly PreparedEntry[]): EventWrite | undefined {
  if (prepared.length === 0) return undefined;
  const column = <T>(pick: (p: PreparedEntry) => T) => prepared.map(pick);
  return {
    ctes: APPEND,
    params: [
      column((p) => p.columns.type),
      column((p) => p.columns.at),
      column((p) => p.columns.department),
      column((p) => p.columns.clientId),
      column((p) => p.columns.purpose),
      column((p) => p.columns.outcome),
      column((p) => p.columns.holderCode),
      column((p) => p.columns.agreementId),
      column((p) => p.columns.licenseType),
      column((p) => p.text),
    ],
    name: 'audit.append',
  };
}

export function prepareEvents(events: readonly DomainEvent[]): PreparedEntry[] {
  const prepared: PreparedEntry[] = [];
  for (const event of events) {
    if (!isLogged(event.type)) continue;
    for (const entry of entriesOf(event)) prepared.push(prepareEntry(entry));
  }
  return prepared;
}

/** Registered for every event: what the log appends for a publish. */
export const appendWriter = (events: readonly DomainEvent[]): EventWrite | undefined => appendWrite(prepareEvents(events));
