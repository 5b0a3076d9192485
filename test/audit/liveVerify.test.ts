/**
 * `audit verify` beside a live server: while a publisher appends entries and the sequencer puts
 * them into the tree and signs tree heads, verify runs 20 times and must never report tampering
 * that did not happen (the second outside test saw 8 false alarms in 10 runs on PostgreSQL: the tree
 * size and the leaves were read outside one snapshot). test/audit/tamper.test.ts proves it still
 * catches every tampering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequence, verifyLog } from '../../src/audit/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { accessEvent, HOLDERS, publish } from './support.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({}, { authoriseIssuers: false });
});
afterAll(() => t?.close());

describe('audit verify on a live log', () => {
  it('20 runs while entries are appended and sequenced: no false alarm, each bounded by the tree size of its snapshot', async () => {
    let running = true;
    let published = 0;
    let sequenced = 0;
    const department = t.consumer.department.code;
    const publisher = (async () => {
      for (let round = 0; running; round++) {
        await publish(
          t.platform,
          HOLDERS.map((h) => accessEvent({ department, client: t.consumer.clientId, holders: [h], purpose: round % 2 ? 'tax-administration' : 'social-insurance' })),
        );
        published += HOLDERS.length;
      }
    })();
    const sequencer = (async () => {
      while (running) {
        sequenced += (await sequence(t.platform)).sequenced;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      const sizes: number[] = [];
      for (let run = 0; run < 20; run++) {
        // Small chunks: many reads per run, each a chance for the sequencer to commit in between.
        const report = await verifyLog(t.platform, { chunk: 64 });
        expect(report.problem, `run ${run}`).toBeUndefined();
        expect(report.ok).toBe(true);
        expect(report.entriesChecked).toBe(report.treeSize);
        sizes.push(report.treeSize);
      }
      // The log really moved under the runs.
      expect(sizes[sizes.length - 1]).toBeGreaterThan(sizes[0]);
    } finally {
      running = false;
      await Promise.all([publisher, sequencer]);
    }
    expect(published).toBeGreaterThan(0);
    expect(sequenced).toBeGreaterThan(0);
  });
});
