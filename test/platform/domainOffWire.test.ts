/**
 * Domain off the wire: only the edge knows where an input came from on the wire. Capabilities'
 * domain files name their inputs as domain fields (`/month`), and the problem handler maps them to
 * `querystring:/month`, `params:/type` or `header:x-purpose` by the route's schema; a literal with
 * a wire location, or an import of the HTTP layer's problems or server, outside the routes and the
 * kernel's HTTP folder fails this test.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { files, literalsOf } from '../support/sourceLiterals.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** The edge: route plugins (routes.ts, *Routes.ts), the composition root, and the kernel's HTTP and sign-in code. */
const isEdge = (path: string) => /(^|\/)(routes|[a-z]+Routes)\.ts$/.test(path) || /^(app|platform\/http|platform\/auth)\//.test(path) || path === 'platform/errors.ts';

const WIRE_LOCATION = /^(querystring|params|header|headers):/;
const HTTP_LAYER = /from '[./]+\/platform\/http\/(problems|server)\.ts'|from '\.\/http\/(problems|server)\.ts'/;

describe('domain off the wire', () => {
  it('recognises a wire location and an import of the HTTP layer', () => {
    expect(literalsOf("throw invalid('bad-month', 'x', { field: 'querystring:/month' });").some((l) => WIRE_LOCATION.test(l))).toBe(true);
    expect(literalsOf("throw invalid('bad-month', 'x', { field: '/month' });").some((l) => WIRE_LOCATION.test(l))).toBe(false);
    expect(HTTP_LAYER.test("import { statusOf } from '../platform/http/problems.ts';")).toBe(true);
  });

  it('no domain file names a wire location or imports the HTTP layer', () => {
    const offences: string[] = [];
    for (const file of files(SRC, (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      const path = relative(SRC, file);
      if (isEdge(path)) continue;
      const source = readFileSync(file, 'utf8');
      for (const literal of literalsOf(source, file)) if (WIRE_LOCATION.test(literal)) offences.push(`${path}: '${literal}'`);
      if (HTTP_LAYER.test(source)) offences.push(`${path} imports the HTTP layer`);
    }
    expect(offences).toEqual([]);
  });
});
