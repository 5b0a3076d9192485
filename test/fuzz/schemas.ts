/**
 * Values from the JSON Schemas of the OpenAPI document: a fast-check arbitrary of valid-shaped
 * values (strings of allowed length, pattern and enum, integers in range, required members), with
 * the platform's own values (credit codes, identifiers, purposes…) mixed in by member name so that
 * requests get past "not found" into the code behind it; and the member pointers of a schema, so
 * that every field can be replaced by a hostile value in turn.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

/** Known-good values by member or parameter name (the fixtures of the test). */
export type Dictionary = Record<string, readonly unknown[]>;

const asSchemas = (value: unknown): Schema[] => (Array.isArray(value) ? (value as Schema[]) : []);

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

const DATE_MIN = new Date('0000-01-01T00:00:00.000Z');
const DATE_MAX = new Date('9999-12-31T23:59:59.999Z');

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const declaredMax = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
  const maxLength = Math.max(minLength, Math.min(declaredMax, minLength + 48));
  const within = (s: string) => s.length >= minLength && s.length <= declaredMax;
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern)).filter(within);
  }
  if (schema.format === 'date-time') {
    // Whole range of four-digit years: the edges (year 0000, 9999) are where databases differ from JSON Schema.
    return fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (schema.format === 'date') return fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(Math.max(minLength, 1)), 'x'.repeat(maxLength)).filter(within) },
  );
}

function integerArbitrary(schema: Schema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -1000;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : 1000;
  // The bounds themselves are the most interesting values: MAX_SAFE_INTEGER where the edge added it.
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(min, max) }, { weight: 1, arbitrary: fc.integer({ min: Math.max(min, -1e6), max: Math.min(max, 1e6) }) }, {
    weight: 1,
    arbitrary: fc.maxSafeInteger().filter((n) => n >= min && n <= max),
  });
}

/** Whether `value` has the JSON type `schema` asks for (items of arrays included): enough to pick dictionary values that fit. */
export function fits(value: unknown, schema: Schema): boolean {
  const alternatives = [...asSchemas(schema.anyOf), ...asSchemas(schema.oneOf)];
  if (alternatives.length > 0) return alternatives.some((s) => fits(value, s));
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).includes(value);
  const types = typesOf(schema);
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case 'string':
        return typeof value === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value) && value.every((item) => fits(item, (schema.items as Schema | undefined) ?? {}));
      case 'object':
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      default:
        return true;
    }
  });
}

/** A valid-shaped value of `schema`; `name` is the member or parameter it is for. */
export function arbitraryOf(schema: Schema, dictionary: Dictionary, name = '', depth = 0): fc.Arbitrary<unknown> {
  const known = (dictionary[name] ?? []).filter((v) => fits(v, schema));
  const shaped = shapedArbitrary(schema, dictionary, depth);
  if (known && known.length > 0) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: shaped });
  return shaped;
}

function shapedArbitrary(schema: Schema, dictionary: Dictionary, depth: number): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = [...asSchemas(schema.anyOf), ...asSchemas(schema.oneOf)];
  if (alternatives.length > 0) return fc.oneof(...alternatives.map((s) => shapedArbitrary(s, dictionary, depth)));
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => shapedArbitrary({ ...schema, type }, dictionary, depth)));
  switch (types[0]) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return integerArbitrary(schema);
    case 'number':
      return fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = Math.max(minLength, Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 4, minLength + 3));
      return fc.array(depth > 6 ? fc.constant('x') : arbitraryOf(items, dictionary, '', depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) record[key] = depth > 6 ? fc.constant(null) : arbitraryOf(sub, dictionary, key, depth + 1);
      const requiredKeys = Object.keys(properties).filter((k) => required.has(k));
      return fc.record(record, { requiredKeys });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

/** One deterministic valid-shaped example: dictionary values first, then enum, default, bounds. */
export function exampleOf(schema: Schema, dictionary: Dictionary, name = '', depth = 0): unknown {
  const known = (dictionary[name] ?? []).filter((v) => fits(v, schema));
  if (known && known.length > 0) return known[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const alternatives = [...asSchemas(schema.anyOf), ...asSchemas(schema.oneOf)];
  if (alternatives.length > 0) return exampleOf(alternatives[0], dictionary, name, depth);
  const [type] = typesOf(schema);
  switch (type) {
    case 'string': {
      if (typeof schema.pattern === 'string') return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: 1, numRuns: 1 })[0];
      if (schema.format === 'date-time') return '2024-05-01T00:00:00.000Z';
      if (schema.format === 'date') return '2024-05-01';
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'example'.padEnd(minLength, 'x').slice(0, typeof schema.maxLength === 'number' ? Math.max(minLength, schema.maxLength) : undefined);
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return Array.from({ length: count }, () => (depth > 6 ? 'x' : exampleOf(items, dictionary, '', depth + 1)));
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) {
        if (required.has(key) || (dictionary[key] ?? []).some((v) => fits(v, sub))) out[key] = depth > 6 ? null : exampleOf(sub, dictionary, key, depth + 1);
      }
      return out;
    }
    default:
      return 'example';
  }
}

const BOUNDARY_DATE_TIME = { min: '0000-01-01T00:00:00.000Z', max: '9999-12-31T23:59:59.999Z' };

/**
 * A value at the lower or upper end of what `schema` allows: integers at their bounds, date-times
 * in the first and last four-digit years, strings of the least and the most characters (at most
 * 4,000 where only the edge's default bound applies, so that a body stays under the body limit),
 * arrays of the fewest and the most items. Members the dictionary knows keep their known values,
 * except for numbers and dates, whose bounds are the point.
 */
export function boundaryOf(schema: Schema, end: 'min' | 'max', dictionary: Dictionary, name = '', inArray = false, depth = 0): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return end === 'min' ? schema.enum[0] : schema.enum[schema.enum.length - 1];
  const alternatives = [...asSchemas(schema.anyOf), ...asSchemas(schema.oneOf)];
  if (alternatives.length > 0) return boundaryOf(end === 'min' ? alternatives[0] : alternatives[alternatives.length - 1], end, dictionary, name, inArray, depth);
  const types = typesOf(schema).filter((type) => type !== 'null');
  const type = types[0];
  const known = (dictionary[name] ?? []).filter((v) => fits(v, schema));
  if (known.length > 0 && type !== 'integer' && type !== 'number' && schema.format !== 'date-time') return known[0];
  switch (type) {
    case 'string': {
      if (schema.format === 'date-time') return BOUNDARY_DATE_TIME[end];
      if (schema.format === 'date') return BOUNDARY_DATE_TIME[end].slice(0, 10);
      if (typeof schema.pattern === 'string') return exampleOf(schema, dictionary, name, depth);
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const declared = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
      const maxLength = inArray ? Math.min(declared, 64) : declared > 4000 ? Math.max(minLength, 4000) : declared;
      return end === 'min' ? 'x'.repeat(minLength) : '证'.repeat(maxLength);
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
      const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : 1_000_000;
      return end === 'min' ? min : max;
    }
    case 'boolean':
      return end === 'max';
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : 3;
      const count = end === 'min' ? minItems : Math.min(maxItems, 1000);
      return Array.from({ length: count }, () => (depth > 6 ? 'x' : boundaryOf(items, end, dictionary, '', true, depth + 1)));
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) {
        if (end === 'max' || required.has(key)) out[key] = depth > 6 ? null : boundaryOf(sub, end, dictionary, key, inArray, depth + 1);
      }
      if (Object.keys(properties).length === 0 && known.length > 0) return known[0];
      return out;
    }
    default:
      return types.length === 0 && typesOf(schema).includes('null') ? null : exampleOf(schema, dictionary, name, depth);
  }
}

/**
 * JSON pointers (as segment arrays) of every member a schema declares, nested objects and the
 * first item of arrays included, plus every leaf of `example` (for free-form members such as a
 * license's `data`).
 */
export function memberPointers(schema: Schema, example: unknown): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  const add = (pointer: string[]) => {
    const key = JSON.stringify(pointer);
    if (pointer.length === 0 || seen.has(key)) return;
    seen.add(key);
    out.push(pointer);
  };
  const walkSchema = (s: Schema, at: string[], depth: number) => {
    if (depth > 5) return;
    for (const alternative of [...asSchemas(s.anyOf), ...asSchemas(s.oneOf)]) walkSchema(alternative, at, depth + 1);
    const properties = s.properties as Record<string, Schema> | undefined;
    if (properties) {
      for (const [key, sub] of Object.entries(properties)) {
        add([...at, key]);
        walkSchema(sub, [...at, key], depth + 1);
      }
    }
    if (s.items && typeof s.items === 'object') {
      add([...at, '0']);
      walkSchema(s.items as Schema, [...at, '0'], depth + 1);
    }
  };
  const walkValue = (v: unknown, at: string[], depth: number) => {
    if (depth > 5) return;
    const entries: [string, unknown][] = Array.isArray(v) ? v.slice(0, 1).map((item, i) => [String(i), item]) : v !== null && typeof v === 'object' ? Object.entries(v) : [];
    for (const [key, item] of entries) {
      add([...at, key]);
      walkValue(item, [...at, key], depth + 1);
    }
  };
  walkSchema(schema, [], 0);
  walkValue(example, [], 0);
  return out;
}

/** A deep copy of `root` with `value` at `pointer`, creating objects and arrays on the way. */
export function withValueAt(root: unknown, pointer: readonly string[], value: unknown): unknown {
  const copy: unknown = structuredClone(root ?? {});
  let node = copy as Record<string, unknown>;
  for (let i = 0; i < pointer.length - 1; i++) {
    const key = pointer[i];
    const nextIsIndex = /^\d+$/.test(pointer[i + 1]);
    if (node[key] === null || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[pointer[pointer.length - 1]] = value;
  return copy;
}
