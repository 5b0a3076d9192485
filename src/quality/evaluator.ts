/**
 * The full pass's rules in a worker thread (issue 10, docs/benchmarks.md): the main thread reads and
 * writes the pages while this thread evaluates one, so the rules' interpreter and `pg`'s parsing
 * each keep a core busy. A page arrives as the rows of the pass's query (the data as `jsonb` text,
 * parsed here, not on the main thread) with the definitions of the type versions the pass serves;
 * what goes back is what the write needs: the findings and each license's identity key (the
 * normalised values of its distinct-values rule). Run by WorkerPool (src/platform/workers); any failure
 * here (a rule that throws) makes the pass evaluate in its own thread instead, where the same error
 * surfaces as before.
 */
import { parentPort } from 'node:worker_threads';
import { compileLicenseType, type LicenseTypeDefinition, type LicenseTypeStandard } from '../standards/index.ts';
import { evaluateBatch } from './findings.ts';
import { identityKey } from './rules.ts';
import { toVersion, type VersionRow } from './versions.ts';

// The type versions of the main thread's registry, each compiled once here (a published version never changes).
const compiled = new Map<string, LicenseTypeStandard>();
function typesOf(definitions: readonly LicenseTypeDefinition[]) {
  const byVersion = new Map<string, LicenseTypeStandard>();
  for (const definition of definitions) {
    const id = `${definition.key}@${definition.version}`;
    let standard = compiled.get(id);
    if (!standard) compiled.set(id, (standard = compileLicenseType(definition)));
    byVersion.set(id, standard);
  }
  return (key: string, version: string) => byVersion.get(`${key}@${version}`);
}

parentPort?.on('message', ({ rows, types }: { rows: VersionRow[]; types: LicenseTypeDefinition[] }) => {
  try {
    const typeOf = typesOf(types);
    const { checked, findings } = evaluateBatch(rows.map((r) => toVersion(r, typeOf)));
    parentPort?.postMessage({ ok: true, value: { findings, identityKeys: checked.map((v) => identityKey(v.standard, v.data)) } });
  } catch (error) {
    parentPort?.postMessage({ ok: false, error: (error as Error).message });
  }
});
