import canonicalizeModule from 'canonicalize';
import { entriesOf, canonicalJson } from '../../src/audit/entries.ts';
import { accessEvent } from '../../test/audit/support.ts';
const canonicalize = canonicalizeModule as unknown as (v: unknown) => string;
const INT = /^(0|[1-9][0-9]*)$/;
function sorted(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  const keys = Object.keys(v).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) { if (INT.test(k)) throw new Error('int'); out[k] = sorted((v as Record<string, unknown>)[k]); }
  return out;
}
const entries = Array.from({ length: 20000 }, (_, i) => entriesOf(accessEvent({ department: 'D', client: 'c', holders: [`H${i}`] }))[0]);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (const e of entries) canonicalize(e); console.log('canonicalize', ((performance.now() - t) / 20).toFixed(2), 'us');
  t = performance.now(); for (const e of entries) JSON.stringify(sorted(e)); console.log('sorted+stringify', ((performance.now() - t) / 20).toFixed(2), 'us');
  t = performance.now(); for (const e of entries) canonicalJson(e); console.log('canonicalJson', ((performance.now() - t) / 20).toFixed(2), 'us');
}
let same = 0; for (const e of entries) if (canonicalize(e) === JSON.stringify(sorted(e))) same++; console.log('same', same);
