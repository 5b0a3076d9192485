/**
 * Appending: the one listener of the audit capability. Every logged domain event becomes one or
 * more entries written in the transaction that published it — one statement per publish, into
 * `audit_entries` (where the entry stays for good) and `audit_pending` (its id, until the
 * sequencer gives it a leaf) — so an entry is durable iff the change or access it records
 * committed. Canonicalising happens here, on the publisher's thread; hashing and the tree are
 * the sequencer's.
 */
import type { DomainEvent, EventListener } from '../platform/events.ts';
import type { Queryable } from '../platform/store/store.ts';
import { entriesOf, isLogged, prepareEntry, type PreparedEntry } from './entries.ts';

/**
 * All the entries of a publish travel as ONE text parameter: a line per entry, its columns
 * separated by U+001F and the canonical entry last. Neither the columns (see columnsOf) nor
 * canonical JSON (which escapes every control character) can contain the separators. Building
 * and splitting one string costs far less, on both sides, than binding an array per column: this
 * runs inside the exchange's flush transactions, on the server's one thread.
 */
export async function enqueue(tx: Queryable, prepared: readonly PreparedEntry[]): Promise<void> {
  if (prepared.length === 0) return;
  let lines = '';
  for (const { text, columns: c } of prepared) {
    if (lines !== '') lines += '\n';
    lines += `${c.type}\u001f${c.at}\u001f${c.department ?? ''}\u001f${c.clientId ?? ''}\u001f${c.purpose ?? ''}\u001f${c.outcome ?? ''}\u001f${c.holderCode ?? ''}\u001f${c.agreementId ?? ''}\u001f${c.licenseType ?? ''}\u001f${text}`;
  }
  // audit_append (see the migration) writes them into audit_entries and audit_pending; lines
  // come out of unnest in order, so entry ids follow the order of the events. A PL/pgSQL function
  // keeps its plan on both stores; the name prepares the call itself on PostgreSQL.
  await tx.query('select audit_append($1)', [lines], { name: 'audit.append' });
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
