/**
 * Field-by-field differences between two versions of a license's registered particulars: what an
 * amendment (变更) changed, in the standard's order of the fields, then any others by name.
 */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Absent and empty text are the same (not given); null is a value of its own (长期: open-ended). */
const normal = (v: unknown) => (v === undefined || v === '' ? undefined : v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(normal(a)) === JSON.stringify(normal(b));

export function diffData(before: Record<string, unknown>, after: Record<string, unknown>, order: readonly string[] = []): FieldChange[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const ordered = [...order.filter((name) => names.has(name)), ...[...names].filter((name) => !order.includes(name)).sort()];
  return ordered.filter((field) => !same(before[field], after[field])).map((field) => ({ field, before: before[field], after: after[field] }));
}
