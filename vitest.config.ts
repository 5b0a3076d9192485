import { configDefaults, defineConfig } from 'vitest/config';

// The whole suite runs on the embedded store (PGlite), and again on a real PostgreSQL when
// TEST_DATABASE_URL is set (.ci/run sets it to a fresh database).
const stores = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

// The long fault tests (test/faults/*.fault.test.ts) run only with `npm run test:faults`
// (CERTBRIDGE_FAULTS=1, one file at a time); their short forms are ordinary *.test.ts files.
const FAULTS = 'test/faults/**/*.fault.test.ts';

// The browser tests (test/browser) drive Debian's Chromium against a real server on the embedded
// store: once, not per store. Without /usr/bin/chromium they are skipped, saying why.
const BROWSER = 'test/browser/**/*.test.ts';

export default defineConfig({
  test: {
    projects: [
      ...stores.map((store) => ({
        extends: true as const,
        test: {
          name: store,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, FAULTS, BROWSER],
          env: { CERTBRIDGE_TEST_STORE: store, CERTBRIDGE_LOG_LEVEL: 'warn' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
      // The console's own logic (web/src), in Node: no store, no browser.
      { extends: true as const, test: { name: 'web', include: ['web/src/**/*.test.ts'] } },
      {
        extends: true as const,
        test: {
          name: 'browser',
          include: [BROWSER],
          env: { CERTBRIDGE_TEST_STORE: 'pglite', CERTBRIDGE_LOG_LEVEL: 'warn' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      ...(process.env.CERTBRIDGE_FAULTS
        ? [{ extends: true as const, test: { name: 'faults', include: [FAULTS], env: { CERTBRIDGE_LOG_LEVEL: 'warn' }, testTimeout: 600_000, hookTimeout: 120_000 } }]
        : []),
    ],
    // One seed of generated test data per run, printed, replayed with TEST_SEED (test/support/seed.ts).
    globalSetup: ['test/support/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
