import { prepareTemplates } from './storeTemplate.ts';

/**
 * Picks the run's seed of generated data once (unless TEST_SEED is given) and says how to replay
 * it; builds the migrated store templates the test files copy (test/support/storeTemplate.ts).
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.TEST_SEED ||= String(Date.now() % 100_000);
  // Each project of the run sets up globally; the seed is said once.
  if (process.env.TEST_SEED_SAID !== process.env.TEST_SEED) {
    process.env.TEST_SEED_SAID = process.env.TEST_SEED;
    process.stdout.write(`[seed] generated test data from TEST_SEED=${process.env.TEST_SEED} (replay: TEST_SEED=${process.env.TEST_SEED} npm test)\n`);
  }
  return prepareTemplates();
}
