/**
 * The full pass's rules in a worker thread (issue 10, docs/benchmarks.md): the main thread reads and
 * writes the pages while this thread evaluates one, so the rules' interpreter and `pg`'s parsing
 * each keep a core busy. A page arrives as the rows of the pass's query (the data as `jsonb` text,
 * parsed here, not on the main thread); what goes back is what the write needs: the findings and
 * each license's normalised name and domicile. Run by WorkerPool (src/platform/workers); any failure
 * here (a rule that throws) makes the pass evaluate in its own thread instead, where the same error
 * surfaces as before.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateBatch } from './findings.ts';
import { identityKey } from './rules.ts';
import { toVersion, type VersionRow } from './versions.ts';

parentPort?.on('message', (rows: VersionRow[]) => {
  try {
    const { checked, findings } = evaluateBatch(rows.map(toVersion));
    parentPort?.postMessage({ ok: true, value: { findings, identityKeys: checked.map((v) => identityKey(v.licenseType, v.data)) } });
  } catch (error) {
    parentPort?.postMessage({ ok: false, error: (error as Error).message });
  }
});
