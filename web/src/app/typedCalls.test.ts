/**
 * The console calls the platform only through its typed client (`platform`, `$api` in api.ts,
 * typed from the OpenAPI document by @certbridge/client), and writes no server type by hand: a
 * type of what the server sends is derived (`Answer<…>`, `Body<…>`), never declared as an object
 * beside a comment naming the API path it copies.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB_SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sources(WEB_SRC).map((path) => ({ path: relative(WEB_SRC, path), text: readFileSync(path, 'utf8') }));

/** Places that talk to the server without the typed client, and why they may. */
const UNTYPED_ALLOWED: Record<string, RegExp> = {
  // An upload's progress needs XMLHttpRequest (fetch reports none); the path and answer are typed there.
  'areas/issuer/ImportPage.tsx': /new XMLHttpRequest\(\)/g,
};

describe('the console and the contract', () => {
  it('calls the platform only through the typed client', () => {
    const untyped = files.flatMap(({ path, text }) => {
      const found = [...text.matchAll(/\bfetch\(|new XMLHttpRequest\(\)|\bapi<|\bapi\(/g)].map((m) => m[0]);
      const allowed = UNTYPED_ALLOWED[path];
      return found.filter((call) => !(allowed && call.match(allowed))).map((call) => `${path}: ${call}`);
    });
    expect(untyped).toEqual([]);
  });

  it('declares no type of a server answer by hand', () => {
    const handWritten = files.flatMap(({ path, text }) =>
      [...text.matchAll(/\/\*\*([^*]|\*(?!\/))*\/api\/[^*]*\*\/\s*(export )?(interface \w+|type \w+(<[^>]*>)? = \{)/g)].map((m) => `${path}: ${m[3]}`),
    );
    expect(handWritten).toEqual([]);
  });
});
