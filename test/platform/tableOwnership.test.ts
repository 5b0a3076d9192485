/**
 * One owner per table: a table belongs to the capability whose migrations create it, and only that
 * capability's code names it in SQL; others read through its facade. Every string and template
 * literal of src/ is taken from the TypeScript syntax tree (interpolations stand for unknown text),
 * SQL comments and quoted text are dropped, and each table named after FROM, JOIN, INTO, UPDATE,
 * TABLE or DELETE FROM is checked against its owner.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { files, literalsOf } from '../support/sourceLiterals.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;

const folderOf = (path: string) => relative(SRC, path).split('/')[0];

/** Table → the folder whose migrations create it (the kernel's are `platform`'s). */
function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of files(SRC, (name) => name.endsWith('.sql')).filter((f) => f.includes('/migrations/'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/gi)) {
      owners.set(m[1].toLowerCase(), folderOf(file));
    }
  }
  return owners;
}

/** Tables a piece of SQL names, its comments and quoted text left out. */
export function tablesNamedBy(sql: string): string[] {
  const code = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
  if (!/\b(select|insert|update|delete|with|create|alter|drop|truncate|copy)\b/i.test(code)) return [];
  return [...code.matchAll(/\b(?:from|join|into|update|table|copy)\s+(?:only\s+)?([a-z_][a-z0-9_]*)\b/gi)].map((m) => m[1].toLowerCase());
}

describe('one owner per table', () => {
  const owners = tableOwners();

  it('knows the tables of every capability from their migrations', () => {
    expect(owners.get('licenses')).toBe('licenses');
    expect(owners.get('agreements')).toBe('agreements');
    expect(owners.get('signing_keys')).toBe('platform');
    expect(owners.size).toBeGreaterThan(40);
  });

  it('finds a foreign table in SQL, whether in a string, a template or after an interpolation', () => {
    const sample = [
      "const a = 'select id from agreements where x = 1';",
      'const b = `select l.id from licenses l join ${t} v on true`;',
      "const c = 'the licenses it holds'; // prose, not SQL",
      "const d = `insert into outbox (x) values ('from licenses')`;",
    ].join('\n');
    const named = literalsOf(sample).flatMap(tablesNamedBy).filter((t) => owners.has(t));
    expect(named).toEqual(['agreements', 'licenses', 'outbox']);
  });

  it('no capability names another capability’s table in SQL', () => {
    const offences: string[] = [];
    for (const file of files(SRC, (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      const folder = folderOf(file);
      for (const sql of literalsOf(readFileSync(file, 'utf8'), file)) {
        for (const table of tablesNamedBy(sql)) {
          const owner = owners.get(table);
          if (owner && owner !== folder) offences.push(`${relative(SRC, file)} names ${table} (owned by ${owner})`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
