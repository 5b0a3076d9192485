/**
 * The seed of a test run's generated data (credit codes, names, …): TEST_SEED when given, else one
 * picked by the run's global setup (test/support/globalSetup.ts) and printed there, so a failing run
 * can be replayed exactly: `TEST_SEED=<n> npm test`. The same in every worker of the run.
 */
export const TEST_SEED: number = Number.isSafeInteger(Number(process.env.TEST_SEED)) && process.env.TEST_SEED !== '' ? Number(process.env.TEST_SEED) : Date.now() % 100_000;
