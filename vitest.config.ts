import { register } from 'tsx/esm/api';
import { configDefaults, defineConfig } from 'vitest/config';

// The test files run on Node's own module loader, the TypeScript stripped by tsx (as bin/certbridge.js
// does for an unbuilt checkout), not through Vite's module runner: each file imports the whole platform,
// and Vite's runner took about twice as long to load it (exchange.test.ts: 3.9 s against 1.9 s), a
// quarter of the suite's time. The global setups run in this process, hence the registration here.
register();

// The whole suite runs on the embedded store (PGlite), and again on a real PostgreSQL when
// TEST_DATABASE_URL is set (.ci/run sets it to a fresh database).
const stores = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

// The long fault tests (test/faults/*.fault.test.ts) run only with `npm run test:faults`
// (CERTBRIDGE_FAULTS=1, one file at a time); their short forms are ordinary *.test.ts files.
const FAULTS = 'test/faults/**/*.fault.test.ts';

// The browser tests (test/browser) drive Debian's Chromium against a real server on the embedded
// store: once, not per store; one Chromium serves every file (test/browser/globalSetup.ts). Without /usr/bin/chromium they are skipped, saying why.
const BROWSER = 'test/browser/**/*.test.ts';

// Tests that open no store (the capabilities' own unit tests in src/, and the checks of the sources,
// the code tables and the parsers) say the same on either store: they run once, with PGlite.
const STORE_FREE = [
  'src/**/*.test.ts',
  'test/platform/{architecture,tableOwnership,domainOffWire,config,deploy,cliHarness}.test.ts',
  // The embedded store's folder lock, between processes: DATABASE_URL is empty there on either store.
  'test/platform/dataDirLock.test.ts',
  'test/standards/noTypeInCode.test.ts',
  'test/policy/{schema,matrix}.test.ts',
  'test/audit/merkle.test.ts',
  'test/import/{mapping,readers}.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      ...stores.map((store) => ({
        extends: true as const,
        test: {
          name: store,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, FAULTS, BROWSER, ...(store === 'postgres' ? STORE_FREE : [])],
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
          // One Chromium for every browser file (each opens its own contexts on it).
          globalSetup: ['test/browser/globalSetup.ts'],
          // A page driven at CI's load (7–15 on 2 cores) sometimes misses a 30 s wait that takes 2 s alone;
          // one more try of that test only. A test that fails twice fails the run, and the retry is printed.
          retry: 1,
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
    // A worker runs its files one after another in one process, so the platform's modules (and PGlite's
    // WebAssembly) load once per worker instead of once per file: the pglite project's files took 117 s
    // isolated and 63 s shared (test/exchange, test/agreements, test/catalog and four of test/audit). No
    // file mocks a module or leaves global state behind (every test platform closes).
    isolate: false,
    execArgv: ['--import', 'tsx'],
    // No module mocking or in-source tests here, so no loader hooks for them (Node 20 has none to give).
    experimental: { viteModuleRunner: false, nodeLoader: false },
    maxWorkers: 2,
  },
});
