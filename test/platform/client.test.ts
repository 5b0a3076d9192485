/**
 * The typed client (client/, `@certbridge/client`) is generated from the routes: its committed
 * types are what `npm run client:generate` makes from today's OpenAPI document, and they type the
 * problems (no error typed as `never`). It is used for real in test/exchange/integration-doc.test.ts.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { clientTypes } from '../../client/generate.ts';
import { testStoreKind } from '../support/store.ts';

// Made from a throwaway embedded store whichever project runs the suite: once is enough.
it.runIf(testStoreKind() === 'pglite')('client/schema.d.ts is what the routes make today (else: npm run client:generate)', async () => {
  const committed = readFileSync(new URL('../../client/schema.d.ts', import.meta.url), 'utf8');
  const today = await clientTypes();
  expect(today === committed, 'client/schema.d.ts is stale: run npm run client:generate and commit it').toBe(true);
  // Problems are typed: the exchange's 403 answers a Problem.
  expect(today).toMatch(/403: \{\s*headers: \{[^}]*\};\s*content: \{\s*"application\/problem\+json": components\["schemas"\]\["Problem"\];/);
}, 120_000);
