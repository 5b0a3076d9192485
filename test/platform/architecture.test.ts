/**
 * The shape of the code, checked: no import cycle; the kernel (src/platform) knows no capability;
 * capabilities reach each other through their index.ts (the facade) only; only the composition
 * root (src/app) wires capabilities and calls their CLI commands; routes never decide (the facades do).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every relative import of a source (static and dynamic, types included), as a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return found.map((spec) => relative(SRC, normalize(join(dirname(file), spec))));
}

const folderOf = (path: string) => path.split('/')[0];
const files = sources().map((f) => ({ path: relative(SRC, f), imports: importsOf(f) }));
const CAPABILITY_FOLDERS = [...new Set(files.map((f) => folderOf(f.path)))].filter((d) => !['app', 'platform', 'policy', 'demo'].includes(d));

describe('the architecture', () => {
  it('has no import cycle (madge, runtime imports)', async () => {
    const graph = await madge(SRC, { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: true } } });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });

  it('the kernel imports no capability, no policy and not the composition root', () => {
    const offending = files
      .filter((f) => folderOf(f.path) === 'platform')
      .flatMap((f) => f.imports.filter((i) => folderOf(i) !== 'platform').map((i) => `${f.path} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('capabilities reach each other through index.ts only; only src/app imports capability.ts', () => {
    const offending = files.flatMap((f) => {
      const from = folderOf(f.path);
      return f.imports
        .filter((i) => {
          const to = folderOf(i);
          if (to === from || to === 'platform' || to === 'policy') return false;
          if (from === 'app') return !(/^[a-z]+\/(index|capability|commands)\.ts$/.test(i) || to === 'demo');
          return !i.endsWith('/index.ts') || i.split('/').length !== 2;
        })
        .map((i) => `${f.path} → ${i}`);
    });
    expect(offending).toEqual([]);
    expect(CAPABILITY_FOLDERS.length).toBeGreaterThanOrEqual(10);
  });

  it('routes never decide: authorisation is in the facades', () => {
    const deciding = files.filter((f) => f.path.endsWith('/routes.ts') && /\b(authorize|decide)\(/.test(readFileSync(join(SRC, f.path), 'utf8')));
    expect(deciding.map((f) => f.path)).toEqual([]);
  });

  it('no role is checked outside the policies', () => {
    const checks = files.filter((f) => folderOf(f.path) !== 'policy' && /roles\.includes\(/.test(readFileSync(join(SRC, f.path), 'utf8')));
    expect(checks.map((f) => f.path)).toEqual([]);
  });
});
