// A worker thread starts without the TypeScript loader its parent may have: when the entry is a
// TypeScript source (tests, tsx in development), register it first; the compiled build needs none.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
