/**
 * License types are documents (issue 15): code outside the shipped type documents, the demo and the
 * tests names no particular type — neither its key nor one of its fields. A field name that is also
 * a word of the platform's own vocabulary (a credential's metadata, a credit code's parts, the
 * catalog) is not a type's field there, so those few are allowed; every other field name of a
 * shipped type, and every key, fails this test wherever it appears in src/ or web/src. SQL
 * migrations are history (a migration is never edited) and are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedDefinitions } from '../../src/standards/index.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Words every type may use and the platform uses for itself: a credential's metadata (GB/T 36903), a holder's name, a credit code's parts (GB 32100). */
const PLATFORM_WORDS = new Set(['name', 'issuedOn', 'licenseNumber', 'registrationAuthority']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return ['node_modules', 'dist', 'demo', 'types', 'migrations'].includes(entry) ? [] : files(path);
    return /\.(ts|tsx|cedar|json)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

describe('code names no particular license type', () => {
  const definitions = shippedDefinitions();
  const words = [...new Set(definitions.flatMap((d) => [d.key, ...Object.keys(d.dataSchema.properties)]))].filter((w) => !PLATFORM_WORDS.has(w));

  it('knows the shipped types and their fields (the baseline of the check below)', () => {
    expect(words).toEqual(expect.arrayContaining(['business-license', 'food-business-license', 'registeredCapital', 'domicile', 'operatorName', 'premises']));
  });

  it('finds none of their keys or fields in src/ (outside the demo and the type documents)', () => {
    const found: string[] = [];
    for (const file of files(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const word of words) {
        // A word on its own: not a part of a longer identifier or key.
        if (new RegExp(`(?<![A-Za-z0-9-])${word.replace(/-/g, '\\-')}(?![A-Za-z0-9-])`).test(text)) found.push(`${relative(ROOT, file)}: ${word}`);
      }
    }
    expect(found).toEqual([]);
  });
});
