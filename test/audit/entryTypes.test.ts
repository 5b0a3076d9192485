/**
 * The audit page names every entry type in Chinese and English (issue 18 part 5): the types the
 * server writes (src/audit/entryTypes.ts) each have a label in both languages, and the registry
 * holds every type an event can have — at compile time from the capabilities' event unions (npm
 * run typecheck fails on one missing), and here by finding every declaration of an event union in
 * the sources, so a new capability's events cannot go unnoticed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coordinatorMessages } from '../../web/src/areas/coordinator/messages.ts';
import type { AgreementEvent } from '../../src/agreements/index.ts';
import { AUDIT_ENTRY_TYPES, type AuditEntryType } from '../../src/audit/index.ts';
import { isLogged } from '../../src/audit/entries.ts';
import type { CatalogEvent } from '../../src/catalog/index.ts';
import type { DeliveriesEvent } from '../../src/deliveries/index.ts';
import type { ClientEvent } from '../../src/departments/index.ts';
import type { EvaluationEvent } from '../../src/evaluation/index.ts';
import type { AccessEvent } from '../../src/exchange/index.ts';
import type { HoldersEvent } from '../../src/holders/index.ts';
import type { LedgerEvent } from '../../src/ledger/index.ts';
import type { LicensesEvent } from '../../src/licenses/index.ts';
import type { ObjectionEvent } from '../../src/objections/index.ts';
import type { PeopleEvent } from '../../src/people/index.ts';
import type { LockOutEvent } from '../../src/platform/auth/signInGuard.ts';
import type { DataReadEvent } from '../../src/platform/reads.ts';
import type { PracticeEvent } from '../../src/practice/index.ts';
import type { QualityEvent } from '../../src/quality/index.ts';
import type { StandardsEvent } from '../../src/standards/index.ts';
import { testStoreKind } from '../support/store.ts';

type AnyEvent =
  | AgreementEvent
  | CatalogEvent
  | DeliveriesEvent
  | ClientEvent
  | EvaluationEvent
  | AccessEvent
  | HoldersEvent
  | LedgerEvent
  | LicensesEvent
  | ObjectionEvent
  | PeopleEvent
  | LockOutEvent
  | DataReadEvent
  | PracticeEvent
  | QualityEvent
  | StandardsEvent;

/** Where the event unions above are declared (relative to src/): a declaration elsewhere is one this file does not know. */
const DECLARED_IN = [
  'agreements/events.ts',
  'catalog/events.ts',
  'deliveries/events.ts',
  'departments/events.ts',
  'evaluation/events.ts',
  'exchange/events.ts',
  'holders/events.ts',
  'ledger/events.ts',
  'licenses/events.ts',
  'notifications/events.ts',
  'objections/events.ts',
  'people/events.ts',
  'platform/auth/signInGuard.ts',
  'platform/reads.ts',
  'practice/events.ts',
  'quality/events.ts',
  'standards/events.ts',
];

// Compile time: a logged event type missing from the registry makes `Missing` not never, and this line an error.
type Missing = Exclude<Extract<AnyEvent['type'], string>, AuditEntryType | `notification.${string}` | `audit.${string}`>;
const noneMissing: [Missing] extends [never] ? true : Missing = true;

const SRC = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'migrations' ? [] : sources(path);
    return entry.endsWith('.ts') && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

describe.runIf(testStoreKind() === 'pglite')('a name for every audit entry type', () => {
  it('knows every file that declares events', () => {
    expect(noneMissing).toBe(true);
    const declaring = sources(SRC)
      .filter((file) => /=\s*(\|\s*)?DomainEvent</.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file))
      .sort();
    expect(declaring).toEqual(DECLARED_IN);
  });

  it('registers only types the log keeps, once each', () => {
    expect(AUDIT_ENTRY_TYPES.filter((type) => !isLogged(type))).toEqual([]);
    expect(new Set(AUDIT_ENTRY_TYPES).size).toBe(AUDIT_ENTRY_TYPES.length);
  });

  it('has a Chinese and an English label for each, and no label for a type the server does not write', () => {
    const zh: Record<string, string> = coordinatorMessages['zh-CN'].audit.entryTypes;
    const en: Record<string, string> = coordinatorMessages.en.audit.entryTypes;
    expect(AUDIT_ENTRY_TYPES.filter((type) => typeof zh[type] !== 'string' || !/\p{Script=Han}/u.test(zh[type])), 'types without a Chinese label').toEqual([]);
    expect(AUDIT_ENTRY_TYPES.filter((type) => typeof en[type] !== 'string' || en[type] === type), 'types without an English label').toEqual([]);
    expect(Object.keys(zh).sort()).toEqual([...AUDIT_ENTRY_TYPES].sort());
    expect(Object.keys(en).sort()).toEqual([...AUDIT_ENTRY_TYPES].sort());
  });
});
