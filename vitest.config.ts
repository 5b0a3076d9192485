import { defineConfig } from 'vitest/config';

// The whole suite runs on the embedded store (PGlite), and again on a real PostgreSQL when
// TEST_DATABASE_URL is set (.ci/run sets it to a fresh database).
const stores = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    projects: stores.map((store) => ({
      extends: true,
      test: {
        name: store,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        env: { CERTBRIDGE_TEST_STORE: store, CERTBRIDGE_LOG_LEVEL: 'warn' },
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    })),
    pool: 'forks',
    maxWorkers: 2,
  },
});
