import { performance } from 'node:perf_hooks';
import { openBenchPlatform } from '../common.ts';
import { accessEvent } from '../../test/audit/support.ts';
import { prepareEvents } from '../../src/audit/entries.ts';
const bench = await openBenchPlatform('postgres');
const { platform } = bench;
const make = (n: number) => Array.from({ length: n }, (_, i) => accessEvent({ department: '11370000MB0132851P', client: `tax-system-${i % 4}`, holders: [`9137${String(i*7919 % 100000).padStart(14, '0')}`] }));
const evs = make(20000);
let t = performance.now(); prepareEvents(evs); console.log('prepare', ((performance.now()-t)/20000*1000).toFixed(1), 'us/entry');
for (let round = 0; round < 2; round++) {
  const batches = Array.from({ length: 100 }, () => make(500));
  t = performance.now();
  for (const b of batches) await platform.store.transaction((tx) => platform.events.publish(tx, b));
  console.log('append 50k, 1 publisher', ((performance.now()-t)/50000*1000).toFixed(1), 'us/entry');
}
await bench.close();
