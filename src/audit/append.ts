/**
 * Appending: the one listener of the audit capability. Every logged domain event becomes one or
 * more entries queued in the transaction that published it (one multi-row insert per publish),
 * so an entry is durable iff the change or access it records committed. Canonicalising and
 * hashing happen here, on the publisher's thread; the tree is built later by the sequencer.
 */
import type { DomainEvent, EventListener } from '../platform/events.ts';
import type { Queryable } from '../platform/store/store.ts';
import { entriesOf, isLogged, prepareEntry, type PreparedEntry } from './entries.ts';

export async function enqueue(tx: Queryable, prepared: readonly PreparedEntry[]): Promise<void> {
  if (prepared.length === 0) return;
  const col = <T>(pick: (p: PreparedEntry) => T) => prepared.map(pick);
  await tx.query(
    `insert into audit_queue (entry, leaf_hash, type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, expected_volume)
     select t.entry, t.leaf_hash, t.type, t.at, t.department, t.client_id, t.purpose, t.outcome, t.holder_code, t.agreement_id, t.license_type, t.expected_volume
       from unnest(string_to_array($1, chr(10)), $2::bytea[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::int[]) with ordinality
         as t(entry, leaf_hash, type, at, department, client_id, purpose, outcome, holder_code, agreement_id, license_type, expected_volume, ord)
      order by t.ord`,
    [
      // One string, not a text[]: PostgreSQL parses an array of long quoted JSON texts several
      // times slower than it splits one string. Canonical JSON never holds a raw newline.
      col((p) => p.text).join('\n'),
      col((p) => p.leafHash),
      col((p) => p.columns.type),
      col((p) => p.columns.at),
      col((p) => p.columns.department),
      col((p) => p.columns.clientId),
      col((p) => p.columns.purpose),
      col((p) => p.columns.outcome),
      col((p) => p.columns.holderCode),
      col((p) => p.agreementId),
      col((p) => p.licenseType),
      col((p) => p.expectedVolume),
    ],
  );
}

export function prepareEvents(events: readonly DomainEvent[]): PreparedEntry[] {
  const prepared: PreparedEntry[] = [];
  for (const event of events) {
    if (!isLogged(event.type)) continue;
    for (const entry of entriesOf(event)) prepared.push(prepareEntry(entry));
  }
  return prepared;
}

export const appendListener: EventListener = (tx, events) => enqueue(tx, prepareEvents(events));
