/**
 * The audit log's entries as tests read them: every entry appended so far, in log order, read
 * through the audit log's facade (its bundles), not its tables.
 */
import { followLog } from '../../src/audit/index.ts';
import type { AuditEntry } from '../../src/audit/entries.ts';
import type { Queryable } from '../../src/platform/store/store.ts';

export async function loggedEntries(db: Queryable, types?: readonly string[]): Promise<{ index: number; entry: AuditEntry }[]> {
  const found: { index: number; entry: AuditEntry }[] = [];
  for (let after = -1; ; ) {
    const page = await followLog(db, after, 5000, types, { through: 'appended' });
    found.push(...page.entries.map(({ index, entry }) => ({ index, entry })));
    if (page.last === null) return found;
    after = page.last;
  }
}
